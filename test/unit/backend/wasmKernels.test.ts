import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { compareKernel, random, startWasm } from './crossBackend';
import { registerWasmTrainingKernels } from '../../../src/trainer/backend/wasmKernels/registry';

const TOL = 1e-4;

/** Output size of a conv along one axis, as tfjs computes it. */
function outSize(n: number, f: number, s: number, pad: 'same' | 'valid' | number, d = 1): number {
  const eff = (f - 1) * d + 1;
  if (pad === 'same') return Math.ceil(n / s);
  if (pad === 'valid') return Math.ceil((n - eff + 1) / s);
  return Math.floor((n + 2 * pad - eff) / s) + 1;
}

interface ConvCase { n: number; h: number; w: number; ci: number; co: number; fh: number; fw: number; s: [number, number]; pad: 'same' | 'valid' | number }
const convCases: ConvCase[] = [
  { n: 2, h: 9, w: 9, ci: 3, co: 5, fh: 3, fw: 3, s: [1, 1], pad: 'same' },
  { n: 2, h: 9, w: 9, ci: 3, co: 5, fh: 3, fw: 3, s: [1, 1], pad: 'valid' },
  { n: 3, h: 10, w: 7, ci: 2, co: 4, fh: 3, fw: 2, s: [2, 2], pad: 'same' },
  { n: 3, h: 10, w: 7, ci: 2, co: 4, fh: 3, fw: 3, s: [2, 2], pad: 'valid' }, // rows never read
  { n: 2, h: 11, w: 8, ci: 4, co: 3, fh: 5, fw: 3, s: [3, 2], pad: 'same' },
  { n: 2, h: 8, w: 8, ci: 1, co: 6, fh: 4, fw: 4, s: [2, 1], pad: 'valid' },
  { n: 2, h: 7, w: 7, ci: 3, co: 2, fh: 3, fw: 3, s: [2, 2], pad: 1 },
];
const label = (c: ConvCase) => `${c.h}x${c.w}x${c.ci}→${c.co}, ${c.fh}x${c.fw}, stride ${c.s}, pad ${c.pad}`;

for (const [i, c] of convCases.entries()) {
  const oh = outSize(c.h, c.fh, c.s[0], c.pad), ow = outSize(c.w, c.fw, c.s[1], c.pad);
  test(`Conv2DBackpropFilter matches cpu: ${label(c)}`, async () => {
    const err = await compareKernel('Conv2DBackpropFilter', {
      x: random([c.n, c.h, c.w, c.ci], 10 + i), dy: random([c.n, oh, ow, c.co], 20 + i),
    }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.fh, c.fw, c.ci, c.co] });
    assert.ok(err < TOL, `relative error ${err}`);
  });
  test(`Conv2DBackpropInput matches cpu: ${label(c)}`, async () => {
    const err = await compareKernel('Conv2DBackpropInput', {
      dy: random([c.n, oh, ow, c.co], 30 + i), filter: random([c.fh, c.fw, c.ci, c.co], 40 + i),
    }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.n, c.h, c.w, c.ci] });
    assert.ok(err < TOL, `relative error ${err}`);
  });
}

interface DwCase { h: number; w: number; c: number; m: number; f: number; s: number; d: number; pad: 'same' | 'valid' }
const dwCases: DwCase[] = [
  { h: 8, w: 8, c: 3, m: 1, f: 3, s: 1, d: 1, pad: 'same' },
  { h: 9, w: 7, c: 2, m: 2, f: 3, s: 1, d: 1, pad: 'valid' },
  { h: 9, w: 9, c: 3, m: 2, f: 3, s: 2, d: 1, pad: 'same' },
  { h: 10, w: 9, c: 2, m: 1, f: 3, s: 2, d: 1, pad: 'valid' },
];
for (const [i, c] of dwCases.entries()) {
  const oh = outSize(c.h, c.f, c.s, c.pad, c.d), ow = outSize(c.w, c.f, c.s, c.pad, c.d);
  const name = `${c.h}x${c.w}x${c.c}, multiplier ${c.m}, ${c.f}x${c.f}, stride ${c.s}, dilation ${c.d}, pad ${c.pad}`;
  const attrs = { strides: [c.s, c.s], dilations: [c.d, c.d], pad: c.pad };
  test(`DepthwiseConv2dNativeBackpropFilter matches cpu: ${name}`, async () => {
    const err = await compareKernel('DepthwiseConv2dNativeBackpropFilter', {
      x: random([2, c.h, c.w, c.c], 50 + i), dy: random([2, oh, ow, c.c * c.m], 60 + i),
    }, { ...attrs, filterShape: [c.f, c.f, c.c, c.m] });
    assert.ok(err < TOL, `relative error ${err}`);
  });
  test(`DepthwiseConv2dNativeBackpropInput matches cpu: ${name}`, async () => {
    const err = await compareKernel('DepthwiseConv2dNativeBackpropInput', {
      dy: random([2, oh, ow, c.c * c.m], 70 + i), filter: random([c.f, c.f, c.c, c.m], 80 + i),
    }, { ...attrs, inputShape: [2, c.h, c.w, c.c] });
    assert.ok(err < TOL, `relative error ${err}`);
  });
}

