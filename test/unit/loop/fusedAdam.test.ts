// The fused Adam/AdamW against tf.train.adam (through the tfjs-backed StageOptimizer): same
// values step for step with a changing learning rate, on cpu and wasm, SIMD or not; state that
// checkpoints and restores across the two; variables whose data is shared left intact.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../../../src/core/config/types';
import { initBackend } from '../../../src/trainer/backend/initBackend';
import type { LayerConfig } from '../../../src/core/config/types';
import { buildModel } from '../../../src/trainer/models/buildModel';
import { readCheckpoint, writeCheckpoint } from '../../../src/trainer/loop/checkpoint';
import { FusedAdam } from '../../../src/trainer/loop/fusedAdam';
import { createOptimizer, type StageOptimizer } from '../../../src/trainer/loop/optimizers';
import { randomValues } from '../backend/crossBackend';

const SHAPES = [[7, 5], [5], [3, 1], []];
const RATES = [0.01, 0.003, 0.003, 0.0005, 0.02, 0.001, 0.001, 0.004];

async function useCpu(): Promise<void> {
  const warn = console.warn;
  console.warn = () => undefined;
  await tf.setBackend('cpu');
  console.warn = warn;
}

/** Variables that alone hold their data (as a model's do once the initial values are freed). */
function makeVars(tag: string): tf.Variable[] {
  return SHAPES.map((shape, i) => tf.tidy(() => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tf.variable(tf.tensor(randomValues(n, 100 + i), shape), true, `${tag}_${i}_${Math.random().toString(36).slice(2)}`);
  }));
}

/** Gradients for step k: random, with exact zeros and tiny values mixed in. */
function gradsFor(vars: tf.Variable[], k: number): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  vars.forEach((v, i) => {
    const g = randomValues(v.size, 1000 * k + i).map((x, j) => (j % 5 === 0 ? 0 : j % 7 === 0 ? x * 1e-6 : x));
    out[v.name] = tf.tensor(g, v.shape);
  });
  return out;
}

function run(opt: StageOptimizer, vars: tf.Variable[], from: number, to: number): void {
  for (let k = from; k < to; k++) {
    opt.setLearningRate(RATES[k % RATES.length]);
    const grads = gradsFor(vars, k);
    opt.apply(grads, vars);
    tf.dispose(Object.values(grads));
  }
}

const values = (vars: tf.Variable[]) => vars.map((v) => Array.from(v.dataSync()));

function assertSame(actual: number[][], expected: number[][], tol: number, what: string): void {
  actual.forEach((a, i) => a.forEach((x, j) => {
    const e = expected[i][j];
    assert.ok(Math.abs(x - e) <= tol * Math.max(1, Math.abs(e)), `${what}: variable ${i}[${j}] is ${x}, expected ${e}`);
  }));
}

function compare(config: OptimizerConfig, fusedOpts: { simd?: boolean }, tol: number): void {
  const ref = makeVars('ref');
  const ours = makeVars('ours');
  const dataIds = ours.map((v) => v.dataId);
  const reference = createOptimizer(config, { fused: false });
  const fused = new FusedAdam(config.name, config.learning_rate, config.name === 'adamw' ? config.weight_decay ?? 0.01 : 0, fusedOpts);
  run(reference, ref, 0, 8);
  run(fused, ours, 0, 8);
  // Never written over in place (wasm caches packed weights by tensor): a new value each step.
  assert.ok(ours.every((v, i) => v.dataId !== dataIds[i]), 'each variable was assigned new data');
  assertSame(values(ours), values(ref), tol, config.name);
  reference.dispose();
  fused.dispose();
  tf.dispose([...ref, ...ours]);
}

