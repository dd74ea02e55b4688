// Turns test-set probabilities of teacher, student and baseline into comparison.json.
// Pure (no tfjs): the numbers come from metrics.ts, so the whole report is unit-testable.
import { EVENTS_VERSION, type Comparison, type ComparisonSummary, type ExampleInput, type ModelReport } from '../../core/protocol/events';
import { accuracy, agreement, argmaxRows, calibration, confidentDisagreements, confusionMatrix, meanKl, perClassAccuracy } from './metrics';

export interface ModelOutputs {
  /** Test-set softmax probabilities, row-major [count × classes]. */
  probs: Float32Array;
  params: number;
  weightBytes: number;
  latency: { batch1: number; batch64: number } | null;
}

export function modelReport(m: ModelOutputs, teacherProbs: Float32Array, labels: Int32Array, numClasses: number): ModelReport {
  const preds = argmaxRows(m.probs, numClasses);
  const confusion = confusionMatrix(preds, labels, numClasses);
  const { ece, reliability } = calibration(m.probs, labels, numClasses, 15);
  return {
    accuracy: accuracy(preds, labels),
    per_class_accuracy: perClassAccuracy(confusion),
    confusion,
    ece,
    reliability,
    kl_to_teacher: m.probs === teacherProbs ? 0 : meanKl(teacherProbs, m.probs, numClasses),
    agreement: m.probs === teacherProbs ? 1 : agreement(preds, argmaxRows(teacherProbs, numClasses)),
    params: m.params,
    weight_bytes: m.weightBytes,
    latency_ms: m.latency,
  };
}

export interface ComparisonInput {
  experiment: string;
  runId: string;
  datasetName: string;
  classNames: string[];
  labels: Int32Array;
  teacher: ModelOutputs;
  student: ModelOutputs;
  baseline?: ModelOutputs;
  examples: number;
  describe(testIndex: number): ExampleInput;
}

export function buildComparison(c: ComparisonInput): Comparison {
  const k = c.classNames.length;
  const teacher = modelReport(c.teacher, c.teacher.probs, c.labels, k);
  const student = modelReport(c.student, c.teacher.probs, c.labels, k);
  const baseline = c.baseline ? modelReport(c.baseline, c.teacher.probs, c.labels, k) : undefined;
  const summary: ComparisonSummary = {
    teacher_accuracy: teacher.accuracy,
    student_accuracy: student.accuracy,
    agreement: student.agreement,
    compression: student.params > 0 ? teacher.params / student.params : 0,
  };
  if (baseline) {
    summary.baseline_accuracy = baseline.accuracy;
    summary.kd_gain = student.accuracy - baseline.accuracy;
  }
  if (teacher.latency_ms && student.latency_ms && student.latency_ms.batch1 > 0) summary.speedup = teacher.latency_ms.batch1 / student.latency_ms.batch1;
  const disagreements = confidentDisagreements(c.teacher.probs, c.student.probs, k, c.examples).map((d) => ({
    index: d.index,
    label: c.labels[d.index],
    teacher: d.teacher,
    student: d.student,
    input: c.describe(d.index),
  }));
  return {
    v: EVENTS_VERSION,
    experiment: c.experiment,
    run_id: c.runId,
    dataset: { name: c.datasetName, test_examples: c.labels.length },
    class_names: c.classNames,
    teacher,
    student,
    ...(baseline ? { baseline } : {}),
    summary,
    disagreements,
  };
}
