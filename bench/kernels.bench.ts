// Kernel levers on the wasm backend, each measured against its alternative in the same
// process: examples/s for MLP 784-128-10 training, the CNN teacher (conv16-pool-conv32-pool-
// dense128-10 and the config-format.md CNN), and inference at batch 256.
// Run: npx tsx bench/kernels.bench.ts [--quick] [--only=mlp,cnn,infer,conv,gather]   (synthetic MNIST-shaped data; throughput only)
// Variants are interleaved (A B A B …) and the best round is reported, because the machine is
// shared and its load varies.
import * as tf from '@tensorflow/tfjs';
import type { LayerConfig } from '../src/core/config/types';
import { initBackend } from '../src/trainer/backend/initBackend';
import { registerWasmTrainingKernels, restoreShippedWasmKernels, type WasmKernelOptions } from '../src/trainer/backend/wasmKernels/registry';
import { buildModel } from '../src/trainer/models/buildModel';
import { predictBatched } from '../src/trainer/models/predictBatched';

const quick = process.argv.includes('--quick');
/** `--only=mlp,cnn,infer,conv,gather`: run just those sections. */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const runs = (section: string) => !only || only.includes(section);
const ROUNDS = quick ? 2 : 3;
const SECONDS = quick ? 1 : 2.5;

