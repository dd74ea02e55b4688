// Headline cards: accuracies, what distillation bought over the baseline, and the cost side
// (size, latency) of teacher versus student.
import type { Comparison } from '../../core/protocol/events';
import { bytes, count, fixed, ms, pct, points, ratio } from './format';

interface Card { label: string; value: string; detail?: string; tone?: 'good' | 'bad' }

function cardsOf(c: Comparison): Card[] {
  const s = c.summary;
  const gain = s.kd_gain ?? (c.baseline ? c.student.accuracy - c.baseline.accuracy : undefined);
  const t = c.teacher;
  const st = c.student;
  const speedup = s.speedup ?? (t.latency_ms && st.latency_ms && st.latency_ms.batch1 > 0 ? t.latency_ms.batch1 / st.latency_ms.batch1 : undefined);
  return [
    { label: 'Teacher accuracy', value: pct(t.accuracy) },
    { label: 'Baseline accuracy', value: pct(c.baseline?.accuracy ?? s.baseline_accuracy), detail: 'student without KD' },
    { label: 'Student accuracy', value: pct(st.accuracy) },
    { label: 'KD gain over baseline', value: points(gain), tone: gain === undefined ? undefined : gain >= 0 ? 'good' : 'bad' },
    { label: 'Agreement', value: pct(st.agreement ?? s.agreement), detail: 'top-1, student vs teacher' },
    { label: 'Mean KL(teacher ‖ student)', value: fixed(st.kl_to_teacher) },
    { label: 'ECE', value: `${fixed(t.ece, 3)} / ${fixed(st.ece, 3)}`, detail: 'teacher / student' },
    { label: 'Parameters', value: `${count(t.params)} / ${count(st.params)}`, detail: 'teacher / student' },
    { label: 'Weight size', value: `${bytes(t.weight_bytes)} / ${bytes(st.weight_bytes)}`, detail: 'teacher / student' },
    { label: 'Latency (batch 1)', value: `${ms(t.latency_ms?.batch1)} / ${ms(st.latency_ms?.batch1)}`, detail: 'teacher / student' },
    { label: 'Compression', value: ratio(s.compression), detail: 'teacher params / student params' },
    { label: 'Speedup', value: ratio(speedup), detail: 'batch 1 latency' },
  ];
}

export function renderCards(c: Comparison): HTMLElement {
  const el = document.createElement('div');
  el.className = 'cards';
  for (const card of cardsOf(c)) {
    const div = document.createElement('div');
    div.className = 'card';
    const value = document.createElement('div');
    value.className = `value${card.tone ? ` ${card.tone}` : ''}`;
    value.textContent = card.value;
    const label = document.createElement('div');
    label.className = 'label';
    label.textContent = card.label;
    div.append(value, label);
    if (card.detail) div.title = card.detail;
    el.append(div);
  }
  return el;
}
