// The native engine against tfjs (wasm backend, the project's kernels): from identical weights,
// N steps of each give the same losses, weights and optimizer state, for the default teacher
// CNN and student MLP, strided/'same' convolutions and pools, odd batch sizes and every
// optimizer; and optimizer state moves between the two.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LayerConfig } from '../../../src/core/config/types';
import { buildModel } from '../../../src/trainer/models/buildModel';
import { crossEntropyRows, oneHotFloat } from '../../../src/trainer/losses/distributions';
import { softKdRows } from '../../../src/trainer/losses/softKd';
import { loadNative, nativeUnavailableReason } from '../../../src/trainer/native/load';
import type { NativeLayer, NativeLoss, NativeModule, NativeOptimizer, NativeTrainer } from '../../../src/trainer/native/types';
import { randomValues, relativeError, startWasm } from '../backend/crossBackend';

const native = loadNative() as NativeModule;
const skip = native ? false : `native engine unavailable: ${nativeUnavailableReason()}`;

// Float32 sums in another order agree to ~1e-6 of each tensor's scale. A few elements may differ
// more: a ReLU unit whose pre-activation is within rounding of 0 is active on one side only, and
// Adam's first steps move such a weight by a sizeable fraction of lr whatever its gradient's size.
// So: all but 0.1% of the elements within TOL, every element within 20·TOL.
const TOL = 1e-4;
const OUTLIERS = 1e-3;
const OUTLIER_TOL = 20;

const conv = (filters: number, kernel = 3, extra: Partial<LayerConfig> = {}): LayerConfig =>
  ({ type: 'conv2d', filters, kernel, stride: 1, padding: 'valid', activation: 'relu', ...extra } as LayerConfig);
const dense = (units: number, activation = 'relu', useBias = true): LayerConfig =>
  ({ type: 'dense', units, activation, use_bias: useBias } as LayerConfig);
const pool: LayerConfig = { type: 'maxpool2d', pool: 2 };
const flatten: LayerConfig = { type: 'flatten' };

const TEACHER: LayerConfig[] = [conv(16), pool, conv(32), pool, flatten, dense(128), dense(10, 'linear')];
const STUDENT: LayerConfig[] = [flatten, dense(64), dense(10, 'linear')];

/** The engine's spec for config layers (the subset these tests use). */
function nativeSpec(layers: LayerConfig[]): NativeLayer[] {
  return layers.map((l): NativeLayer => {
    switch (l.type) {
      case 'conv2d':
        return { type: 'conv2d', filters: l.filters, kernel: [l.kernel, l.kernel], stride: [l.stride, l.stride], padding: l.padding, activation: l.activation as 'relu' | 'linear', useBias: true };
      case 'maxpool2d':
        return { type: 'maxpool2d', pool: [l.pool, l.pool], stride: [l.stride ?? l.pool, l.stride ?? l.pool], padding: 'valid' };
      case 'dense':
        return { type: 'dense', units: l.units, activation: l.activation as 'relu' | 'linear', useBias: l.use_bias };
      case 'flatten':
        return { type: 'flatten' };
      default:
        throw new Error(`no native layer for ${l.type}`);
    }
  });
}

interface Data { x: Float32Array; n: number; labels: Int32Array; teacher?: Float32Array; inputShape: number[]; classes: number }

function makeData(inputShape: number[], n: number, classes: number, seed: number, withTeacher: boolean): Data {
  const size = inputShape.reduce((a, b) => a * b, 1);
  // Pixel-like inputs in [0, 1).
  const x = randomValues(n * size, seed).map((v) => (v + 1) / 2);
  const labels = Int32Array.from(randomValues(n, seed + 1), (v) => Math.min(classes - 1, Math.floor(((v + 1) / 2) * classes)));
  const teacher = withTeacher ? randomValues(n * classes, seed + 2).map((v) => v * 4) : undefined;
  return { x, n, labels, teacher, inputShape, classes };
}

function rows(d: Data, idx: Int32Array): tf.Tensor {
  const size = d.x.length / d.n;
  const out = new Float32Array(idx.length * size);
  idx.forEach((i, b) => out.set(d.x.subarray(i * size, (i + 1) * size), b * size));
  return tf.tensor(out, [idx.length, ...d.inputShape]);
}

