// Display downsampling that keeps each series' min/max envelope: spikes survive, and 100k+
// points per series draw as a few thousand. Pure; shared x, so several series (raw and
// smoothed, several terms) stay aligned for uPlot.

export interface XRange { min: number; max: number }

/** First index with xs[i] >= v (xs non-decreasing). */
export function lowerBound(xs: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Appends to `out`, bucket by bucket over rows [i0, i1], each bucket's first and last row
 * and every series' min and max row (bucket b covers x in [x0 + b·width, x0 + (b+1)·width),
 * clamped to maxBucket). With `holdLast` the last bucket, which may still grow, is not
 * emitted. Returns the first row of the last bucket.
 */
function scanBuckets(
  xs: ArrayLike<number>, ys: ReadonlyArray<ArrayLike<number>>, i0: number, i1: number,
  x0: number, width: number, maxBucket: number, out: number[], holdLast: boolean,
): number {
  const s = ys.length;
  const minIdx = new Int32Array(s);
  const maxIdx = new Int32Array(s);
  const picked: number[] = [];
  let bucket = -1;
  let first = i0;
  let last = i0;
  const flush = (): void => {
    picked.length = 0;
    picked.push(first, last);
    for (let k = 0; k < s; k++) {
      if (minIdx[k]! >= 0) picked.push(minIdx[k]!);
      if (maxIdx[k]! >= 0) picked.push(maxIdx[k]!);
    }
    picked.sort((a, b) => a - b);
    for (const p of picked) if (out.length === 0 || out[out.length - 1]! < p) out.push(p);
  };
  for (let i = i0; i <= i1; i++) {
    const b = Math.min(maxBucket, Math.floor((xs[i]! - x0) / width));
    if (b !== bucket) {
      if (bucket >= 0) flush();
      bucket = b;
      first = i;
      minIdx.fill(-1);
      maxIdx.fill(-1);
    }
    last = i;
    for (let k = 0; k < s; k++) {
      const v = ys[k]![i]!;
      if (Number.isNaN(v)) continue;
      if (minIdx[k]! < 0 || v < ys[k]![minIdx[k]!]!) minIdx[k] = i;
      if (maxIdx[k]! < 0 || v > ys[k]![maxIdx[k]!]!) maxIdx[k] = i;
    }
  }
  if (bucket >= 0 && !holdLast) flush();
  return first;
}

const allRows = (i0: number, i1: number): number[] => Array.from({ length: i1 - i0 + 1 }, (_, k) => i0 + k);

/**
 * Indices (ascending, unique) of the rows to draw. Within `range` (plus one row either side,
 * so lines reach the plot edges) the x span is cut into `buckets`; each bucket keeps its
 * first and last row and, for every series, the rows of its minimum and maximum. NaN is
 * missing. When the range holds no more than 2·buckets rows, every row is kept.
 */
export function envelopeIndices(
  xs: ArrayLike<number>, ys: ReadonlyArray<ArrayLike<number>>, buckets: number, range?: XRange,
): number[] {
  const n = xs.length;
  if (n === 0) return [];
  let i0 = 0;
  let i1 = n - 1;
  if (range) {
    i0 = Math.max(0, lowerBound(xs, range.min) - 1);
    i1 = Math.min(n - 1, lowerBound(xs, range.max));
  }
  buckets = Math.max(1, Math.floor(buckets));
  if (i1 - i0 + 1 <= 2 * buckets) return allRows(i0, i1);
  const span = xs[i1]! - xs[i0]!;
  const out: number[] = [];
  scanBuckets(xs, ys, i0, i1, xs[i0]!, span > 0 ? span / buckets : 1, buckets - 1, out, false);
  return out;
}

/**
 * The same envelope for a whole series that only grows (live training), computed
 * incrementally: buckets have a power-of-two width anchored at the first x, so completed
 * buckets never change and an append only scans the rows after the last complete bucket.
 * The width doubles as the series grows (a full rescan, log(n) times in all). Use one cache
 * per (series set, x axis, smoothing); it starts afresh by itself when the series count or
 * the first x changes.
 */
export class EnvelopeCache {
  private width = 0;
  private x0 = NaN;
  private series = -1;
  /** Rows before this one are summarised in `kept`. */
  private rows = 0;
  private kept: number[] = [];

  indices(xs: ArrayLike<number>, ys: ReadonlyArray<ArrayLike<number>>, buckets: number): number[] {
    const n = xs.length;
    buckets = Math.max(1, Math.floor(buckets));
    if (n <= 2 * buckets) return n === 0 ? [] : allRows(0, n - 1);
    const span = xs[n - 1]! - xs[0]!;
    const width = span > 0 ? 2 ** Math.ceil(Math.log2(span / buckets)) : 1;
    if (width !== this.width || xs[0] !== this.x0 || ys.length !== this.series || n < this.rows) {
      this.width = width;
      this.x0 = xs[0]!;
      this.series = ys.length;
      this.rows = 0;
      this.kept = [];
    }
    this.rows = scanBuckets(xs, ys, this.rows, n - 1, this.x0, width, Infinity, this.kept, true);
    const tail: number[] = [];
    scanBuckets(xs, ys, this.rows, n - 1, this.x0, width, Infinity, tail, false);
    return this.kept.concat(tail);
  }
}
