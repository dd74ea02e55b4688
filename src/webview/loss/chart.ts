// One metric group's chart. Created once per series layout; appends only call setData.
// Drag zooms (re-downsampling the visible range), double click resets, the legend toggles
// series and shows every value under the crosshair.
import uPlot from 'uplot';
import { toCsv } from '../ui/csv';
import { stableColor, withAlpha } from '../ui/colors';
import type { EnvelopeCache, XRange } from '../ui/downsample';
import type { Theme } from '../ui/theme';
import { button } from '../ui/toolkit';
import { buildChartData, type ChartView, type SeriesMeta } from './chartData';
import type { MetricGroup } from './groups';
import type { RunData, XMode } from './series';

export interface ChartHost {
  theme(): Theme;
  view(): ChartView;
  isHidden(key: string): boolean;
  setHidden(key: string, hidden: boolean): void;
  save(name: string, mime: 'text/csv' | 'image/png', data: string): void;
}

const HEIGHT = 220;
const X_LABEL: Record<XMode, string> = { step: 'step', epoch: 'epoch', time: 'wall time (s)' };

function formatX(mode: XMode, v: number | null): string {
  if (v === null || v === undefined) return '–';
  if (mode === 'step') return String(Math.round(v));
  if (mode === 'epoch') return v.toFixed(2);
  return `${v.toFixed(1)} s`;
}

/** Tick labels with as many decimals as the tick spacing needs (uPlot's default rounds 8e-4 to 0.001). */
function formatTicks(splits: number[], incr: number): string[] {
  const small = splits.some((v) => v !== 0 && Math.abs(v) < 1e-3) || splits.some((v) => Math.abs(v) >= 1e6);
  if (small) return splits.map((v) => (v === 0 ? '0' : v.toExponential(1)));
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(incr > 0 ? incr : 1) + 1e-9)));
  return splits.map((v) => v.toFixed(decimals));
}

function formatY(v: number | null): string {
  if (v === null || v === undefined) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}

export class MetricChart {
  readonly el: HTMLElement;
  private readonly plotEl: HTMLElement;
  private u?: uPlot;
  private layout = '';
  /** What the last render drew from: unchanged, an append to the other level skips this chart. */
  private stamp = '';
  private meta: SeriesMeta[] = [];
  private zoom?: XRange;
  private runs: readonly RunData[] = [];
  private readonly resize: ResizeObserver;
  private readonly envelopes = new Map<string, EnvelopeCache>();

  constructor(readonly group: MetricGroup, private readonly host: ChartHost) {
    this.el = document.createElement('section');
    this.el.className = 'chart';
    this.el.dataset.group = group.id;
    const header = document.createElement('header');
    const title = document.createElement('h2');
    title.textContent = group.title;
    header.append(
      title,
      button('CSV', () => this.exportCsv(), { secondary: true, title: 'Export the raw values as CSV' }),
      button('PNG', () => this.exportPng(), { secondary: true, title: 'Export this chart as a PNG image' }),
    );
    this.plotEl = document.createElement('div');
    this.plotEl.className = 'plot';
    this.el.append(header, this.plotEl);
    this.resize = new ResizeObserver(() => {
      if (this.u && this.plotEl.clientWidth > 0) this.u.setSize({ width: this.plotEl.clientWidth, height: HEIGHT });
    });
    this.resize.observe(this.plotEl);
  }

  /** Recreates the chart (theme, axis mode, log scale or a new series changed). */
  invalidate(): void {
    this.layout = '';
    this.stamp = '';
    this.envelopes.clear();
  }

  resetZoom(): void {
    this.zoom = undefined;
    this.render(this.runs);
  }

