// The wasm MaxPoolGrad replacement against the cpu backend: negative maxima (the shipped
// wasm kernel drops their gradient), odd sizes, padding, overlapping windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { compareKernel, random, startWasm } from './crossBackend';

const cases: { name: string; x: number[]; filterSize: number; strides: number; pad: 'valid' | 'same' }[] = [
  { name: 'pool 2, valid, even', x: [3, 8, 8, 5], filterSize: 2, strides: 2, pad: 'valid' },
  { name: 'pool 2, valid, odd (last row and column unused)', x: [2, 11, 11, 4], filterSize: 2, strides: 2, pad: 'valid' },
  { name: 'pool 3 stride 2, same (padding)', x: [2, 9, 7, 3], filterSize: 3, strides: 2, pad: 'same' },
  { name: 'pool 3 stride 1, same (overlapping windows accumulate)', x: [1, 6, 6, 2], filterSize: 3, strides: 1, pad: 'same' },
];

for (const c of cases) {
  test(`MaxPoolGrad on wasm matches cpu: ${c.name}`, async () => {
    await startWasm();
    await tf.setBackend('cpu');
    const x = random(c.x, 11);
    const y = tf.maxPool(tf.tensor4d(x.values, c.x as [number, number, number, number]), c.filterSize, c.strides, c.pad);
    const output = { values: y.dataSync() as Float32Array, shape: y.shape };
    const dy = random(y.shape, 12);
    y.dispose();
    const err = await compareKernel('MaxPoolGrad', { dy, input: x, output }, { filterSize: c.filterSize, strides: c.strides, pad: c.pad });
    assert.ok(err < 1e-6, `relative error ${err}`);
  });
}

test('MaxPoolGrad on wasm keeps the gradient of all-negative windows', async () => {
  await startWasm();
  await tf.setBackend('wasm');
  const x = tf.tensor4d([-4, -1, -3, -2], [1, 2, 2, 1]);
  const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), 5)))(x);
  assert.deepEqual(Array.from(await dx.data()), [0, 5, 0, 0]);
  tf.dispose([x, dx]);
});