const dense = (units: number, name?: string): LayerConfig => ({ type: 'dense', units, activation: units === 10 ? 'linear' : 'relu', use_bias: true, name });
const conv = (filters: number): LayerConfig => ({ type: 'conv2d', filters, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' });
const pool: LayerConfig = { type: 'maxpool2d', pool: 2 };
const flat: LayerConfig = { type: 'flatten' };

const MODELS: Record<string, LayerConfig[]> = {
  'MLP 784-128-10': [flat, dense(128), dense(10)],
  'CNN c16-p-c32-p-128-10': [conv(16), pool, conv(32), pool, flat, dense(128), dense(10)],
  'CNN c32-p-c64-p-128-10 (config-format.md)': [conv(32), pool, conv(64), pool, flat, dense(128), dense(10)],
};

interface Variant { name: string; setup: () => Promise<void> }

async function useWasm(opts: WasmKernelOptions | 'shipped'): Promise<void> {
  await tf.setBackend('wasm');
  restoreShippedWasmKernels({ removeAdded: opts === 'shipped' });
  if (opts !== 'shipped') registerWasmTrainingKernels(opts);
}

/** Trains for ~`seconds` (at least one step after a warm-up step) on one resident batch; returns examples/s. */
async function trainRate(layers: LayerConfig[], seconds: number, syncEveryStep: boolean, batch = 64, warmUp = true): Promise<number> {
  const model = buildModel(layers, { name: 'bench', inputShape: [28, 28, 1], seed: 1 });
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform([batch, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
  const stepOnce = () => {
    const cost = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, syncEveryStep);
    if (cost) { cost.dataSync(); cost.dispose(); }
  };
  if (warmUp) stepOnce(); // XNNPACK operator creation, optimizer slots
  let steps = 0;
  const t0 = performance.now();
  do { stepOnce(); steps++; } while (performance.now() - t0 < seconds * 1000);
  // Without per-step reads nothing forces completion on async backends; wasm is synchronous,
  // the final read keeps the comparison honest for both.
  model.getWeights()[0].dataSync();
  const rate = (steps * batch) / ((performance.now() - t0) / 1000);
  tf.dispose([x, y]); opt.dispose(); model.dispose();
  return rate;
}

const INFER_WAYS = ['predictBatched', 'one host copy, re-uploaded per batch', 'tf.slice per batch', 'model.predict, default batch 32'] as const;
type InferWay = typeof INFER_WAYS[number];

async function inferRate(layers: LayerConfig[], n: number, seconds: number, how: InferWay): Promise<number> {
  const model = buildModel(layers, { name: 'bench', inputShape: [28, 28, 1], seed: 1 });
  const x = tf.randomUniform([n, 28, 28, 1]);
  let host: Float32Array | undefined;
  const cut: Record<string, (s: number, e: number) => tf.Tensor> = {
    'one host copy, re-uploaded per batch': (s, e) => { host ??= x.dataSync() as Float32Array; return tf.tensor(host.subarray(s * 784, e * 784), [e - s, 28, 28, 1]); },
    'tf.slice per batch': (s, e) => tf.slice(x, [s, 0, 0, 0], [e - s, 28, 28, 1]),
  };
  const run = () => {
    host = undefined;
    let y: tf.Tensor;
    if (how === 'predictBatched') y = predictBatched(model, x, 256);
    else if (how === 'model.predict, default batch 32') y = model.predict(x) as tf.Tensor;
    else {
      const parts: tf.Tensor[] = [];
      for (let s = 0; s < n; s += 256) parts.push(tf.tidy(() => model.apply(cut[how](s, Math.min(n, s + 256))) as tf.Tensor));
      y = tf.concat(parts); tf.dispose(parts);
    }
    y.dataSync(); y.dispose();
  };
  run();
  let done = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) { run(); done += n; }
  const rate = done / ((performance.now() - t0) / 1000);
  x.dispose(); model.dispose();
  return rate;
}

async function best(variants: Variant[], measure: () => Promise<number>): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) {
      await v.setup();
      try {
        const rate = await measure();
        out.set(v.name, Math.max(out.get(v.name) ?? 0, rate));
      } catch (e) {
        out.set(v.name, NaN);
        if (r === 0) console.log(`  ${v.name}: fails: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
  return out;
}

function report(title: string, rates: Map<string, number>): void {
  console.log(`\n${title}`);
  const base = [...rates.values()].find((v) => Number.isFinite(v));
  for (const [name, rate] of rates) {
    const rel = Number.isFinite(rate) && base ? ` (${(rate / base).toFixed(2)}× first)` : '';
    console.log(`  ${name.padEnd(46)} ${Number.isFinite(rate) ? Math.round(rate).toString().padStart(7) + ' ex/s' : '   fails'}${rel}`);
  }
}

async function main(): Promise<void> {
  const info = await initBackend('wasm');
  console.log(`backend: ${info.detail}`);
  console.log(`rounds ${ROUNDS} × ${SECONDS}s each, best round reported`);

  const cpu: Variant = { name: 'cpu backend', setup: async () => { await tf.setBackend('cpu'); } };
  const shipped: Variant = { name: 'wasm as shipped', setup: () => useWasm('shipped') };
  const missingOnly: Variant = { name: 'wasm, missing kernels only', setup: () => useWasm({ transposedMatMul: false, convBackpropInput: false }) };
  const noMatMul: Variant = { name: 'wasm, all but the transposed-matmul rewrite', setup: () => useWasm({ transposedMatMul: false }) };
  const nativeBpInput: Variant = { name: 'wasm, native Conv2DBackpropInput', setup: () => useWasm({ convBackpropInput: false }) };
  const noReduce: Variant = { name: 'wasm, all but the leading-axes Sum/Mean', setup: () => useWasm({ leadingAxesReductions: false }) };
  const noJsPoolGrad: Variant = { name: 'wasm, all but the JS MaxPoolGrad', setup: () => useWasm({ jsMaxPoolGrad: false }) };
  const all: Variant = { name: 'wasm, all project kernels', setup: () => useWasm({}) };

  const mlp = MODELS['MLP 784-128-10'];
  if (runs('mlp')) {
  report('MLP 784-128-10 training, batch 64', await best([cpu, shipped, noMatMul, all], () => trainRate(mlp, SECONDS, false)));
  report('MLP 784-128-10 training: loss read (dataSync) every step vs not', await best([
    { name: 'wasm, dataSync every step', setup: () => useWasm({}) },
    { name: 'wasm, no per-step read', setup: () => useWasm({}) },
  ].map((v, i) => ({ ...v, setup: async () => { await v.setup(); syncEvery = i === 0; } })), () => trainRate(mlp, SECONDS, syncEvery)));
  }

  for (const name of runs('cnn') ? ['CNN c16-p-c32-p-128-10', 'CNN c32-p-c64-p-128-10 (config-format.md)'] : []) {
    // The cpu backend's own Conv2DBackpropFilter loop takes many seconds per step: one step of batch 8.
    const cpuRate = await (async () => { await cpu.setup(); return trainRate(MODELS[name], 0, false, 8, false); })();
    const rates = await best([shipped, missingOnly, nativeBpInput, noMatMul, noReduce, noJsPoolGrad, all], () => trainRate(MODELS[name], SECONDS, false));
    report(`${name} training, batch 64 (cpu backend, one step of batch 8: ${cpuRate.toFixed(1)} ex/s)`, rates);
  }

  const inference = [['MLP 784-128-10', 8000], ['CNN c32-p-c64-p-128-10 (config-format.md)', 2048]] as const;
  for (const [name, n] of runs('infer') ? inference : []) {
    const out = new Map<string, number>();
    await useWasm({});
    for (let r = 0; r < ROUNDS; r++) for (const w of INFER_WAYS) out.set(w, Math.max(out.get(w) ?? 0, await inferRate(MODELS[name], n, SECONDS, w)));
    report(`${name} inference, ${n} examples, batch 256 (wasm, all project kernels)`, out);
  }

  if (runs('conv')) await stridedBackpropInput();
  if (runs('gather')) await batchCutting();
}
let syncEvery = false;

/** The zero-inserted stride-2 Conv2DBackpropInput against the native kernel. */
async function stridedBackpropInput(): Promise<void> {
  const dy = tf.randomNormal([64, 14, 14, 32]);
  const filter = tf.randomNormal([3, 3, 16, 32]);
  const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', inputShape: [64, 28, 28, 16] };
  const out = new Map<string, number>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const native of [true, false]) {
      await useWasm({ nativeStridedBackpropInput: native });
      const run = () => (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs) as tf.Tensor).dispose();
      run();
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < SECONDS * 500) { run(); n++; }
      const ms = (performance.now() - t0) / n;
      const key = native ? 'native kernel' : 'zero-inserted forward conv';
      out.set(key, Math.max(out.get(key) ?? 0, 1000 / ms));
    }
  }
  console.log('\nConv2DBackpropInput, stride 2, 28×28×16 ← 14×14×32, batch 64 (calls/s)');
  for (const [k, v] of out) console.log(`  ${k.padEnd(46)} ${v.toFixed(1)} calls/s (${(1000 / v).toFixed(1)} ms)`);
}

/** Cutting a shuffled training batch (64 of 8,000 MNIST rows) with tf.gather: shipped kernel vs the JS row copy. */
async function batchCutting(): Promise<void> {
  const x = tf.randomUniform([8000, 28, 28, 1]);
  const idx = tf.tensor1d(Array.from({ length: 64 }, (_, i) => (i * 7919) % 8000), 'int32');
  const out = new Map<string, number>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const js of [false, true]) {
      await useWasm({ jsGather: js });
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < SECONDS * 300) { tf.gather(x, idx).dispose(); n++; }
      const key = js ? 'JS row copy (project)' : 'shipped GatherV2';
      out.set(key, Math.max(out.get(key) ?? 0, n / ((performance.now() - t0) / 1000)));
    }
  }
  console.log('\ntf.gather of a batch of 64 rows from 8,000 × 784 (calls/s)');
  for (const [k, v] of out) console.log(`  ${k.padEnd(46)} ${v.toFixed(0)} calls/s (${(1000 / v).toFixed(2)} ms)`);
  tf.dispose([x, idx]);
}

main().catch((e) => { console.error(e); process.exit(1); });