function batchIndices(n: number, size: number, seed: number): Int32Array {
  return Int32Array.from(randomValues(size, seed), (v) => Math.min(n - 1, Math.floor(((v + 1) / 2) * n)));
}

type OptSpec = NativeOptimizer;
const ADAM: OptSpec = { name: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0 };

/** The tfjs side: model, optimizer as the project makes it (AdamW = Adam, then decoupled decay). */
class Reference {
  readonly opt: tf.Optimizer;
  constructor(readonly model: tf.LayersModel, readonly spec: OptSpec, lr: number) {
    this.opt = spec.name === 'sgd'
      ? (spec.momentum ? tf.train.momentum(lr, spec.momentum) : tf.train.sgd(lr))
      : tf.train.adam(lr, spec.beta1, spec.beta2, spec.epsilon);
  }

  private setLr(lr: number): void {
    const o = this.opt as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
    if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
    else o.learningRate = lr;
  }

  /** The loss terms at the current weights, and the weighted total. */
  losses(z: tf.Tensor, d: Data, idx: Int32Array, loss: NativeLoss): { ce: tf.Scalar; kd: tf.Scalar; total: tf.Scalar } {
    const labels = tf.tensor1d(idx.map((i) => d.labels[i]), 'int32');
    const ce = tf.mean(crossEntropyRows(oneHotFloat(labels, d.classes), tf.logSoftmax(z) as tf.Tensor2D)) as tf.Scalar;
    let kd = tf.scalar(0);
    if (d.teacher) {
      const t = new Float32Array(idx.length * d.classes);
      idx.forEach((i, b) => t.set(d.teacher!.subarray(i * d.classes, (i + 1) * d.classes), b * d.classes));
      kd = tf.mean(softKdRows(z as tf.Tensor2D, tf.tensor2d(t, [idx.length, d.classes]), loss.temperature)) as tf.Scalar;
    }
    return { ce, kd, total: tf.add(tf.mul(ce, loss.ceWeight), tf.mul(kd, loss.kdWeight)) as tf.Scalar };
  }

  step(d: Data, idx: Int32Array, lr: number, loss: NativeLoss): { total: number; ce: number; kd: number; correct: number } {
    this.setLr(lr);
    const x = rows(d, idx);
    const before = tf.tidy(() => {
      const z = this.model.apply(x, { training: true }) as tf.Tensor;
      const l = this.losses(z, d, idx, loss);
      const pred = tf.argMax(z, -1).dataSync();
      return { ce: l.ce.dataSync()[0], kd: l.kd.dataSync()[0], correct: idx.reduce((c, i, b) => c + (pred[b] === d.labels[i] ? 1 : 0), 0) };
    });
    const cost = this.opt.minimize(() => this.losses(this.model.apply(x, { training: true }) as tf.Tensor, d, idx, loss).total, true)!;
    const total = cost.dataSync()[0];
    cost.dispose();
    x.dispose();
    if (this.spec.name === 'adamw' && this.spec.weightDecay > 0) {
      const f = 1 - lr * this.spec.weightDecay;
      tf.tidy(() => { for (const v of this.model.trainableWeights) v.write(tf.mul(v.read(), f)); });
    }
    return { total, ...before };
  }

  weights(): Float32Array[] {
    return this.model.getWeights().map((w) => w.dataSync() as Float32Array);
  }
}

/** A trainer from the model's weights; by default every step is split over all `threads`, however small. */
function makeTrainer(layers: NativeLayer[], d: Data, model: tf.LayersModel, opt: OptSpec, threads: number, minWork: number | 'default' = 0): NativeTrainer {
  const t = native.createTrainer({ inputShape: d.inputShape, layers, threads, ...(minWork === 'default' ? {} : { minWorkPerThread: minWork }) });
  assert.deepEqual(t.paramShapes(), model.getWeights().map((w) => w.shape), 'parameter shapes in tfjs order');
  t.setParams(model.getWeights().map((w) => w.dataSync() as Float32Array));
  t.setOptimizer(opt);
  t.setData(d.x, d.n, d.labels, d.teacher);
  return t;
}

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string, tol = TOL): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  let outside = 0;
  for (let i = 0; i < b.length; i++) {
    const e = Math.abs(a[i] - b[i]) / scale;
    worst = Math.max(worst, e);
    if (e > tol) outside++;
  }
  if (process.env.DISTILLERY_NATIVE_TEST_VERBOSE) console.log(`${what}: max ${worst.toExponential(2)}, ${outside}/${b.length} above ${tol}`);
  assert.ok(worst <= OUTLIER_TOL * tol && outside <= OUTLIERS * b.length,
    `${what}: max relative error ${worst.toExponential(2)} (limit ${OUTLIER_TOL * tol}), ${outside} of ${b.length} elements above ${tol} (limit ${Math.floor(OUTLIERS * b.length)})`);
}

