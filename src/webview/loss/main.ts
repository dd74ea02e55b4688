// Loss panel entry: says `ready`, takes a snapshot, then appends; renders at most once per
// animation frame however many events arrive.
import 'uplot/dist/uPlot.min.css';
import '../ui/panel.css';
import { WEBVIEW_PROTOCOL_VERSION, parseHostToLoss, type HostToLossMessage } from '../../core/protocol/messages';
import { connectHost } from '../ui/hostBridge';
import { readTheme, watchTheme, type Theme } from '../ui/theme';
import { button, checkbox, dropdown, registerToolkit } from '../ui/toolkit';
import { MetricChart } from './chart';
import { METRIC_GROUPS } from './groups';
import { RunData, type XMode } from './series';
import { restoreLossState, type LossViewState } from './viewState';

registerToolkit();
const bridge = connectHost();
const state: LossViewState = restoreLossState(bridge.getState());
const hidden = new Set(state.hidden);
let theme: Theme = readTheme();
let runs: RunData[] = [];
const charts = new Map<string, MetricChart>();
let frame = 0;

const saveState = (): void => {
  state.hidden = [...hidden];
  bridge.setState(state);
};

const chartHost = {
  theme: () => theme,
  view: () => ({ xMode: state.xMode, logY: state.logY, smoothing: state.smoothing }),
  isHidden: (key: string) => hidden.has(key),
  setHidden: (key: string, h: boolean) => {
    if (h) hidden.add(key);
    else hidden.delete(key);
    saveState();
  },
  save: (name: string, mime: 'text/csv' | 'image/png', data: string) =>
    bridge.post({ type: 'saveFile', v: WEBVIEW_PROTOCOL_VERSION, name, mime, data }),
};

// ---- layout ----
const toolbar = document.createElement('div');
toolbar.className = 'toolbar';
const smoothingValue = document.createElement('span');
const smoothingInput = document.createElement('input');
smoothingInput.type = 'range';
smoothingInput.min = '0';
smoothingInput.max = '0.99';
smoothingInput.step = '0.01';
smoothingInput.value = String(state.smoothing);
smoothingInput.setAttribute('aria-label', 'Smoothing');
smoothingValue.textContent = state.smoothing.toFixed(2);
smoothingInput.addEventListener('input', () => {
  state.smoothing = Number(smoothingInput.value);
  smoothingValue.textContent = state.smoothing.toFixed(2);
  saveState();
  scheduleRender();
});
const smoothingLabel = document.createElement('label');
smoothingLabel.append('Smoothing', smoothingInput, smoothingValue);
const status = document.createElement('span');
status.className = 'status';
const relayout = (): void => {
  for (const c of charts.values()) c.invalidate();
  saveState();
  scheduleRender();
};
toolbar.append(
  dropdown<XMode>([{ value: 'step', label: 'x: step' }, { value: 'epoch', label: 'x: epoch' }, { value: 'time', label: 'x: wall time' }], state.xMode, (v) => {
    state.xMode = v;
    relayout();
  }, 'x axis'),
  smoothingLabel,
  checkbox('Log scale', state.logY, (v) => {
    state.logY = v;
    relayout();
  }),
  button('Reset zoom', () => { for (const c of charts.values()) c.resetZoom(); }, { secondary: true, title: 'Or double-click a chart' }),
  status,
);
const empty = document.createElement('div');
empty.className = 'empty';
empty.textContent = 'Waiting for the run’s first events…';
const grid = document.createElement('div');
grid.className = 'charts';
document.body.append(toolbar, empty, grid);

// ---- rendering ----
function scheduleRender(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    render();
  });
}

function render(): void {
  performance.mark('loss:render:start');
  const wanted = METRIC_GROUPS.filter((g) => runs.some((r) => (r.table(g.level).groupRows.get(g.id) ?? 0) > 0));
  for (const [id, chart] of charts) {
    if (!wanted.some((g) => g.id === id)) {
      chart.destroy();
      charts.delete(id);
    }
  }
  wanted.forEach((g, i) => {
    let chart = charts.get(g.id);
    if (!chart) {
      chart = new MetricChart(g, chartHost);
      charts.set(g.id, chart);
    }
    // Keep the registry's order even when groups appear late (epoch metrics after steps).
    if (grid.children[i] !== chart.el) grid.insertBefore(chart.el, grid.children[i] ?? null);
    chart.render(runs);
  });
  empty.hidden = wanted.length > 0;
  const steps = runs.reduce((n, r) => n + r.steps.length, 0);
  status.textContent = `${runs.length} run${runs.length === 1 ? '' : 's'} · ${steps} steps` +
    (runs.length === 1 ? ` · ${runs[0]!.status}` : '');
  // uPlot draws in a microtask queued by setData: measure after it.
  queueMicrotask(() => performance.measure('loss:render', 'loss:render:start'));
}

function handle(msg: HostToLossMessage): void {
  performance.mark('loss:ingest:start');
  switch (msg.type) {
    case 'snapshot':
      runs = msg.runs.map((r) => {
        const run = new RunData({ runDir: r.runDir, runId: r.runId, label: r.label });
        for (const e of r.events) run.ingest(e);
        return run;
      });
      state.runDirs = runs.map((r) => r.ref.runDir);
      for (const c of charts.values()) c.invalidate();
      saveState();
      break;
    case 'append': {
      const run = runs.find((r) => r.ref.runDir === msg.runDir);
      if (!run) return;
      for (const e of msg.events) run.ingest(e);
      break;
    }
    default: {
      const unhandled: never = msg;
      void unhandled;
    }
  }
  performance.measure('loss:ingest', 'loss:ingest:start');
  scheduleRender();
}

bridge.onMessage((data) => {
  const msg = parseHostToLoss(data);
  if (msg) handle(msg);
});
watchTheme((t) => {
  theme = t;
  relayout();
});
window.addEventListener('error', (e) => bridge.post({ type: 'error', v: WEBVIEW_PROTOCOL_VERSION, message: String(e.message) }));
bridge.post({ type: 'ready', v: WEBVIEW_PROTOCOL_VERSION, panel: 'loss' });
