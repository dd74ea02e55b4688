// The SIMD paths over the wasm heap (heapSimd.ts) against the cpu backend: the direct Conv2D,
// Conv2DBackpropFilter and BatchMatMul, the 2×2 MaxPool and MaxPoolGrad, leading-axes Sum/Mean,
// bias Add, and Cast sharing.
// Shapes are chosen to reach every register-tile variant and the fallbacks beside them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { compareKernel, random, randomValues, runKernelOn, startWasm, type Input } from './crossBackend';
import { heapSimd, heapSimdSwitches } from '../../../src/trainer/backend/wasmKernels/heapSimd';

const TOL = 1e-4;

test('the SIMD module binds to the wasm heap on this engine (else every case below tests a fallback)', async () => {
  await startWasm();
  await tf.setBackend('wasm');
  assert.ok(heapSimd(tf.backend()), 'heapSimd returned null');
  assert.ok(Object.values(heapSimdSwitches).every(Boolean), 'a SIMD path is switched off');
});

function outSize(n: number, f: number, s: number, pad: 'same' | 'valid' | number): number {
  if (pad === 'same') return Math.ceil(n / s);
  if (pad === 'valid') return Math.ceil((n - f + 1) / s);
  return Math.floor((n + 2 * pad - f) / s) + 1;
}

interface FilterCase { n: number; h: number; w: number; ci: number; co: number; fh: number; fw: number; s: [number, number]; pad: 'same' | 'valid' | number }
const filterCases: FilterCase[] = [
  { n: 4, h: 28, w: 28, ci: 1, co: 16, fh: 3, fw: 3, s: [1, 1], pad: 'valid' }, // the teacher's first layer
  { n: 2, h: 13, w: 13, ci: 16, co: 32, fh: 3, fw: 3, s: [1, 1], pad: 'valid' }, // its second
  { n: 1, h: 9, w: 9, ci: 1, co: 4, fh: 3, fw: 3, s: [1, 1], pad: 'same' }, // batch 1, one vector
  { n: 2, h: 10, w: 9, ci: 3, co: 8, fh: 3, fw: 3, s: [2, 2], pad: 'same' },
  { n: 2, h: 11, w: 10, ci: 3, co: 12, fh: 3, fw: 3, s: [2, 2], pad: 'valid' }, // rows never read
  { n: 1, h: 8, w: 12, ci: 1, co: 20, fh: 5, fw: 2, s: [3, 2], pad: 'same' }, // 20 = 16 + 4 columns
  { n: 3, h: 7, w: 7, ci: 3, co: 24, fh: 3, fw: 3, s: [2, 2], pad: 1 },
  { n: 2, h: 9, w: 10, ci: 2, co: 8, fh: 3, fw: 3, s: [1, 2], pad: 'valid' },
  { n: 2, h: 6, w: 6, ci: 5, co: 8, fh: 2, fw: 2, s: [1, 1], pad: 'valid' }, // rows tile of 2 (+1)
  { n: 2, h: 9, w: 9, ci: 3, co: 6, fh: 3, fw: 3, s: [1, 1], pad: 'same' }, // co % 4 ≠ 0: transposed-conv path
];
for (const [i, c] of filterCases.entries()) {
  const name = `${c.n}x${c.h}x${c.w}x${c.ci}→${c.co}, ${c.fh}x${c.fw}, stride ${c.s}, pad ${c.pad}`;
  test(`Conv2DBackpropFilter (direct SIMD) matches cpu: ${name}`, async () => {
    const oh = outSize(c.h, c.fh, c.s[0], c.pad), ow = outSize(c.w, c.fw, c.s[1], c.pad);
    const err = await compareKernel('Conv2DBackpropFilter', {
      x: random([c.n, c.h, c.w, c.ci], 500 + i), dy: random([c.n, oh, ow, c.co], 520 + i),
    }, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.fh, c.fw, c.ci, c.co] });
    assert.ok(err < TOL, `relative error ${err}`);
  });
}

