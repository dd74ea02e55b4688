import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LayerConfig, LayerType } from '../../../src/core/config/types';
import { initBackend } from '../../../src/trainer/backend/initBackend';
import { buildModel } from '../../../src/trainer/models/buildModel';
import { layerRegistry } from '../../../src/trainer/models/layerRegistry';

before(() => initBackend('wasm'));

// Every type of the config contract (config-format.md), each with the options the validator defaults.
const examples: { [T in LayerType]: Extract<LayerConfig, { type: T }> } = {
  dense: { type: 'dense', units: 4, activation: 'relu', use_bias: true },
  conv1d: { type: 'conv1d', filters: 3, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
  conv2d: { type: 'conv2d', filters: 3, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
  maxpool1d: { type: 'maxpool1d', pool: 2 },
  maxpool2d: { type: 'maxpool2d', pool: 2 },
  avgpool2d: { type: 'avgpool2d', pool: 2 },
  global_avg_pool1d: { type: 'global_avg_pool1d' },
  global_avg_pool2d: { type: 'global_avg_pool2d' },
  flatten: { type: 'flatten' },
  dropout: { type: 'dropout', rate: 0.5 },
  batchnorm: { type: 'batchnorm', momentum: 0.99, epsilon: 0.001 },
  embedding: { type: 'embedding', dim: 4 },
  lstm: { type: 'lstm', units: 3, return_sequences: true },
  gru: { type: 'gru', units: 3, return_sequences: true },
  reshape: { type: 'reshape', shape: [2, 3] },
  activation: { type: 'activation', fn: 'tanh' },
};

test('the registry has exactly one builder per config layer type', () => {
  assert.deepEqual(Object.keys(layerRegistry).sort(), Object.keys(examples).sort());
});

test('every layer type builds and runs in an image model and a text model', () => {
  const e = examples;
  const image = buildModel([e.conv2d, e.batchnorm, e.maxpool2d, e.avgpool2d, e.dropout, e.activation, e.global_avg_pool2d, e.dense,
    { type: 'reshape', shape: [2, 2] }, e.flatten, { type: 'dense', units: 10, activation: 'linear', use_bias: true }],
  { name: 'img', inputShape: [8, 8, 1], seed: 1 });
  const y = image.predict(tf.zeros([2, 8, 8, 1])) as tf.Tensor;
  assert.deepEqual(y.shape, [2, 10]);
  const text = buildModel([e.embedding, e.conv1d, e.maxpool1d, e.lstm, e.gru, e.global_avg_pool1d, { type: 'reshape', shape: [3, 1] }, e.flatten, { type: 'dense', units: 2, activation: 'linear', use_bias: true }],
    { name: 'txt', inputShape: [10], vocabSize: 20, seed: 1 });
  assert.deepEqual((text.predict(tf.ones([3, 10])) as tf.Tensor).shape, [3, 2]);
  assert.equal(text.getLayer('txt_0_embedding').getWeights()[0].shape[0], 20);
});

test('layers are named by config name, else <model>_<index>_<type>', () => {
  const m = buildModel([{ type: 'flatten' }, { type: 'dense', units: 5, activation: 'relu', use_bias: true, name: 'hidden' }, { type: 'dense', units: 3, activation: 'linear', use_bias: true }],
    { name: 'student', inputShape: [2, 2], seed: 0 });
  assert.deepEqual(m.layers.map((l) => l.name), ['student_input', 'student_0_flatten', 'hidden', 'student_2_dense']);
});

test('a leaky_relu layer keeps its name on the activated output', () => {
  const m = buildModel([{ type: 'dense', units: 4, activation: 'leaky_relu', use_bias: true, name: 'f' }], { name: 'm', inputShape: [3], seed: 0 });
  const out = m.predict(tf.tensor2d([[-1, -2, -3]])) as tf.Tensor;
  assert.equal(m.getLayer('f').getClassName(), 'LeakyReLU');
  assert.equal(m.outputs[0], m.getLayer('f').output);
  assert.ok(out.dataSync().every((v) => Number.isFinite(v)));
});

test('initialisation is deterministic per seed', () => {
  const layers: LayerConfig[] = [{ type: 'conv2d', filters: 2, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 3, activation: 'linear', use_bias: true }];
  const weights = (seed: number) => buildModel(layers, { name: 'm', inputShape: [5, 5, 1], seed }).getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(weights(7), weights(7));
  assert.notDeepEqual(weights(7), weights(8));
});

test('bad layer lists get clear messages', () => {
  assert.throws(() => buildModel([{ type: 'embedding', dim: 4 }], { name: 'm', inputShape: [5], seed: 0 }), /layer 1 \(embedding\).*vocab_size/);
  assert.throws(() => buildModel([{ type: 'flatten', name: 'x' }, { type: 'flatten', name: 'x' }], { name: 'm', inputShape: [2, 2], seed: 0 }), /'x' is used twice \(layer 2\)/);
  assert.throws(() => buildModel([], { name: 'm', inputShape: [2], seed: 0 }), /no layers/);
  assert.throws(() => buildModel([{ type: 'conv2d', filters: 2, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' }], { name: 'm', inputShape: [5], seed: 0 }),
    /Model 'm', layer 1 \(conv2d\)/);
});
