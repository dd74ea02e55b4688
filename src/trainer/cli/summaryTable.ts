// The final teacher / baseline / student table printed by `run` and `compare`.
import type { Comparison, ModelReport } from '../../core/protocol/events';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
function bytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)} MB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KB`;
  return `${n} B`;
}
const ms = (x: number | undefined) => (x === undefined ? '—' : x < 10 ? `${x.toFixed(2)} ms` : `${x.toFixed(1)} ms`);

export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n') + '\n';
}

export function comparisonTable(c: Comparison): string {
  const row = (name: string, m: ModelReport) => [
    name, pct(m.accuracy), name === 'teacher' ? '—' : pct(m.agreement), m.ece.toFixed(4), m.params.toLocaleString('en-US'),
    bytes(m.weight_bytes), ms(m.latency_ms?.batch1), ms(m.latency_ms?.batch64),
  ];
  const rows = [['', 'accuracy', 'agreement', 'ECE', 'params', 'size', 'latency b1', 'latency b64'], row('teacher', c.teacher)];
  if (c.baseline) rows.push(row('baseline', c.baseline));
  rows.push(row('student (KD)', c.student));
  const s = c.summary;
  const notes = [`compression ${s.compression.toFixed(1)}×`];
  if (s.speedup !== undefined) notes.push(`speed-up ${s.speedup.toFixed(1)}× at batch 1`);
  if (s.kd_gain !== undefined) notes.push(`distillation ${s.kd_gain >= 0 ? '+' : ''}${(s.kd_gain * 100).toFixed(2)} points over the baseline`);
  return `${c.experiment} on ${c.dataset.name} (${c.dataset.test_examples} test examples)\n${formatTable(rows)}${notes.join(', ')}\n`;
}