test('Conv2DBackpropFilter: the direct and transposed-conv paths agree on the teacher shapes', async () => {
  await startWasm();
  await tf.setBackend('wasm');
  const x = tf.randomNormal([8, 28, 28, 1], 0, 1, 'float32', 3);
  const dy = tf.randomNormal([8, 26, 26, 16], 0, 1, 'float32', 4);
  const run = () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 16] } as unknown as tf.NamedAttrMap) as tf.Tensor;
  const direct = run();
  heapSimdSwitches.convFilter = false;
  let other: tf.Tensor;
  try {
    other = run();
  } finally {
    heapSimdSwitches.convFilter = true;
  }
  const [a, b] = [await direct.data(), await other.data()];
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) { diff = Math.max(diff, Math.abs(a[i] - b[i])); scale = Math.max(scale, Math.abs(b[i])); }
  assert.ok(diff / scale < TOL, `relative difference ${diff / scale}`);
  tf.dispose([x, dy, direct, other]);
});

interface ConvCase { n: number; h: number; w: number; ci: number; co: number; f: number; s: number; pad: 'same' | 'valid' | number | number[][]; d?: number }
const convCases: ConvCase[] = [
  { n: 4, h: 28, w: 28, ci: 1, co: 16, f: 3, s: 1, pad: 'valid' }, // the teacher's first layer (26 = 13 tiles of 2)
  { n: 2, h: 13, w: 13, ci: 16, co: 32, f: 3, s: 1, pad: 'valid' }, // its second (11 = 5 tiles + a tail of 1)
  { n: 1, h: 9, w: 9, ci: 3, co: 4, f: 3, s: 1, pad: 'same' }, // batch 1, one vector: tiles of 4 pixels
  { n: 2, h: 10, w: 9, ci: 3, co: 8, f: 3, s: 2, pad: 'same' }, // tiles of 4 pixels, 5 per row = 4 + 1
  { n: 2, h: 11, w: 10, ci: 1, co: 12, f: 3, s: 2, pad: 'valid' }, // 3 vectors
  { n: 3, h: 7, w: 7, ci: 3, co: 20, f: 3, s: 2, pad: 1 }, // 16 + 4 channels
  { n: 2, h: 6, w: 5, ci: 2, co: 8, f: 3, s: 1, pad: 3 }, // border outputs whose windows are all padding
  { n: 2, h: 7, w: 6, ci: 3, co: 4, f: 3, s: 2, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] }, // explicit, uneven
  { n: 2, h: 8, w: 8, ci: 2, co: 8, f: 3, s: 1, pad: 'same', d: 2 }, // dilation: the shipped kernel
  { n: 2, h: 8, w: 8, ci: 2, co: 6, f: 3, s: 1, pad: 'same' }, // co % 4 ≠ 0: the shipped kernel
];
for (const [i, c] of convCases.entries()) {
  const name = `${c.n}x${c.h}x${c.w}x${c.ci}→${c.co}, ${c.f}x${c.f}, stride ${c.s}, pad ${JSON.stringify(c.pad)}${c.d ? `, dilation ${c.d}` : ''}`;
  test(`Conv2D (direct SIMD) matches cpu: ${name}`, async () => {
    const err = await compareKernel('Conv2D', {
      x: random([c.n, c.h, c.w, c.ci], 540 + i), filter: random([c.f, c.f, c.ci, c.co], 560 + i),
    }, { strides: [c.s, c.s], pad: c.pad, dataFormat: 'NHWC', dilations: [c.d ?? 1, c.d ?? 1] });
    assert.ok(err < TOL, `relative error ${err}`);
  });
}

test('Conv2DBackpropInput through the direct Conv2D matches cpu (teacher shape, stride 2, C_in 4)', async () => {
  const cases: Array<{ x: number[]; f: number[]; s: number; pad: 'same' | 'valid' }> = [
    { x: [2, 13, 13, 16], f: [3, 3, 16, 32], s: 1, pad: 'valid' },
    { x: [1, 9, 8, 4], f: [3, 3, 4, 8], s: 2, pad: 'same' },
    { x: [2, 10, 10, 8], f: [2, 2, 8, 4], s: 2, pad: 'valid' },
  ];
  for (const [i, c] of cases.entries()) {
    const oh = c.pad === 'same' ? Math.ceil(c.x[1] / c.s) : Math.ceil((c.x[1] - c.f[0] + 1) / c.s);
    const ow = c.pad === 'same' ? Math.ceil(c.x[2] / c.s) : Math.ceil((c.x[2] - c.f[1] + 1) / c.s);
    const err = await compareKernel('Conv2DBackpropInput', {
      dy: random([c.x[0], oh, ow, c.f[3]], 580 + i), filter: random(c.f, 590 + i),
    }, { strides: [c.s, c.s], pad: c.pad, dataFormat: 'NHWC', inputShape: c.x });
    assert.ok(err < TOL, `${JSON.stringify(c)}: relative error ${err}`);
  }
});

