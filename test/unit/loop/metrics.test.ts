import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracy, agreement, argmaxRows, calibration, confidentDisagreements, confusionMatrix, meanKl, median, perClassAccuracy, softmaxRows } from '../../../src/trainer/evaluate/metrics';
import { buildComparison } from '../../../src/trainer/evaluate/report';

const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('confusion matrix, accuracy and per-class accuracy by hand', () => {
  const labels = [0, 0, 1, 1, 2, 2];
  const preds = [0, 1, 1, 1, 0, 2];
  assert.deepEqual(confusionMatrix(preds, labels, 3), [[1, 1, 0], [0, 2, 0], [1, 0, 1]]);
  close(accuracy(preds, labels), 4 / 6);
  assert.deepEqual(perClassAccuracy(confusionMatrix(preds, labels, 4)), [0.5, 1, 0.5, 0]);
});

test('argmax, agreement and median', () => {
  assert.deepEqual([...argmaxRows([0.1, 0.9, 0.6, 0.4, 0.5, 0.5], 2)], [1, 0, 0]);
  close(agreement([0, 1, 2, 2], [0, 1, 1, 2]), 0.75);
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
});

test('ECE with 15 bins against a hand computation', () => {
  // confidences 0.95 (right), 0.95 (wrong), 0.6 (right), 0.55 (wrong)
  const probs = [0.95, 0.05, 0.95, 0.05, 0.4, 0.6, 0.55, 0.45];
  const labels = [0, 1, 1, 1];
  const { ece, reliability } = calibration(probs, labels, 2, 15);
  // bin of 0.95 (14/15..1]: 2 examples, acc 0.5, conf 0.95 -> |0.45|·2/4
  // 0.6 in (8/15, 9/15]: acc 1, conf 0.6 -> 0.4·1/4 ; 0.55 in (8/15, 9/15] too: combine -> conf 0.575, acc 0.5
  close(ece, (2 / 4) * 0.45 + (2 / 4) * Math.abs(0.5 - 0.575));
  assert.equal(reliability.length, 15);
  assert.equal(reliability.reduce((a, b) => a + b.count, 0), 4);
  assert.equal(reliability[14].count, 2);
  close(reliability[8].confidence, 0.575);
  close(reliability[0].lo, 0);
  close(reliability[14].hi, 1);
});

test('a perfectly calibrated set has ECE 0', () => {
  // two examples at confidence 0.5 exactly: one right, one wrong
  assert.equal(calibration([0.5, 0.5, 0.5, 0.5], [0, 1], 2).ece, 0);
});

test('mean KL matches the reference value (zt=[ln 3, 0], zs=[0, 0] -> 0.130812)', () => {
  const p = softmaxRows([Math.log(3), 0], 2);
  const q = softmaxRows([0, 0], 2);
  close(meanKl(p, q, 2), 0.130812, 1e-6);
  close(meanKl([...p, ...p], [...q, ...p], 2), 0.130812 / 2, 1e-6);
  assert.equal(meanKl(p, p, 2), 0);
});

test('disagreements: only where predictions differ, most confident first', () => {
  const teacher = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.99, 0.01];
  const student = [0.3, 0.7, 0.1, 0.9, 0.45, 0.55, 0.4, 0.6];
  const d = confidentDisagreements(teacher, student, 2, 2);
  assert.deepEqual(d.map((x) => x.index), [3, 0]);
  assert.deepEqual(d[0].teacher, { pred: 0, confidence: 0.99 });
  close(d[0].student.confidence, 0.6);
});

test('the comparison report: teacher agrees with itself, student KL and summary', () => {
  const teacher = new Float32Array([0.9, 0.1, 0.2, 0.8]);
  const student = new Float32Array([0.6, 0.4, 0.7, 0.3]);
  const c = buildComparison({
    experiment: 'e', runId: 'r', datasetName: 'd', classNames: ['a', 'b'], labels: new Int32Array([0, 1]),
    teacher: { probs: teacher, params: 100, weightBytes: 400, latency: { batch1: 2, batch64: 10 } },
    student: { probs: student, params: 25, weightBytes: 100, latency: { batch1: 0.5, batch64: 2 } },
    baseline: { probs: new Float32Array([0.4, 0.6, 0.3, 0.7]), params: 25, weightBytes: 100, latency: null },
    examples: 5,
    describe: (i) => ({ kind: 'features', values: [i] }),
  });
  assert.equal(c.teacher.agreement, 1);
  assert.equal(c.teacher.kl_to_teacher, 0);
  assert.equal(c.student.accuracy, 0.5);
  assert.equal(c.student.agreement, 0.5);
  close(c.student.kl_to_teacher, (0.9 * Math.log(0.9 / 0.6) + 0.1 * Math.log(0.1 / 0.4) + 0.2 * Math.log(0.2 / 0.7) + 0.8 * Math.log(0.8 / 0.3)) / 2, 1e-6);
  assert.deepEqual(c.summary, { teacher_accuracy: 1, student_accuracy: 0.5, agreement: 0.5, compression: 4, baseline_accuracy: 0.5, kd_gain: 0, speedup: 4 });
  assert.deepEqual(c.disagreements.map((d) => [d.index, d.label]), [[1, 1]]);
  assert.deepEqual(c.disagreements[0].input, { kind: 'features', values: [1] });
});
