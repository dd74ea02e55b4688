import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/trainer/backend/initBackend';
import { buildModel } from '../../../src/trainer/models/buildModel';
import { predictBatched, predictBatchedOutputs } from '../../../src/trainer/models/predictBatched';
import { tapModel } from '../../../src/trainer/models/tapModel';

before(() => initBackend('wasm'));

const mlp = () => buildModel([
  { type: 'dense', units: 6, activation: 'relu', use_bias: true, name: 'hidden' },
  { type: 'dropout', rate: 0.5 },
  { type: 'dense', units: 3, activation: 'linear', use_bias: true },
], { name: 'm', inputShape: [5], seed: 9 });

test('batched predictions equal one full-batch forward pass (uneven last batch, dropout off)', () => {
  const m = mlp();
  const x = tf.randomNormal([23, 5]);
  const full = m.apply(x, { training: false }) as tf.Tensor;
  for (const bs of [1, 4, 23, 100]) {
    const y = predictBatched(m, x, bs);
    assert.deepEqual(y.shape, [23, 3]);
    const err = tf.max(tf.abs(tf.sub(y, full))).dataSync()[0];
    assert.ok(err < 1e-6, `batch ${bs}: ${err}`);
  }
});

test('every output of a tapped model is batched; no tensors leak', () => {
  const t = tapModel(mlp(), ['hidden']);
  const x = tf.randomNormal([10, 5]);
  const before = tf.memory().numTensors;
  const outs = predictBatchedOutputs(t, x, 3);
  assert.deepEqual(outs.map((o) => o.shape), [[10, 3], [10, 6]]);
  tf.dispose(outs);
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => predictBatched(t, x, 0), /batch size must be >= 1/);
});