test('BatchMatMul (direct SIMD, transposes explicit) matches cpu; batches and odd N use the other paths', async () => {
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[1, 64, 800], [1, 800, 128], false, false], // the teacher's dense layer
    [[1, 64, 128], [1, 800, 128], false, true], // its input gradient
    [[1, 64, 800], [1, 64, 128], true, false], // its weight gradient
    [[5, 7], [7, 8], false, false], // rank 2, 5 rows = 2 tiles + a tail
    [[1, 7, 5], [8, 7], true, true],
    [[1, 3], [1, 3, 20], false, false], // one row, 16 + 4 columns
    [[3, 5, 7], [3, 7, 8], false, false], // batch 3: other path
    [[1, 6, 7], [1, 7, 10], false, false], // N = 10: other path
  ];
  for (const [i, [a, b, ta, tb]] of cases.entries()) {
    const err = await compareKernel('BatchMatMul', { a: random(a, 640 + i), b: random(b, 660 + i) }, { transposeA: ta, transposeB: tb });
    assert.ok(err < TOL, `${a}${ta ? 'ᵀ' : ''} · ${b}${tb ? 'ᵀ' : ''}: relative error ${err}`);
  }
});

/** Values on a coarse grid (many ties within a window), with NaN and −∞ sprinkled in. */
function tiedValues(n: number, seed: number): Float32Array {
  const v = randomValues(n, seed).map((x) => Math.round(x * 3) / 3);
  for (let i = 7; i < n; i += 29) v[i] = Number.NEGATIVE_INFINITY;
  for (let i = 11; i < n; i += 37) v[i] = Number.NaN;
  return v;
}

const poolCases: Array<{ name: string; x: number[]; pad: 'valid' | 'same'; tied?: boolean }> = [
  { name: '64 channels, even', x: [2, 8, 8, 64], pad: 'valid' },
  { name: 'batch 1, 4 channels, odd (last row and column get nothing)', x: [1, 11, 9, 4], pad: 'valid' },
  { name: 'ties, NaN and −∞ (first maximum wins, NaN never does)', x: [3, 6, 6, 8], pad: 'valid', tied: true },
  { name: 'same padding on even sizes (no padding needed)', x: [2, 6, 4, 12], pad: 'same' },
  { name: 'same padding on odd sizes (shipped-path fallback)', x: [2, 7, 5, 4], pad: 'same' },
];
for (const [i, c] of poolCases.entries()) {
  test(`MaxPoolGrad 2x2 stride 2 (SIMD) matches cpu: ${c.name}`, async () => {
    await startWasm();
    await tf.setBackend('cpu');
    const size = c.x.reduce((a, b) => a * b, 1);
    const x: Input = { values: c.tied ? tiedValues(size, 600 + i) : randomValues(size, 600 + i), shape: c.x };
    const y = tf.maxPool(tf.tensor4d(x.values, c.x as [number, number, number, number]), 2, 2, c.pad);
    const output = { values: y.dataSync() as Float32Array, shape: y.shape };
    const dy = random(y.shape, 620 + i);
    y.dispose();
    const err = await compareKernel('MaxPoolGrad', { dy, input: x, output }, { filterSize: 2, strides: 2, pad: c.pad });
    assert.ok(err === 0, `relative error ${err}`);
  });
}

