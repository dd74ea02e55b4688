// The words a run's results are shown with: the CodeLens headline, the runs view's
// description and hover rows. Accuracies are on the 0..1 scale in events.
import type { ComparisonSummary } from '../protocol/events';

export function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** Accuracy points with a sign: 0.014 → `+1.4`. */
export function points(x: number): string {
  const v = (x * 100).toFixed(1);
  return x >= 0 ? `+${v}` : v;
}

/** `student 97.8% · teacher 98.9% · +1.4 vs scratch · 9.6× smaller` */
export function formatHeadline(s: ComparisonSummary): string {
  const parts = [`student ${percent(s.student_accuracy)}`, `teacher ${percent(s.teacher_accuracy)}`];
  if (typeof s.kd_gain === 'number') parts.push(`${points(s.kd_gain)} vs scratch`);
  if (Number.isFinite(s.compression) && s.compression > 0) parts.push(`${s.compression.toFixed(1)}× smaller`);
  return parts.join(' · ');
}

/** The shorter form for a tree row: `student 97.8% · teacher 98.9% · KD +1.4`. */
export function formatMetrics(s: ComparisonSummary): string {
  const parts = [`student ${percent(s.student_accuracy)}`, `teacher ${percent(s.teacher_accuracy)}`];
  if (typeof s.kd_gain === 'number') parts.push(`KD ${points(s.kd_gain)}`);
  return parts.join(' · ');
}

/** A loss value in as few characters as keep it readable. */
export function formatLoss(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'NaN';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}
