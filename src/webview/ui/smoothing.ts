// Exponential moving average, debiased like TensorBoard's so early points are not pulled
// towards zero. Incremental: appends extend the smoothed series instead of recomputing it.

export class Ema {
  readonly values: number[] = [];
  private acc = 0;
  private weight = 0;

  /** weight in [0, 1): 0 is no smoothing. */
  constructor(readonly weight0: number) {}

  /** Smooths raw[values.length..]; NaN stays NaN (a gap) and does not disturb the average. */
  extend(raw: ArrayLike<number>): number[] {
    const a = this.weight0;
    for (let i = this.values.length; i < raw.length; i++) {
      const x = raw[i]!;
      if (Number.isNaN(x)) {
        this.values.push(NaN);
        continue;
      }
      this.acc = a * this.acc + (1 - a) * x;
      this.weight = a * this.weight + (1 - a);
      this.values.push(this.weight > 0 ? this.acc / this.weight : x);
    }
    return this.values;
  }
}