test('MaxPool 2x2 stride 2 (SIMD) matches cpu: NaN and −∞ never win, odd sizes, fallbacks', async () => {
  // The shipped kernel (the last three) differs from cpu on NaN and −0: plain values there.
  const cases: Array<[number[], number, number, 'valid' | 'same', boolean]> = [
    [[3, 6, 6, 8], 2, 2, 'valid', true],
    [[1, 11, 9, 4], 2, 2, 'valid', true], // odd: the last row and column are not read
    [[2, 8, 6, 16], 2, 2, 'same', true],
    [[2, 7, 5, 4], 2, 2, 'same', false], // odd with same padding: shipped kernel
    [[2, 6, 6, 6], 2, 2, 'valid', false], // channels not a multiple of 4: shipped kernel
    [[2, 7, 7, 4], 3, 2, 'valid', false], // 3×3 windows: shipped kernel
  ];
  for (const [i, [shape, f, st, pad, special]] of cases.entries()) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = special ? tiedValues(size, 900 + i) : randomValues(size, 900 + i);
    // An all-NaN window (cpu gives −∞): the first window's first channel.
    if (special) for (const at of [0, shape[3], shape[2] * shape[3], (shape[2] + 1) * shape[3]]) values[at] = Number.NaN;
    await startWasm();
    const attrs = { filterSize: f, strides: st, pad };
    const wasm = await runKernelOn('wasm', 'MaxPool', { x: { values, shape } }, attrs);
    const cpu = await runKernelOn('cpu', 'MaxPool', { x: { values, shape } }, attrs);
    assert.deepEqual(wasm.shape, cpu.shape);
    assert.deepEqual(Array.from(wasm.values), Array.from(cpu.values), `${shape}, ${f}x${f}/${st} ${pad}`);
  }
});

for (const kernel of ['Sum', 'Mean']) {
  test(`${kernel} over leading axes (SIMD column sums) matches cpu`, async () => {
    const cases: Array<[number[], number[] | number, boolean]> = [
      [[64, 26, 26, 16], [0, 1, 2], false], // the teacher's conv bias gradient: 43,264 rows
      [[300, 36], 0, false], // 9 vectors: a tile of 8 and one of 1; 300 rows = 128 + 128 + 44
      [[3, 8], [0], true], // fewer rows than a block
      [[1, 4], 0, false],
      [[5, 7, 32], [1, 0], true],
    ];
    for (const [shape, axis, keepDims] of cases) {
      const err = await compareKernel(kernel, { x: random(shape, 700) }, { axis, keepDims });
      assert.ok(err < TOL, `${shape} over ${axis}: relative error ${err}`);
    }
  });
}

test('Add of a per-channel bias (SIMD) matches cpu, either order; other adds use the shipped kernel', async () => {
  const cases: Array<[number[], number[]]> = [
    [[64, 26, 26, 16], [16]],
    [[16], [2, 5, 16]],
    [[1, 4], [4]],
    [[3, 5, 12], [12]],
    [[3, 5, 6], [6]], // channels not a multiple of 4
    [[3, 4], [3, 4]], // no broadcast
    [[4], [4]],
    [[2, 3, 4], [3, 4]],
  ];
  for (const [i, [a, b]] of cases.entries()) {
    const err = await compareKernel('Add', { a: random(a, 800 + i), b: random(b, 820 + i) }, {});
    assert.ok(err === 0, `${a} + ${b}: relative error ${err}`);
  }
  const ints = (shape: number[]) => ({ values: Int32Array.from({ length: shape.reduce((p, q) => p * q, 1) }, (_, k) => k - 7), shape, dtype: 'int32' as const });
  assert.equal(await compareKernel('Add', { a: ints([2, 8]), b: ints([8]) }, {}), 0);
});

test('Cast to the same dtype shares the data; other casts convert', async () => {
  await startWasm();
  await tf.setBackend('wasm');
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const x = tf.tensor2d([[1.5, -2], [0, 3.25]]);
  const before = backend.numDataIds();
  const same = tf.cast(x, 'float32');
  assert.equal(backend.numDataIds(), before, 'a float32 → float32 cast allocated');
  x.dispose();
  assert.deepEqual(Array.from(await same.data()), [1.5, -2, 0, 3.25]);
  const ints = tf.cast(same, 'int32');
  assert.equal(ints.dtype, 'int32');
  assert.deepEqual(Array.from(await ints.data()), [1, -2, 0, 3]);
  tf.dispose([same, ints]);
});
