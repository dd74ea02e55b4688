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
  const count = i1 - i0 + 1;
  const out: number[] = [];
  if (count <= 2 * Math.max(1, buckets)) {
    for (let i = i0; i <= i1; i++) out.push(i);
    return out;
  }
  const x0 = xs[i0]!;
  const span = xs[i1]! - x0;
  const width = span > 0 ? span / buckets : 1;
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
    for (const p of picked) if (out.length === 0 || out[out.length - 1] !== p) out.push(p);
  };
  for (let i = i0; i <= i1; i++) {
    const b = Math.min(buckets - 1, Math.floor((xs[i]! - x0) / width));
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
  flush();
  return out;
}
