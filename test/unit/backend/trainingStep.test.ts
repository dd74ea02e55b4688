// One training step of small models on wasm (with the project kernels) against the cpu backend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LayerConfig } from '../../../src/core/config/types';
import { buildModel } from '../../../src/trainer/models/buildModel';
import { type Input, random, relativeError, startWasm } from './crossBackend';

interface StepResult { loss: number; grads: Record<string, Float32Array>; after: Float32Array[] }

async function step(backend: 'wasm' | 'cpu', layers: LayerConfig[], inputShape: number[], x: Input, labels: number[], vocabSize?: number): Promise<StepResult> {
  await tf.setBackend(backend);
  const model = buildModel(layers, { name: `m_${backend}`, inputShape, seed: 5, vocabSize });
  const xs = tf.tensor(x.values, x.shape);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10);
  const f = () => tf.losses.softmaxCrossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar;
  const { value, grads } = tf.variableGrads(f);
  const out: Record<string, Float32Array> = {};
  // Variable names carry a global suffix; index by the layer-relative part.
  for (const [k, g] of Object.entries(grads)) out[k.replace(/^m_(wasm|cpu)_/, '').replace(/_\d+$/, '')] = (await g.data()) as Float32Array;
  const opt = tf.train.adam(0.01);
  opt.applyGradients(grads as Record<string, tf.Variable>);
  const after = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  const loss = (await value.data())[0];
  tf.dispose([xs, ys, value, ...Object.values(grads)]);
  opt.dispose();
  model.dispose();
  return { loss, grads: out, after };
}

async function compare(layers: LayerConfig[], inputShape: number[], x: Input, labels: number[], vocabSize?: number) {
  await startWasm();
  const w = await step('wasm', layers, inputShape, x, labels, vocabSize);
  const c = await step('cpu', layers, inputShape, x, labels, vocabSize);
  assert.ok(Math.abs(w.loss - c.loss) < 1e-5 * Math.max(1, c.loss), `loss ${w.loss} vs ${c.loss}`);
  assert.deepEqual(Object.keys(w.grads).sort(), Object.keys(c.grads).sort());
  for (const k of Object.keys(c.grads)) {
    const err = relativeError(w.grads[k], c.grads[k]);
    assert.ok(err < 1e-4, `gradient of ${k}: relative error ${err}`);
  }
  c.after.forEach((v, i) => assert.ok(relativeError(w.after[i], v) < 1e-4, `weight ${i} after the Adam step`));
}

test('CNN training step on wasm matches cpu (conv same/valid, stride 2, pools, dense)', async () => {
  const layers: LayerConfig[] = [
    { type: 'conv2d', filters: 8, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
    { type: 'maxpool2d', pool: 2 },
    { type: 'conv2d', filters: 16, kernel: 3, stride: 2, padding: 'valid', activation: 'relu', name: 'features' },
    { type: 'avgpool2d', pool: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 32, activation: 'relu', use_bias: true },
    { type: 'dense', units: 10, activation: 'linear', use_bias: true },
  ];
  await compare(layers, [16, 16, 1], random([8, 16, 16, 1], 1), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('text model training step on wasm matches cpu (embedding gradient, conv1d, lstm)', async () => {
  const layers: LayerConfig[] = [
    { type: 'embedding', dim: 6 },
    { type: 'conv1d', filters: 5, kernel: 3, stride: 1, padding: 'same', activation: 'relu' },
    { type: 'lstm', units: 4, return_sequences: false },
    { type: 'dense', units: 10, activation: 'linear', use_bias: true },
  ];
  const ids = Float32Array.from({ length: 6 * 12 }, (_, i) => (i * 7919) % 30);
  await compare(layers, [12], { values: ids, shape: [6, 12] }, [1, 3, 5, 7, 9, 1], 30);
});