// The cpu backend's depthwise backprop kernels ignore dilation (tfjs never calls them with
// it), so dilated cases are checked by the adjoint identity instead:
// <dy, conv(x, W)> = <W, dFilter(x, dy)> = <x, dInput(dy, W)>, with the forward conv from cpu.
test('dilated depthwise backprop kernels satisfy the adjoint identity', async () => {
  await startWasm();
  const dilatedCases: Array<{ h: number; w: number; c: number; m: number; pad: 'same' | 'valid' }> = [
    { h: 9, w: 9, c: 2, m: 3, pad: 'same' }, { h: 10, w: 8, c: 3, m: 1, pad: 'valid' },
  ];
  for (const [i, c] of dilatedCases.entries()) {
    const xIn = random([2, c.h, c.w, c.c], 200 + i), wIn = random([3, 3, c.c, c.m], 210 + i);
    await tf.setBackend('cpu');
    const x = tf.tensor4d(xIn.values, xIn.shape as [number, number, number, number]);
    const w = tf.tensor4d(wIn.values, wIn.shape as [number, number, number, number]);
    const y = tf.depthwiseConv2d(x, w, 1, c.pad, 'NHWC', 2);
    const dyIn = random(y.shape, 220 + i);
    const dy = tf.tensor(dyIn.values, dyIn.shape);
    const lhs = tf.sum(tf.mul(dy, y)).dataSync()[0];
    await tf.setBackend('wasm');
    const attrs = { strides: [1, 1], dilations: [2, 2], pad: c.pad };
    const dW = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.tensor(xIn.values, xIn.shape), dy: tf.tensor(dyIn.values, dyIn.shape) }, { ...attrs, filterShape: wIn.shape }) as tf.Tensor;
    const dX = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy: tf.tensor(dyIn.values, dyIn.shape), filter: tf.tensor(wIn.values, wIn.shape) }, { ...attrs, inputShape: xIn.shape }) as tf.Tensor;
    const viaFilter = tf.sum(tf.mul(dW, tf.tensor(wIn.values, wIn.shape))).dataSync()[0];
    const viaInput = tf.sum(tf.mul(dX, tf.tensor(xIn.values, xIn.shape))).dataSync()[0];
    const scale = Math.max(1, Math.abs(lhs));
    assert.ok(Math.abs(viaFilter - lhs) / scale < TOL, `filter: ${viaFilter} vs ${lhs}`);
    assert.ok(Math.abs(viaInput - lhs) / scale < TOL, `input: ${viaInput} vs ${lhs}`);
  }
});

test('UnsortedSegmentSum matches cpu, with repeated and out-of-range ids', async () => {
  const ids = Int32Array.from([3, 0, 3, 7, 1, 3, -1, 9, 0, 2, 12]);
  const err = await compareKernel('UnsortedSegmentSum', {
    x: random([ids.length, 4, 3], 90), segmentIds: { values: ids, shape: [ids.length], dtype: 'int32' },
  }, { numSegments: 10 });
  assert.ok(err < TOL, `relative error ${err}`);
});

test('UnsortedSegmentSum on 1-D values', async () => {
  const ids = Int32Array.from([1, 1, 0, 4]);
  const err = await compareKernel('UnsortedSegmentSum', {
    x: random([4], 91), segmentIds: { values: ids, shape: [4], dtype: 'int32' },
  }, { numSegments: 5 });
  assert.ok(err < TOL, `relative error ${err}`);
});

for (const [ta, tb] of [[true, false], [false, true], [true, true], [false, false]]) {
  test(`BatchMatMul transposeA=${ta} transposeB=${tb} matches cpu (2-D, 3-D, broadcast batch)`, async () => {
    const shapeA = (b: number[], m: number, k: number) => [...b, ...(ta ? [k, m] : [m, k])];
    const shapeB = (b: number[], k: number, n: number) => [...b, ...(tb ? [n, k] : [k, n])];
    for (const [ba, bb] of [[[1], [1]], [[3], [3]], [[3], [1]]]) {
      const err = await compareKernel('BatchMatMul', {
        a: random(shapeA(ba, 5, 7), 100), b: random(shapeB(bb, 7, 6), 101),
      }, { transposeA: ta, transposeB: tb });
      assert.ok(err < TOL, `relative error ${err} for batches ${ba}/${bb}`);
    }
  });
}

