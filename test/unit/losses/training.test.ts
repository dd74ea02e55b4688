// Each method, trained for a few dozen Adam steps on a tiny synthetic problem, lowers its loss.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { DistillationConfig, LossConfig, LossKind } from '../../../src/core/config/types';
import { lossKinds } from '../../../src/trainer/losses/registry';
import { lossConfig, useCpu } from './fixtures';
import { convNet, firstAndLast, mlp, train } from './trainingHarness';

before(useCpu);

const CLASSES = 4;
let x: tf.Tensor2D;
let images: tf.Tensor4D;
let labels: tf.Tensor1D;
before(() => {
  x = tf.randomNormal([24, 8], 0, 1, 'float32', 3) as tf.Tensor2D;
  images = tf.randomNormal([12, 6, 6, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
  labels = tf.tensor1d(Array.from({ length: 24 }, (_, i) => i % CLASSES), 'int32');
});
after(() => tf.dispose([x, images, labels]));

interface Case { kind: LossKind; options: Record<string, unknown>; conv?: boolean }
const cases: Case[] = [
  { kind: 'cross_entropy', options: { label_smoothing: 0.1 } },
  { kind: 'soft_kd', options: { temperature: 4 } },
  { kind: 'hard_kd', options: {} },
  { kind: 'hint', options: { teacher_layer: 't_hidden', student_layer: 's_hidden', projection: 'linear', distance: 'mse' } },
  { kind: 'attention', options: { pairs: [{ teacher_layer: 't_conv', student_layer: 's_conv' }] }, conv: true },
  { kind: 'similarity', options: { teacher_layer: 't_hidden', student_layer: 's_hidden' } },
  { kind: 'relational', options: {} },
  { kind: 'pkt', options: { teacher_layer: 't_hidden', student_layer: 's_hidden' } },
  { kind: 'dkd', options: { warmup_epochs: 0 } },
];

describe('training lowers each loss', () => {
  it('covers every registered kind (adversarial has its own file)', () => {
    assert.deepEqual([...cases.map((c) => c.kind), 'adversarial'].sort(), [...lossKinds].sort());
  });
  for (const c of cases) {
    it(c.kind, () => {
      const teacher = c.conv ? convNet('t', 6, CLASSES, 10) : mlp('t', 8, 16, CLASSES, 10);
      const student = c.conv ? convNet('s', 2, CLASSES, 20) : mlp('s', 8, 6, CLASSES, 20);
      const input = c.conv ? images : x;
      const y = c.conv ? labels.slice(0, 12) : labels;
      const d: DistillationConfig = { losses: [lossConfig(c.kind, c.options) as LossConfig], weighting: 'fixed' };
      const r = train(d, student, teacher, input, y, 30);
      const { first, last } = firstAndLast(r.losses);
      assert.ok(r.losses.every(Number.isFinite), `non-finite loss: ${r.losses}`);
      assert.ok(last < 0.8 * first, `${c.kind}: loss went from ${first} to ${last}`);
      teacher.dispose();
      student.dispose();
      if (c.conv) y.dispose();
    });
  }
});

describe('training under each weighting mode', () => {
  const losses = (): LossConfig[] => [lossConfig('cross_entropy', {}, 0.5), lossConfig('soft_kd', {}, 0.5)];
  for (const weighting of ['fixed', 'uncertainty', 'confidence'] as const) {
    it(weighting, () => {
      const teacher = mlp('t', 8, 16, CLASSES, 10);
      const student = mlp('s', 8, 6, CLASSES, 20);
      const r = train({ losses: losses(), weighting }, student, teacher, x, labels, 30);
      // Under uncertainty the total includes ½·s_i and can fall for that reason alone: judge by the terms.
      const sum = r.terms.map((t) => t.cross_entropy + t.soft_kd);
      const { first, last } = firstAndLast(sum);
      assert.ok(last < 0.8 * first, `${weighting}: CE + KD went from ${first} to ${last}`);
      teacher.dispose();
      student.dispose();
    });
  }
});