  render(runs: readonly RunData[]): void {
    this.runs = runs;
    const view = this.host.view();
    const width = Math.max(300, this.plotEl.clientWidth || 600);
    const stamp = JSON.stringify([runs.map((r) => [r.ref.runId, r.table(this.group.level).length, r.spans.length]), view, this.zoom, width]);
    if (this.u && stamp === this.stamp) return;
    this.stamp = stamp;
    // Bucket count rounded so small resizes keep the incremental envelopes.
    const buckets = Math.max(256, 2 ** Math.round(Math.log2(width)));
    const { data, series, rawPoints } = buildChartData(runs, this.group, view, buckets, this.zoom, this.envelopes);
    const layout = JSON.stringify([view.xMode, view.logY, series.map((s) => s.key)]);
    if (!this.u || layout !== this.layout) {
      this.u?.destroy();
      this.meta = series;
      this.layout = layout;
      this.u = new uPlot(this.options(width, view, runs), data, this.plotEl);
      this.hideRawLegendRows();
    } else {
      this.u.setData(data, !this.zoom);
      if (this.zoom) this.u.setScale('x', this.zoom);
    }
    this.el.dataset.rawPoints = String(rawPoints);
    this.el.dataset.renderedPoints = String(data[0].length);
  }

  destroy(): void {
    this.resize.disconnect();
    this.u?.destroy();
    this.el.remove();
  }

  private color(s: SeriesMeta, runs: readonly RunData[]): string {
    const { palette } = this.host.theme();
    // One run: a colour per term. Several runs: a colour per run, dashes tell terms apart.
    return runs.length > 1 ? stableColor(runs[s.runIndex]!.ref.runId, palette) : stableColor(s.seriesId, palette);
  }

