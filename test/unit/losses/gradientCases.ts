// The gradient-check cases, one or more per kind: shared by the finite-difference test and the
// wasm-versus-cpu test.
import * as tf from '@tensorflow/tfjs';
import type { LossKind } from '../../../src/core/config/types';
import type { LayerShapes, LossContext } from '../../../src/trainer/losses/types';
import { context, shapes } from './fixtures';

export interface Case {
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

export const cases: Case[] = [
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
