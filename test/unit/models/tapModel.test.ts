import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/trainer/backend/initBackend';
import { buildModel } from '../../../src/trainer/models/buildModel';
import { countParams, layerOutputShape, tapModel } from '../../../src/trainer/models/tapModel';

before(() => initBackend('wasm'));

const cnn = () => buildModel([
  { type: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'same', activation: 'relu', name: 'features' },
  { type: 'maxpool2d', pool: 2 },
  { type: 'flatten' },
  { type: 'dense', units: 8, activation: 'relu', use_bias: true, name: 'penultimate' },
  { type: 'dense', units: 10, activation: 'linear', use_bias: true },
], { name: 'teacher', inputShape: [8, 8, 1], seed: 3 });

test('a tapped model outputs logits then the named layers, sharing the weights', () => {
  const m = cnn();
  const t = tapModel(m, ['features', 'penultimate']);
  const x = tf.randomNormal([2, 8, 8, 1]);
  const [logits, features, pen] = t.predict(x) as tf.Tensor[];
  assert.deepEqual(features.shape, [2, 8, 8, 4]);
  assert.deepEqual(pen.shape, [2, 8]);
  assert.deepEqual(Array.from(logits.dataSync()), Array.from((m.predict(x) as tf.Tensor).dataSync()));
  assert.equal(t.weights.length, m.weights.length);
  t.weights.forEach((w, i) => assert.equal(w, m.weights[i]));
  // Changing the base model's weights changes the tapped model's outputs: no copy.
  m.getLayer('penultimate').setWeights(m.getLayer('penultimate').getWeights().map((w) => tf.zerosLike(w)));
  assert.ok((t.predict(x) as tf.Tensor[])[2].dataSync().every((v) => v === 0));
});

test('tapping nothing returns the model itself; an unknown layer lists the known ones', () => {
  const m = cnn();
  assert.equal(tapModel(m, []), m);
  assert.throws(() => tapModel(m, ['nope']), /no layer named 'nope'. Layers: features, teacher_1_maxpool2d/);
});

test('layerOutputShape and countParams', () => {
  const m = cnn();
  assert.deepEqual(layerOutputShape(m, 'features'), [8, 8, 4]);
  assert.deepEqual(layerOutputShape(m, 'penultimate'), [8]);
  assert.equal(countParams(m), (9 * 4 + 4) + (64 * 8 + 8) + (8 * 10 + 10));
});