  private options(width: number, view: ChartView, runs: readonly RunData[]): uPlot.Options {
    const theme = this.host.theme();
    const axis: uPlot.Axis = { stroke: theme.foreground, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 }, font: theme.font };
    const termIndex = new Map<string, number>();
    const series: uPlot.Series[] = [{ label: X_LABEL[view.xMode], value: (_u, v) => formatX(view.xMode, v) }];
    for (const s of this.meta) {
      const color = this.color(s, runs);
      if (!termIndex.has(s.seriesId)) termIndex.set(s.seriesId, termIndex.size);
      const dash = runs.length > 1 && termIndex.get(s.seriesId)! > 0 ? [2 + 2 * termIndex.get(s.seriesId)!, 3] : undefined;
      const show = !this.host.isHidden(s.raw ? s.key.slice(0, -4) : s.key);
      series.push(s.raw
        ? { label: s.label, stroke: withAlpha(color, 0.25), width: 1, show, value: (_u, v) => formatY(v), points: { show: false } }
        : { label: s.label, stroke: color, width: 1.5, dash, show, value: (_u, v) => formatY(v) }); // uPlot shows points only where sparse (a one-epoch stage)
    }
    return {
      width,
      height: HEIGHT,
      scales: { x: { time: false }, y: view.logY ? { distr: 3 } : {} },
      axes: [{ ...axis, label: X_LABEL[view.xMode], labelFont: theme.font }, { ...axis, size: 64, values: (_u, splits, _ax, _space, incr) => (view.logY ? splits.map((v) => formatY(v)) : formatTicks(splits, incr)) }],
      series,
      legend: { live: true },
      cursor: {
        sync: { key: `distillery-${view.xMode}` },
        drag: { x: true, y: false, setScale: false },
        bind: { dblclick: () => () => { this.resetZoom(); return null; } },
      },
      hooks: {
        drawClear: [(u) => this.drawStages(u, view.xMode)],
        setSelect: [(u) => this.onSelect(u)],
        setSeries: [(u, idx, opts) => this.onSeries(u, idx, opts)],
      },
    };
  }

  private hideRawLegendRows(): void {
    const rows = this.u!.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    this.meta.forEach((s, i) => { if (s.raw) rows[i + 1]?.classList.add('raw-series'); });
  }

  private onSelect(u: uPlot): void {
    if (u.select.width < 5) return;
    const min = u.posToVal(u.select.left, 'x');
    const max = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.zoom = { min, max };
    this.render(this.runs);
  }

  private onSeries(u: uPlot, idx: number | null, opts: uPlot.Series): void {
    if (idx === null || opts.show === undefined) return;
    const s = this.meta[idx - 1];
    if (!s || s.raw) return;
    this.host.setHidden(s.key, !opts.show);
    // The faint raw line follows its smoothed series.
    const rawIdx = idx + 1;
    if (this.meta[rawIdx - 1]?.raw && u.series[rawIdx]!.show !== opts.show) u.setSeries(rawIdx, { show: opts.show });
  }

  private drawStages(u: uPlot, mode: XMode): void {
    const theme = this.host.theme();
    const { ctx } = u;
    const { left, top, width, height } = u.bbox;
    ctx.save();
    ctx.font = theme.font.replace(/^(\d+)px/, (_m, px: string) => `${Math.round(Number(px) * devicePixelRatio)}px`);
    this.runs.forEach((run, r) => {
      for (const span of run.spans) {
        const x0 = Math.max(left, u.valToPos(span.start[mode], 'x', true));
        const x1 = Math.min(left + width, u.valToPos(span.end[mode], 'x', true));
        if (!(x1 >= x0) || x0 > left + width) continue;
        const color = theme.stage[span.stage];
        if (r === 0) {
          ctx.fillStyle = withAlpha(color, 0.08);
          ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
          // Label only bands wide enough for it (short stages would overprint their neighbours).
          if (x1 - x0 > ctx.measureText(span.stage).width + 8 * devicePixelRatio) {
            ctx.fillStyle = withAlpha(color, 0.9);
            ctx.fillText(span.stage, x0 + 4 * devicePixelRatio, top + 12 * devicePixelRatio);
          }
        }
        ctx.strokeStyle = withAlpha(color, 0.6);
        ctx.setLineDash(r === 0 ? [] : [4, 4]);
        ctx.beginPath();
        ctx.moveTo(Math.round(x0) + 0.5, top);
        ctx.lineTo(Math.round(x0) + 0.5, top + height);
        ctx.stroke();
      }
    });
    ctx.restore();
  }

  private exportCsv(): void {
    const ids = new Set<string>();
    for (const run of this.runs) for (const id of run.table(this.group.level).seriesOf(this.group.id)) ids.add(id);
    const cols = [...ids];
    const rows: Array<Array<string | number>> = [];
    for (const run of this.runs) {
      const t = run.table(this.group.level);
      const values = cols.map((id) => t.columns.get(id));
      for (let i = 0; i < t.length; i++) {
        const row = values.map((c) => (c ? c[i]! : NaN));
        if (row.every((v) => Number.isNaN(v))) continue;
        rows.push([run.ref.runId, t.stage[i]!, t.x.step[i]!, t.x.epoch[i]!, t.x.time[i]!, ...row]);
      }
    }
    const header = ['run_id', 'stage', 'step', 'epoch', 'wall_s', ...cols.map((id) => id.slice(this.group.id.length + 1))];
    this.host.save(`${this.group.id}.csv`, 'text/csv', toCsv(header, rows));
  }

  private exportPng(): void {
    if (!this.u) return;
    const theme = this.host.theme();
    const src = this.u.ctx.canvas;
    const titleH = Math.round(24 * devicePixelRatio);
    const legendH = Math.round(18 * devicePixelRatio);
    const canvas = document.createElement('canvas');
    canvas.width = src.width;
    canvas.height = src.height + titleH + legendH;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = theme.foreground;
    ctx.font = `${Math.round(13 * devicePixelRatio)}px sans-serif`;
    ctx.fillText(this.group.title, 8, Math.round(17 * devicePixelRatio));
    ctx.drawImage(src, 0, titleH);
    // A legend of the visible smoothed series, since uPlot's legend is HTML.
    let x = 8;
    ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
    this.meta.forEach((s, i) => {
      if (s.raw || !this.u!.series[i + 1]!.show) return;
      ctx.fillStyle = this.color(s, this.runs);
      ctx.fillRect(x, src.height + titleH + 4, 10 * devicePixelRatio, 10 * devicePixelRatio);
      ctx.fillStyle = theme.foreground;
      ctx.fillText(s.label, x + 14 * devicePixelRatio, src.height + titleH + 13 * devicePixelRatio);
      x += (24 + ctx.measureText(s.label).width / devicePixelRatio) * devicePixelRatio;
    });
    this.host.save(`${this.group.id}.png`, 'image/png', canvas.toDataURL('image/png'));
  }
}