function suite(backend: 'cpu' | 'wasm', tol: number): void {
  describe(`fused Adam on ${backend}`, () => {
    before(async () => { if (backend === 'wasm') await initBackend('wasm'); else await useCpu(); });
    after(useCpu);

    it('equals tf.train.adam over 8 steps with a changing learning rate (SIMD)', () => {
      assert.ok(new FusedAdam('adam', 0.1).usesSimd, 'this Node has WebAssembly SIMD');
      compare({ name: 'adam', learning_rate: 0.01 }, {}, tol);
    });
    it('equals tf.train.adam without SIMD (scalar loop)', () => compare({ name: 'adam', learning_rate: 0.01 }, { simd: false }, tol));
    it('adamw equals tf.train.adam followed by the decoupled decay', () => compare({ name: 'adamw', learning_rate: 0.01, weight_decay: 0.3 }, {}, tol));
    it('trains a conv + dense model exactly as tf.train.adam does (the kernels see each new weight)', () => {
      const layers: LayerConfig[] = [
        { type: 'conv2d', filters: 4, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' },
        { type: 'flatten' },
        { type: 'dense', units: 8, activation: 'relu', use_bias: true },
        { type: 'dense', units: 3, activation: 'linear', use_bias: true },
      ] as LayerConfig[];
      const x = tf.tensor(randomValues(6 * 6 * 6, 9), [6, 6, 6, 1]);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
      const train = (fused: boolean) => {
        const model = buildModel(layers, { name: `m${fused}`, inputShape: [6, 6, 1], seed: 3 });
        const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
        const opt = createOptimizer({ name: 'adam', learning_rate: 0.05 }, { fused });
        assert.equal(opt instanceof FusedAdam, fused);
        for (let k = 0; k < 4; k++) {
          const { grads, value } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
          opt.apply(grads, vars);
          tf.dispose([grads, value] as unknown as tf.Tensor[]);
        }
        const out = values(vars);
        opt.dispose();
        model.dispose();
        return out;
      };
      assertSame(train(true), train(false), tol, 'model');
      tf.dispose([x, y]);
    });
    it('is what createOptimizer gives for adam and adamw by default', () => {
      for (const name of ['adam', 'adamw'] as const) {
        const opt = createOptimizer({ name, learning_rate: 0.1 });
        assert.ok(opt instanceof FusedAdam);
        opt.dispose();
      }
      const plain = createOptimizer({ name: 'adam', learning_rate: 0.1 }, { fused: false });
      assert.ok(!(plain instanceof FusedAdam));
      plain.dispose();
    });
  });
}

// Bit for bit: both backends round every float32 operation as the fused loops do.
suite('cpu', 0);
suite('wasm', 0);

describe('fused Adam state', () => {
  before(useCpu);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'fused-adam-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Trains 3 steps with `first`, checkpoints through the file format, restores into `second`, trains 5 more. */
  async function resumed(first: StageOptimizer, second: StageOptimizer): Promise<number[][]> {
    const vars = makeVars('resumed');
    run(first, vars, 0, 3);
    const state = await first.getWeights();
    await writeCheckpoint(join(dir, 'ck'), { stage: 'distill', epoch: 0, stepInEpoch: 3, stageStep: 3 }, { model: vars, terms: [], optimizer: state });
    tf.dispose(state.map((s) => s.tensor).filter((t) => !(t instanceof tf.Variable)));
    first.dispose();
    const loaded = readCheckpoint(join(dir, 'ck'))!;
    await second.setWeights(loaded.optimizer);
    tf.dispose(loaded.optimizer.map((o) => o.tensor));
    tf.dispose(loaded.model);
    run(second, vars, 3, 8);
    second.dispose();
    const out = values(vars);
    tf.dispose(vars);
    return out;
  }

  it('resumes exactly from a checkpoint, and checkpoints move between tf.train.adam and the fused one', async () => {
    const straight = makeVars('straight');
    const opt = new FusedAdam('adam', 0.01);
    run(opt, straight, 0, 8);
    const expected = values(straight);
    tf.dispose(straight);
    const tfjs = () => createOptimizer({ name: 'adam', learning_rate: 0.01 }, { fused: false });
    const fused = () => new FusedAdam('adam', 0.01);
    assertSame(await resumed(fused(), fused()), expected, 0, 'fused → fused');
    assertSame(await resumed(tfjs(), fused()), expected, 0, 'tf.train.adam → fused');
    assertSame(await resumed(fused(), tfjs()), expected, 0, 'fused → tf.train.adam');
  });

  it('names its state as tf.train.adam does: iter, then <var>/m…, <var>/v…', async () => {
    const vars = makeVars('names');
    const opt = new FusedAdam('adam', 0.01);
    assert.deepEqual((await opt.getWeights()).map((w) => w.name), ['iter'], 'no moments before the first step');
    run(opt, vars, 0, 2);
    const w = await opt.getWeights();
    assert.deepEqual(w.map((x) => x.name), ['iter', ...vars.map((v) => `${v.name}/m`), ...vars.map((v) => `${v.name}/v`)]);
    assert.equal(w[0].tensor.dataSync()[0], 2);
    assert.deepEqual(w[1].tensor.shape, vars[0].shape);
    tf.dispose(w.map((x) => x.tensor));
    tf.dispose(vars);
  });
});

describe('fused Adam on wasm, shared data', () => {
  before(async () => { await initBackend('wasm'); });
  after(useCpu);

  it('updates a variable whose data another tensor shares without changing that tensor', () => {
    const vars = makeVars('shared');
    const before = vars.map((v) => Array.from(v.dataSync()));
    // Identity shares data on wasm (wasmKernels/identity.ts): the clone holds a second reference.
    const clones = vars.map((v) => tf.clone(v));
    const backend = tf.backend() as unknown as { refCount(id: tf.DataId): number };
    assert.ok(clones.every((c, i) => c.dataId === vars[i].dataId && backend.refCount(c.dataId) > 1));
    const opt = new FusedAdam('adam', 0.01);
    run(opt, vars, 0, 1);
    clones.forEach((c, i) => assert.deepEqual(Array.from(c.dataSync()), before[i]));
    // (The scalar's only gradient value is an exact zero, so it stays.)
    assert.ok(vars.slice(0, 3).every((v, i) => Array.from(v.dataSync()).some((x, j) => x !== before[i][j])), 'the variables moved');
    tf.dispose([...vars, ...clones]);
    opt.dispose();
  });
});
