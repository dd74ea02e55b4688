// Classification metrics on plain arrays (no tfjs), so they are unit-tested against hand values.
// Probabilities are row-major B×C Float32Arrays (softmax outputs), labels are class indices.
import type { ReliabilityBin } from '../../core/protocol/events';

export function argmaxRows(probs: ArrayLike<number>, numClasses: number): Int32Array {
  const n = probs.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probs[i * numClasses + c] > probs[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

export function accuracy(preds: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (labels.length === 0) return 0;
  let ok = 0;
  for (let i = 0; i < labels.length; i++) if (preds[i] === labels[i]) ok++;
  return ok / labels.length;
}

/** confusion[true][predicted] counts. */
export function confusionMatrix(preds: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][preds[i]]++;
  return m;
}

/** Accuracy of each true class (0 for a class with no examples). */
export function perClassAccuracy(confusion: number[][]): number[] {
  return confusion.map((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n === 0 ? 0 : row[c] / n;
  });
}

/**
 * Expected calibration error with equal-width confidence bins (Guo et al. 2017):
 * Σ_b (n_b / N)·|acc_b − conf_b|, confidence = the top probability. Bin b covers (lo, hi],
 * the first bin also takes 0.
 */
export function calibration(probs: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, bins = 15): { ece: number; reliability: ReliabilityBin[] } {
  const count = new Array<number>(bins).fill(0);
  const confSum = new Array<number>(bins).fill(0);
  const correct = new Array<number>(bins).fill(0);
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probs[i * numClasses + c] > probs[i * numClasses + best]) best = c;
    const conf = probs[i * numClasses + best];
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(conf * bins) - 1));
    count[b]++;
    confSum[b] += conf;
    if (best === labels[i]) correct[b]++;
  }
  let ece = 0;
  const reliability: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const confidence = count[b] ? confSum[b] / count[b] : 0;
    const acc = count[b] ? correct[b] / count[b] : 0;
    if (n) ece += (count[b] / n) * Math.abs(acc - confidence);
    reliability.push({ lo: b / bins, hi: (b + 1) / bins, count: count[b], confidence, accuracy: acc });
  }
  return { ece, reliability };
}

/** Mean over examples of KL(p ‖ q) = Σ p·log(p/q); terms with p = 0 contribute 0, q is floored at 1e-12. */
export function meanKl(p: ArrayLike<number>, q: ArrayLike<number>, numClasses: number): number {
  const n = p.length / numClasses;
  if (n === 0) return 0;
  let total = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i];
    if (pi > 0) total += pi * Math.log(pi / Math.max(q[i], 1e-12));
  }
  return total / n;
}

/** Fraction of examples where both models predict the same class. */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return accuracy(a, b);
}

/** Row-wise softmax of logits (numerically stable), for metrics computed outside tfjs. */
export function softmaxRows(logits: ArrayLike<number>, numClasses: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let i = 0; i < logits.length; i += numClasses) {
    let max = -Infinity;
    for (let c = 0; c < numClasses; c++) max = Math.max(max, logits[i + c]);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += out[i + c] = Math.exp(logits[i + c] - max);
    for (let c = 0; c < numClasses; c++) out[i + c] /= sum;
  }
  return out;
}

/** Median of a non-empty list. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The `count` test examples where teacher and student disagree, the most confident first
 * (confidence of the disagreement = the larger of the two top probabilities).
 */
export function confidentDisagreements(teacherProbs: ArrayLike<number>, studentProbs: ArrayLike<number>, numClasses: number, count: number): { index: number; teacher: { pred: number; confidence: number }; student: { pred: number; confidence: number } }[] {
  const tp = argmaxRows(teacherProbs, numClasses);
  const sp = argmaxRows(studentProbs, numClasses);
  const rows = [];
  for (let i = 0; i < tp.length; i++) {
    if (tp[i] === sp[i]) continue;
    const teacher = { pred: tp[i], confidence: teacherProbs[i * numClasses + tp[i]] };
    const student = { pred: sp[i], confidence: studentProbs[i * numClasses + sp[i]] };
    rows.push({ index: i, teacher, student, key: Math.max(teacher.confidence, student.confidence) });
  }
  rows.sort((a, b) => b.key - a.key || a.index - b.index);
  return rows.slice(0, count).map(({ key: _key, ...r }) => r);
}
