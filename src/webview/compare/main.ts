// Comparison panel entry: says `ready`, renders each snapshot (one run, or two side by side).
import '../ui/panel.css';
import type { Comparison } from '../../core/protocol/events';
import { WEBVIEW_PROTOCOL_VERSION, parseHostToCompare, type CompareEntry } from '../../core/protocol/messages';
import { connectHost } from '../ui/hostBridge';
import { readTheme, watchTheme, type Theme } from '../ui/theme';
import { registerToolkit } from '../ui/toolkit';
import { renderCards } from './cards';
import { renderGallery, type GalleryFilter } from './gallery';
import { renderHeatmap, rowRates } from './heatmap';
import { renderPerClass } from './perClass';
import { renderReliability } from './reliability';

interface CompareViewState { v: 1; panel: 'compare'; runDirs: string[]; filters: Record<string, GalleryFilter> }

registerToolkit();
const bridge = connectHost();
const state = restore(bridge.getState());
let theme: Theme = readTheme();
let entries: CompareEntry[] = [];
const root = document.createElement('div');
root.className = 'runs';
const waiting = document.createElement('div');
waiting.className = 'empty';
waiting.textContent = 'Waiting for the comparison…';
document.body.append(waiting, root);

function restore(x: unknown): CompareViewState {
  const s: CompareViewState = { v: 1, panel: 'compare', runDirs: [], filters: {} };
  if (typeof x !== 'object' || x === null) return s;
  const o = x as Partial<CompareViewState>;
  if (Array.isArray(o.runDirs)) s.runDirs = o.runDirs.filter((d) => typeof d === 'string');
  if (o.filters && typeof o.filters === 'object') {
    for (const [k, f] of Object.entries(o.filters)) {
      if (f && typeof f.cls === 'number' && ['all', 'teacher', 'student', 'neither'].includes(f.who)) s.filters[k] = { cls: f.cls, who: f.who };
    }
  }
  return s;
}

function section(title: string, ...content: HTMLElement[]): HTMLElement {
  const el = document.createElement('section');
  const h = document.createElement('h3');
  h.textContent = title;
  el.append(h, ...content);
  return el;
}

function row(...items: HTMLElement[]): HTMLElement {
  const el = document.createElement('div');
  el.className = 'figures';
  el.append(...items);
  return el;
}

function renderComparison(entry: CompareEntry, c: Comparison): HTMLElement {
  const col = document.createElement('div');
  col.className = 'run';
  col.dataset.runId = entry.runId;
  const title = document.createElement('h2');
  title.textContent = `${c.experiment} · ${entry.label}`;
  const sub = document.createElement('div');
  sub.className = 'muted';
  sub.textContent = `${c.dataset.name}, ${c.dataset.test_examples} test examples`;
  const diff = c.student.confusion.map((r, i) => r.map((_, j) => rowRates(c.student.confusion)[i]![j]! - rowRates(c.teacher.confusion)[i]![j]!));
  const reliability = [
    renderReliability('Teacher', c.teacher.reliability, c.teacher.ece, theme.stage.teacher, theme),
    ...(c.baseline ? [renderReliability('Baseline', c.baseline.reliability, c.baseline.ece, theme.stage.baseline, theme)] : []),
    renderReliability('Student', c.student.reliability, c.student.ece, theme.stage.distill, theme),
  ];
  const filter = state.filters[entry.runId] ?? { cls: -1, who: 'all' };
  col.append(
    title, sub,
    renderCards(c),
    section('Per-class accuracy', renderPerClass(c)),
    section('Confusion matrices', row(
      renderHeatmap('Teacher', c.class_names, rowRates(c.teacher.confusion), c.teacher.confusion, theme, false),
      renderHeatmap('Student', c.class_names, rowRates(c.student.confusion), c.student.confusion, theme, false),
      renderHeatmap('Student − teacher', c.class_names, diff, undefined, theme, true),
    )),
    section('Reliability', row(...reliability)),
    section('Disagreements', renderGallery(c, filter, (f) => {
      state.filters[entry.runId] = f;
      bridge.setState(state);
    })),
  );
  return col;
}

function render(): void {
  root.replaceChildren();
  waiting.hidden = entries.some((e) => e.comparison);
  for (const entry of entries) {
    if (entry.comparison) {
      root.append(renderComparison(entry, entry.comparison));
    } else {
      const el = document.createElement('div');
      el.className = 'empty';
      el.textContent = `${entry.label}: no comparison.json yet (it is written when the run finishes).`;
      root.append(el);
    }
  }
}

bridge.onMessage((data) => {
  const msg = parseHostToCompare(data);
  if (!msg) return;
  switch (msg.type) {
    case 'snapshot':
      entries = msg.entries;
      state.runDirs = entries.map((e) => e.runDir);
      bridge.setState(state);
      render();
      break;
    default: {
      const unhandled: never = msg.type;
      void unhandled;
    }
  }
});
watchTheme((t) => {
  theme = t;
  render();
});
window.addEventListener('error', (e) => bridge.post({ type: 'error', v: WEBVIEW_PROTOCOL_VERSION, message: String(e.message) }));
bridge.post({ type: 'ready', v: WEBVIEW_PROTOCOL_VERSION, panel: 'compare' });
