import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { learningRateAt } from '../../../src/trainer/loop/lrSchedule';
import { createOptimizer } from '../../../src/trainer/loop/optimizers';
import { epochOrder, batchIndices, stepsPerEpoch } from '../../../src/trainer/loop/batches';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

test('constant, step and cosine schedules', () => {
  close(learningRateAt({ name: 'constant', warmup_epochs: 0 }, 0.1, 3.7, 10), 0.1);
  const step = { name: 'step', warmup_epochs: 0, step_epochs: 2, gamma: 0.5 } as const;
  close(learningRateAt(step, 0.1, 1.99, 10), 0.1);
  close(learningRateAt(step, 0.1, 2, 10), 0.05);
  close(learningRateAt(step, 0.1, 5.5, 10), 0.025);
  close(learningRateAt(step, 0.1, 6, 10), 0.0125);
  const cos = { name: 'cosine', warmup_epochs: 0, min_lr: 0.01 } as const;
  close(learningRateAt(cos, 0.1, 0, 10), 0.1);
  close(learningRateAt(cos, 0.1, 5, 10), 0.055);
  close(learningRateAt(cos, 0.1, 10, 10), 0.01);
});

test('warm-up ramps linearly, then the schedule runs over the remaining epochs', () => {
  const cos = { name: 'cosine', warmup_epochs: 2, min_lr: 0 } as const;
  close(learningRateAt(cos, 0.1, 0.5, 10), 0.025);
  close(learningRateAt(cos, 0.1, 1, 10), 0.05);
  close(learningRateAt(cos, 0.1, 2, 10), 0.1);
  close(learningRateAt(cos, 0.1, 6, 10), 0.05);
  assert.ok(learningRateAt(cos, 0.1, 0, 10) > 0, 'the first step still moves');
});

test('sgd with momentum follows the textbook update and takes a new learning rate', async () => {
  await tf.setBackend('cpu');
  const v = tf.variable(tf.scalar(1));
  const opt = createOptimizer({ name: 'sgd', learning_rate: 0.1, momentum: 0.9 });
  const step = () => opt.apply({ [v.name]: tf.scalar(1) }, [v]);
  step(); // m = 1, v = 1 - 0.1
  close(v.dataSync()[0], 0.9, 1e-6);
  opt.setLearningRate(0.01);
  step(); // m = 1.9, v = 0.9 - 0.019
  close(v.dataSync()[0], 0.881, 1e-6);
  opt.dispose();
});

test('adamw decays weights by lr·wd on top of adam', async () => {
  await tf.setBackend('cpu');
  const a = tf.variable(tf.scalar(2));
  const b = tf.variable(tf.scalar(2));
  const adam = createOptimizer({ name: 'adam', learning_rate: 0.1 });
  const adamw = createOptimizer({ name: 'adamw', learning_rate: 0.1, weight_decay: 0.5 });
  adam.apply({ [a.name]: tf.scalar(0.3) }, [a]);
  adamw.apply({ [b.name]: tf.scalar(0.3) }, [b]);
  close(b.dataSync()[0], a.dataSync()[0] * (1 - 0.1 * 0.5), 1e-6);
  assert.ok((await adamw.getWeights()).length > 0, 'adam state is checkpointable');
});

test('epoch orders are seeded permutations; batches cover every example once', () => {
  const a = epochOrder(10, 7, 0);
  assert.deepEqual([...a], [...epochOrder(10, 7, 0)]);
  assert.notDeepEqual([...a], [...epochOrder(10, 7, 1)]);
  assert.deepEqual([...a].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(stepsPerEpoch(10, 4), 3);
  assert.deepEqual([...batchIndices(a, 2, 4)], [...a.subarray(8)]);
});
