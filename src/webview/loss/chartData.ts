// Turns runs into what one uPlot chart draws: downsampled (min/max envelope), smoothed,
// log-safe, and aligned on one x array across runs.
import uPlot from 'uplot';
import { EnvelopeCache, envelopeIndices, type XRange } from '../ui/downsample';
import type { MetricGroup } from './groups';
import type { RunData, XMode } from './series';

export interface ChartView {
  xMode: XMode;
  logY: boolean;
  /** EMA weight, 0 = off. */
  smoothing: number;
}

export interface SeriesMeta {
  /** Persisted identity: survives reloads and reorderings. */
  key: string;
  runIndex: number;
  seriesId: string;
  label: string;
  /** The faint raw line drawn behind a smoothed one. */
  raw: boolean;
}

export interface ChartData {
  data: uPlot.AlignedData;
  series: SeriesMeta[];
  /** Rows of raw data behind the chart, all runs. */
  rawPoints: number;
}

export function seriesKey(group: MetricGroup, run: RunData, seriesId: string): string {
  return `${group.id}|${run.ref.runId}|${seriesId}`;
}

/**
 * `caches` keeps one incremental envelope per run and view (appends then cost only the new
 * rows); a zoomed view is downsampled afresh over its range.
 */
export function buildChartData(
  runs: readonly RunData[], group: MetricGroup, view: ChartView, buckets: number, zoom: XRange | undefined, caches: Map<string, EnvelopeCache>,
): ChartData {
  const series: SeriesMeta[] = [];
  const tables: uPlot.AlignedData[] = [];
  let rawPoints = 0;
  const clean = (v: number | undefined): number | null =>
    v === undefined || Number.isNaN(v) || (view.logY && v <= 0) ? null : v;
  runs.forEach((run, runIndex) => {
    const table = run.table(group.level);
    const ids = table.seriesOf(group.id);
    if (ids.length === 0) return;
    rawPoints += table.groupRows.get(group.id) ?? 0;
    const raws = ids.map((id) => table.columns.get(id)!);
    const smooth = view.smoothing > 0 ? ids.map((id) => run.smoothed(group.level, id, view.smoothing)) : raws;
    const xs = table.x[view.xMode];
    const ys = view.smoothing > 0 ? [...raws, ...smooth] : raws;
    let idx: number[];
    if (zoom) {
      idx = envelopeIndices(xs, ys, buckets, zoom);
    } else {
      const key = `${run.ref.runId}|${view.xMode}|${view.smoothing}|${buckets}`;
      let cache = caches.get(key);
      if (!cache) {
        cache = new EnvelopeCache();
        caches.set(key, cache);
      }
      idx = cache.indices(xs, ys, buckets);
    }
    const cols: Array<Array<number | null>> = [idx.map((i) => xs[i]!)];
    ids.forEach((id, k) => {
      const name = id.slice(group.id.length + 1);
      const label = runs.length > 1 ? `${run.ref.label} · ${name}` : name;
      series.push({ key: seriesKey(group, run, id), runIndex, seriesId: id, label, raw: false });
      cols.push(idx.map((i) => clean(smooth[k]![i])));
      series.push({ key: `${seriesKey(group, run, id)}|raw`, runIndex, seriesId: id, label: `${label} (raw)`, raw: true });
      cols.push(view.smoothing > 0 ? idx.map((i) => clean(raws[k]![i])) : idx.map(() => null));
    });
    tables.push(cols as uPlot.AlignedData);
  });
  const data = tables.length === 0 ? ([[]] as unknown as uPlot.AlignedData) : tables.length === 1 ? tables[0]! : uPlot.join(tables);
  return { data, series, rawPoints };
}