function assertScalar(a: number, b: number, what: string, tol = TOL): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: native ${a} vs tfjs ${b}`);
}

interface RunOptions { steps: number; batches?: number[]; lr?: (step: number) => number; loss?: NativeLoss; opt?: OptSpec; threads?: number; tol?: number }

/** N steps on both sides from the same weights; every loss, the final weights and the optimizer state compared. */
function compareRun(name: string, model: tf.LayersModel, layers: NativeLayer[], d: Data, o: RunOptions): { native: NativeTrainer; ref: Reference } {
  const opt = o.opt ?? ADAM;
  const loss = o.loss ?? { ceWeight: 1, kdWeight: 0, temperature: 1 };
  const lr = o.lr ?? (() => 1e-3);
  const tol = o.tol ?? TOL;
  const ref = new Reference(model, opt, lr(0));
  const t = makeTrainer(layers, d, model, opt, o.threads ?? 2);
  for (let s = 0; s < o.steps; s++) {
    const idx = batchIndices(d.n, o.batches?.[s % o.batches.length] ?? 64, 1000 + s);
    const r = t.step(idx, lr(s), loss);
    const want = ref.step(d, idx, lr(s), loss);
    assertScalar(r.total, want.total, `${name} step ${s} total`, tol);
    assertScalar(r.ce, want.ce, `${name} step ${s} ce`, tol);
    assertScalar(r.kd, want.kd, `${name} step ${s} kd`, tol);
    assert.equal(r.correct, want.correct, `${name} step ${s} correct`);
  }
  const got = t.getParams();
  ref.weights().forEach((w, i) => assertClose(got[i], w, `${name} parameter ${i} after ${o.steps} steps`, tol));
  return { native: t, ref };
}

async function optimizerSlots(opt: tf.Optimizer): Promise<{ iterations: number; slots: Float32Array[] }> {
  const w = await opt.getWeights();
  const iter = w.find((x) => x.name === 'iter');
  return { iterations: iter ? iter.tensor.dataSync()[0] : 0, slots: w.filter((x) => x !== iter).map((x) => x.tensor.dataSync() as Float32Array) };
}

test('describe() names the compiler and the kernels', { skip }, () => {
  assert.match(native.describe(), /native engine: (g\+\+|clang) .+, flags .+, (avx512|avx2|scalar) kernels, \d+ hardware threads/);
});

test('the default teacher CNN: Adam steps, optimizer state and predictions match tfjs', { skip }, async () => {
  await startWasm();
  const d = makeData([28, 28, 1], 300, 10, 11, false);
  const model = buildModel(TEACHER, { name: 'teacher', inputShape: [28, 28, 1], seed: 3 });
  const { native: t, ref } = compareRun('teacher', model, nativeSpec(TEACHER), d, { steps: 4, lr: (s) => 2e-3 * (1 - s / 8) });
  const mine = t.getOptimizerState();
  const theirs = await optimizerSlots(ref.opt);
  assert.equal(mine.iterations, 4);
  assert.equal(theirs.iterations, 4);
  assert.equal(mine.slots.length, 2 * model.getWeights().length, 'Adam: m of every parameter, then v');
  mine.slots.forEach((s, i) => assertClose(s, theirs.slots[i], `Adam slot ${i}`));
  const x = tf.tensor(d.x.subarray(0, 100 * 784), [100, 28, 28, 1]);
  const want = (model.predict(x, { batchSize: 100 }) as tf.Tensor).dataSync();
  assertClose(t.predict(d.x.subarray(0, 100 * 784), 100), want, 'predict');
  t.dispose();
  model.dispose();
});

test('the default student MLP with 0.1 CE + 0.9 soft KD at T=4, on 1 and 2 threads', { skip }, async () => {
  await startWasm();
  const d = makeData([28, 28, 1], 500, 10, 21, true);
  for (const threads of [1, 2]) {
    const model = buildModel(STUDENT, { name: 'student', inputShape: [28, 28, 1], seed: 5 });
    const { native: t } = compareRun(`student/${threads}`, model, nativeSpec(STUDENT), d, {
      steps: 6, threads, lr: () => 3e-3, loss: { ceWeight: 0.1, kdWeight: 0.9, temperature: 4 },
    });
    t.dispose();
    model.dispose();
  }
});

test('strided and same-padded convolutions, same-padded pools, 1x1 and bias-free layers; batches of 1, 37 and 5', { skip }, async () => {
  await startWasm();
  const input = tf.input({ shape: [11, 9, 3] });
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  let h = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1) }).apply(input) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 6, kernelSize: 1, padding: 'valid', activation: 'linear', kernelInitializer: init(2) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.conv2d({ filters: 5, kernelSize: [2, 3], strides: [1, 2], padding: 'same', activation: 'relu', useBias: false, kernelInitializer: init(3) }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'valid' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: 7, activation: 'relu', useBias: false, kernelInitializer: init(4) }).apply(h) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 4, kernelInitializer: init(5) }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const layers: NativeLayer[] = [
    { type: 'conv2d', filters: 8, kernel: [3, 3], stride: [2, 2], padding: 'same', activation: 'relu', useBias: true },
    { type: 'maxpool2d', pool: [3, 3], stride: [2, 2], padding: 'same' },
    { type: 'conv2d', filters: 6, kernel: [1, 1], stride: [1, 1], padding: 'valid', activation: 'linear', useBias: true },
    { type: 'conv2d', filters: 5, kernel: [2, 3], stride: [1, 2], padding: 'same', activation: 'relu', useBias: false },
    { type: 'maxpool2d', pool: [2, 2], stride: [1, 1], padding: 'valid' },
    { type: 'flatten' },
    { type: 'dense', units: 7, activation: 'relu', useBias: false },
    { type: 'dense', units: 4, activation: 'linear', useBias: true },
  ];
  const d = makeData([11, 9, 3], 120, 4, 31, true);
  const { native: t } = compareRun('odd shapes', model, layers, d, {
    steps: 6, batches: [1, 37, 5], loss: { ceWeight: 0.5, kdWeight: 0.5, temperature: 2 }, lr: () => 1e-2,
  });
  const x = tf.tensor(d.x.subarray(0, 9 * 297), [9, 11, 9, 3]);
  assertClose(t.predict(d.x.subarray(0, 9 * 297), 9), (model.predict(x) as tf.Tensor).dataSync(), 'predict');
  t.dispose();
  model.dispose();
});

test('AdamW, SGD with momentum and plain SGD match tfjs', { skip }, async () => {
  await startWasm();
  const layers: LayerConfig[] = [conv(4, 3, { stride: 2, padding: 'same' }), pool, flatten, dense(12), dense(5, 'linear')];
  const d = makeData([10, 10, 2], 100, 5, 41, false);
  const optimizers: OptSpec[] = [
    { name: 'adamw', beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.05 },
    { name: 'adam', beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0 },
    { name: 'sgd', momentum: 0.9 },
    { name: 'sgd', momentum: 0 },
  ];
  for (const opt of optimizers) {
    const model = buildModel(layers, { name: 'm', inputShape: [10, 10, 2], seed: 9 });
    const label = `${opt.name}${opt.name === 'sgd' ? ` momentum ${opt.momentum}` : ''}`;
    const { native: t, ref } = compareRun(label, model, nativeSpec(layers), d, { steps: 5, batches: [16, 9], opt, lr: (s) => (opt.name === 'sgd' ? 0.05 : 3e-3) / (1 + s) });
    const mine = t.getOptimizerState();
    const theirs = await optimizerSlots(ref.opt);
    assert.equal(mine.iterations, 5, label);
    assert.equal(mine.slots.length, theirs.slots.length, `${label}: slot count`);
    mine.slots.forEach((s, i) => assertClose(s, theirs.slots[i], `${label} slot ${i}`));
    t.dispose();
    model.dispose();
  }
});

test('optimizer state moves from tfjs Adam to the engine and back', { skip }, async () => {
  await startWasm();
  const d = makeData([28, 28, 1], 200, 10, 51, true);
  const loss = { ceWeight: 0.3, kdWeight: 0.7, temperature: 3 };
  const model = buildModel(STUDENT, { name: 's', inputShape: [28, 28, 1], seed: 13 });
  const ref = new Reference(model, ADAM, 1e-3);
  for (let s = 0; s < 3; s++) ref.step(d, batchIndices(d.n, 32, 60 + s), 1e-3, loss);
  // tfjs → engine: weights and tfjs's [iter, ...m, ...v].
  const t = makeTrainer(nativeSpec(STUDENT), d, model, ADAM, 2);
  t.setOptimizerState(await optimizerSlots(ref.opt));
  assert.equal(t.getOptimizerState().iterations, 3);
  for (let s = 3; s < 5; s++) {
    const idx = batchIndices(d.n, 32, 60 + s);
    assertScalar(t.step(idx, 1e-3, loss).total, ref.step(d, idx, 1e-3, loss).total, `step ${s} after the move`);
  }
  t.getParams().forEach((p, i) => assertClose(p, ref.weights()[i], `parameter ${i} two steps after tfjs → engine`));
  // engine → tfjs: a fresh tfjs Adam given the engine's state continues exactly as the engine does.
  const state = t.getOptimizerState();
  const back = new Reference(model, ADAM, 1e-3);
  model.setWeights(t.getParams().map((p, i) => tf.tensor(p, model.getWeights()[i].shape)));
  const names = model.trainableWeights.map((w) => w.originalName);
  await back.opt.setWeights([
    { name: 'iter', tensor: tf.scalar(state.iterations, 'int32') },
    ...state.slots.map((s, k) => ({ name: `${names[k % names.length]}/${k < names.length ? 'm' : 'v'}`, tensor: tf.tensor(s, model.getWeights()[k % names.length].shape) })),
  ]);
  const idx = batchIndices(d.n, 32, 99);
  assertScalar(back.step(d, idx, 1e-3, loss).total, t.step(idx, 1e-3, loss).total, 'the step after engine → tfjs');
  back.weights().forEach((w, i) => assertClose(t.getParams()[i], w, `parameter ${i} one step after engine → tfjs`));
  // And within the engine: state out of one trainer into another, bit for bit.
  const u = makeTrainer(nativeSpec(STUDENT), d, model, ADAM, 2);
  u.setParams(t.getParams());
  u.setOptimizerState(t.getOptimizerState());
  const j = batchIndices(d.n, 32, 123);
  assert.deepEqual(u.step(j, 1e-3, loss), t.step(j, 1e-3, loss));
  assert.deepEqual(u.getParams(), t.getParams());
  t.dispose();
  u.dispose();
  model.dispose();
});

test('results are bit-identical for a fixed thread count and close across thread counts', { skip }, () => {
  const d = makeData([12, 12, 1], 64, 10, 71, true);
  const layers = nativeSpec([conv(8), pool, flatten, dense(16), dense(10, 'linear')]);
  const loss = { ceWeight: 0.2, kdWeight: 0.8, temperature: 4 };
  const run = (threads: number) => {
    const model = buildModel([conv(8), pool, flatten, dense(16), dense(10, 'linear')], { name: 'm', inputShape: [12, 12, 1], seed: 2 });
    const t = makeTrainer(layers, d, model, ADAM, threads);
    const totals = Array.from({ length: 5 }, (_, s) => t.step(batchIndices(d.n, 33, s), 1e-3, loss).total);
    const params = t.getParams();
    t.dispose();
    model.dispose();
    return { totals, params };
  };
  const a = run(3);
  const b = run(3);
  assert.deepEqual(a, b);
  const c = run(1);
  c.params.forEach((p, i) => assertClose(p, a.params[i], `1 vs 3 threads, parameter ${i}`));
});

test('steps too small to split run on one thread: bit-identical to threads: 1', { skip }, () => {
  const d = makeData([28, 28, 1], 256, 10, 81, true);
  const loss = { ceWeight: 0.1, kdWeight: 0.9, temperature: 4 };
  const run = (threads: number, minWork: number | 'default') => {
    const model = buildModel(STUDENT, { name: 's', inputShape: [28, 28, 1], seed: 4 });
    const t = makeTrainer(nativeSpec(STUDENT), d, model, ADAM, threads, minWork);
    for (let s = 0; s < 3; s++) t.step(batchIndices(d.n, 64, s), 1e-3, loss);
    const params = t.getParams();
    const logits = t.predict(d.x.subarray(0, 16 * 784), 16);
    t.dispose();
    model.dispose();
    return { params, logits };
  };
  // The default student's step is ~13 MFLOP, under the default 32 MFLOP a thread must get.
  const one = run(1, 0);
  assert.deepEqual(run(2, 'default'), one, 'default minWorkPerThread: one thread');
  assert.notDeepEqual(run(2, 0), one, 'minWorkPerThread 0: split, so sums in another order');
});

test('misuse is refused with a message, never a crash', { skip }, () => {
  const spec = { inputShape: [4, 4, 1], threads: 2, layers: nativeSpec([conv(2), flatten, dense(3, 'linear')]) };
  assert.throws(() => native.createTrainer({ ...spec, layers: [{ type: 'conv2d', filters: 2, kernel: [3, 3], stride: [1, 1], padding: 'valid', activation: 'relu', useBias: true }, { type: 'dense', units: 3, activation: 'linear', useBias: true }] }), /needs a rank-1 input/);
  assert.throws(() => native.createTrainer({ ...spec, layers: [{ type: 'lstm' } as unknown as NativeLayer] }), /unknown layer type/);
  assert.throws(() => native.createTrainer({ ...spec, layers: [{ type: 'conv2d', filters: 2, kernel: [5, 5], stride: [1, 1], padding: 'valid', activation: 'relu', useBias: true }, { type: 'flatten' }] }), /larger than its 4x4 input/);
  assert.throws(() => native.createTrainer({ ...spec, layers: [{ type: 'dense', units: 3, activation: 'tanh' as 'relu', useBias: true }] }), /activation must be relu or linear/);
  const t = native.createTrainer(spec);
  assert.throws(() => t.setParams([new Float32Array(3)]), /expected 4 arrays/);
  assert.throws(() => t.setParams(t.paramShapes().map(() => new Float32Array(1))), /params\[0\] has 1 values/);
  assert.throws(() => t.step(new Int32Array([0]), 1e-3, { ceWeight: 1, kdWeight: 0, temperature: 1 }), /setOptimizer before step/);
  t.setOptimizer(ADAM);
  assert.throws(() => t.setData(new Float32Array(16), 1, new Int32Array([3])), /label 3 of example 0 is outside \[0, 3\)/);
  assert.throws(() => t.setData(new Float32Array(15), 1, new Int32Array([0])), /x has 15 values/);
  t.setData(new Float32Array(32), 2, new Int32Array([0, 2]));
  assert.throws(() => t.step(new Int32Array([0, 2]), 1e-3, { ceWeight: 1, kdWeight: 0, temperature: 1 }), /index 2 is outside the data \(2 examples\)/);
  assert.throws(() => t.step(new Int32Array([0]), 1e-3, { ceWeight: 0, kdWeight: 1, temperature: 2 }), /no teacher logits/);
  assert.throws(() => t.setOptimizerState({ iterations: 1, slots: [new Float32Array(1)] }), /expected 8 slot arrays/);
  const r = t.step(new Int32Array([1, 0]), 1e-3, { ceWeight: 1, kdWeight: 0, temperature: 1 });
  assert.ok(Number.isFinite(r.total) && r.kd === 0 && Math.abs(r.ce - Math.log(3)) < 1e-6, 'zero weights: uniform softmax');
  assert.equal(t.predict(new Float32Array(0), 0).length, 0);
  t.dispose();
  t.dispose();
  assert.throws(() => t.getParams(), /disposed/);
});