test('composite kernels free every intermediate', async () => {
  await startWasm();
  await tf.setBackend('wasm');
  const x = tf.randomNormal([2, 9, 9, 3]);
  const f = tf.randomNormal([3, 3, 3, 4]);
  const ids = tf.tensor1d([0, 2, 2], 'int32');
  const v = tf.randomNormal([3, 5]);
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = backend.numDataIds();
  tf.tidy(() => {
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').sum());
    grads([x, f]);
    tf.unsortedSegmentSum(v, ids, 4);
    tf.matMul(v, v, true, false);
    tf.sum(tf.randomNormal([16, 13, 13, 8]), [0, 1, 2]);
    tf.mean(tf.randomNormal([16, 13, 13, 8]), [0, 1, 2], true);
    const dw = tf.randomNormal([3, 3, 3, 2]) as tf.Tensor4D;
    tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').sum())([x, dw]);
  });
  assert.equal(backend.numDataIds(), before);
});

test('the native strided Conv2DBackpropInput can be kept and still matches cpu', async () => {
  await startWasm();
  registerWasmTrainingKernels({ nativeStridedBackpropInput: true });
  try {
    const c = convCases[2];
    const err = await compareKernel('Conv2DBackpropInput', {
      dy: random([c.n, outSize(c.h, c.fh, 2, 'same'), outSize(c.w, c.fw, 2, 'same'), c.co], 5), filter: random([c.fh, c.fw, c.ci, c.co], 6),
    }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', inputShape: [c.n, c.h, c.w, c.ci] });
    assert.ok(err < TOL, `relative error ${err}`);
  } finally {
    registerWasmTrainingKernels();
  }
});

for (const kernel of ['Sum', 'Mean']) {
  test(`${kernel} over leading axes matches cpu (matmul path and native fallbacks, keepDims)`, async () => {
    const cases: Array<[number[], number[] | number, boolean]> = [
      [[16, 13, 13, 8], [0, 1, 2], false], // conv bias gradient: matmul path
      [[16, 13, 13, 8], [2, 0, 1], true], // unsorted axes, keepDims
      [[64, 96], 0, false],
      [[64, 96], -2, false], // negative axis
      [[16, 13, 13, 8], [1, 2], false], // not leading: native
      [[16, 13, 13, 8], [0, 1, 2, 3], false], // everything: native
      [[4, 5], [0], false], // small: native
    ];
    for (const [shape, axis, keepDims] of cases) {
      const err = await compareKernel(kernel, { x: random(shape, 300) }, { axis, keepDims });
      assert.ok(err < TOL, `${shape} over ${axis}: relative error ${err}`);
    }
  });
}

test('GatherV2 matches cpu: rows, inner axis, 2-D indices, repeats, int32 values, tiny rows', async () => {
  const idx = (v: number[], shape = [v.length]) => ({ values: Int32Array.from(v), shape, dtype: 'int32' as const });
  const cases: Array<[string, Record<string, import('./crossBackend').Input>, object]> = [
    ['rows of 784', { x: random([50, 784], 400), indices: idx([3, 49, 0, 3, 17]) }, { axis: 0, batchDims: 0 }],
    ['axis 1', { x: random([4, 9, 5], 401), indices: idx([8, 0, 2]) }, { axis: 1, batchDims: 0 }],
    ['last axis (rows of 1)', { x: random([4, 9], 402), indices: idx([1, 1, 8]) }, { axis: -1, batchDims: 0 }],
    ['2-D indices', { x: random([10, 3], 403), indices: idx([1, 2, 3, 9, 9, 0], [2, 3]) }, { axis: 0, batchDims: 0 }],
    ['int32 values', { x: { values: Int32Array.from({ length: 12 }, (_, i) => i * 3), shape: [6, 2], dtype: 'int32' }, indices: idx([5, 0]) }, { axis: 0, batchDims: 0 }],
    ['batchDims 1 (native)', { x: random([2, 5, 3], 404), indices: idx([4, 0, 1, 1], [2, 2]) }, { axis: 1, batchDims: 1 }],
  ];
  for (const [name, inputs, attrs] of cases) {
    const err = await compareKernel('GatherV2', inputs, attrs);
    assert.ok(err === 0, `${name}: relative error ${err}`);
  }
  await tf.setBackend('wasm');
  assert.throws(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([3], 'int32')), /index value 3 is not in \[0, 2\]/);
});
