// Finite-difference checks: each method's analytic gradient w.r.t. the student side.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LossKind } from '../../../src/core/config/types';
import type { LayerShapes, LossContext, LossDefinition, LossTerm } from '../../../src/trainer/losses/types';
import { getLossDefinition } from '../../../src/trainer/losses/registry';
import { context, lossConfig, shapes, useCpu } from './fixtures';

before(useCpu);
const terms: LossTerm[] = [];
after(() => terms.forEach((t) => t.dispose()));

/** Relative L2 error between tf.grad and central differences (float32: h = 1e-2, tolerance 1e-2). */
function gradientError(f: (x: tf.Tensor) => tf.Scalar, x0: tf.Tensor, h = 1e-2): { error: number; norm: number } {
  const analytic = tf.tidy(() => tf.grad(f)(x0).dataSync());
  const base = x0.dataSync();
  const numeric = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const at = (delta: number) => tf.tidy(() => {
      const x = Float32Array.from(base);
      x[i] += delta;
      return f(tf.tensor(x, x0.shape)).dataSync()[0];
    });
    numeric[i] = (at(h) - at(-h)) / (2 * h);
  }
  let diff = 0;
  let norm = 0;
  numeric.forEach((n, i) => { diff += (analytic[i] - n) ** 2; norm += n * n; });
  return { error: Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-8), norm: Math.sqrt(norm) };
}

interface Case {
  name: string;
  kind: LossKind;
  options?: Record<string, unknown>;
  /** The student-side input the gradient is taken for. */
  input: () => tf.Tensor;
  /** Builds the context around the (perturbed) input. */
  ctx: (x: tf.Tensor) => LossContext;
  shapes?: LayerShapes;
}

const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const logitsCase = (name: string, kind: LossKind, options: Record<string, unknown> = {}): Case => ({
  name, kind, options,
  input: () => rand([4, 5], 1),
  ctx: (x) => context({ studentLogits: x as tf.Tensor2D, teacherLogits: rand([4, 5], 2) as tf.Tensor2D, labels: tf.tensor1d([0, 3, 1, 4], 'int32') }),
});
const featureCase = (name: string, kind: LossKind, studentShape: number[], teacherShape: number[], options: Record<string, unknown>): Case => ({
  name, kind, options,
  input: () => rand([4, ...studentShape], 3),
  ctx: (x) => context({ studentFeatures: { s: x }, teacherFeatures: { t: rand([4, ...teacherShape], 4) } }),
  shapes: shapes({ s: studentShape }, { t: teacherShape }),
});

const cases: Case[] = [
  logitsCase('cross_entropy with label smoothing', 'cross_entropy', { label_smoothing: 0.1 }),
  logitsCase('soft_kd T=2', 'soft_kd', { temperature: 2 }),
  logitsCase('hard_kd', 'hard_kd'),
  logitsCase('dkd T=2', 'dkd', { temperature: 2, warmup_epochs: 0 }),
  logitsCase('relational on logits', 'relational'),
  logitsCase('pkt on logits', 'pkt'),
  logitsCase('adversarial on logits', 'adversarial', { hidden_units: [8] }),
  featureCase('hint linear mse', 'hint', [3], [5], { student_layer: 's', teacher_layer: 't', projection: 'linear', distance: 'mse' }),
  featureCase('hint conv1x1 cosine', 'hint', [2, 2, 3], [2, 2, 4], { student_layer: 's', teacher_layer: 't', projection: 'conv1x1', distance: 'cosine' }),
  featureCase('hint none l1', 'hint', [6], [6], { student_layer: 's', teacher_layer: 't', projection: 'none', distance: 'l1' }),
  featureCase('attention p=2', 'attention', [3, 3, 2], [3, 3, 4], { pairs: [{ student_layer: 's', teacher_layer: 't' }], p: 2 }),
  featureCase('attention p=3 with pooling', 'attention', [4, 4, 2], [2, 2, 3], { pairs: [{ student_layer: 's', teacher_layer: 't' }], p: 3 }),
  featureCase('similarity', 'similarity', [6], [3], { student_layer: 's', teacher_layer: 't' }),
  featureCase('relational on layers', 'relational', [6], [3], { student_layer: 's', teacher_layer: 't' }),
  featureCase('adversarial on layers', 'adversarial', [6], [3], { on: { student_layer: 's', teacher_layer: 't' }, hidden_units: [8] }),
];

describe('finite-difference gradient check', () => {
  for (const c of cases) {
    it(c.name, () => {
      const def = getLossDefinition(c.kind) as unknown as LossDefinition;
      const term = def.create(lossConfig(c.kind, c.options), c.shapes ?? shapes({}, {}));
      terms.push(term);
      const x0 = c.input();
      const { error, norm } = gradientError((x) => term.compute(c.ctx(x)), x0);
      assert.ok(norm > 1e-4, `gradient is trivially ~0 (${norm}); the check would prove nothing`);
      assert.ok(error < 1e-2, `relative gradient error ${error}`);
    });
  }
});
