// Where a training step's time goes, by kernel: tf.profile over a few steps of the default
// experiment's teacher (or student) on the chosen backend, with synthetic MNIST-shaped data.
// Usage: npx tsx bench/probes/kernel-profile.ts [teacher|student] [wasm|cpu] [--calls] [--steps N] [--without sharedIdentity,jsMaxPoolGrad,...]
// (--without turns the named project kernels off, to measure each lever; the data is 8,000 rows, as the default experiment's train split)
import * as tf from '@tensorflow/tfjs';
import type { LayerConfig } from '../../src/core/config/types';
import { initBackend } from '../../src/trainer/backend/initBackend';
import { buildModel } from '../../src/trainer/models/buildModel';
import { registerWasmTrainingKernels, restoreShippedWasmKernels, type WasmKernelOptions } from '../../src/trainer/backend/wasmKernels/registry';

const which = process.argv[2] ?? 'teacher';
const backendName = (process.argv[3] ?? 'wasm') as 'wasm' | 'cpu';
const conv = (filters: number, name?: string): LayerConfig => ({ type: 'conv2d', filters, kernel: 3, stride: 1, padding: 'valid', activation: 'relu', name });
const dense = (units: number, name?: string): LayerConfig => ({ type: 'dense', units, activation: units === 10 ? 'linear' : 'relu', use_bias: true, name });
const LAYERS: Record<string, LayerConfig[]> = {
  teacher: [conv(16), { type: 'maxpool2d', pool: 2 }, conv(32, 'features'), { type: 'maxpool2d', pool: 2 }, { type: 'flatten' }, dense(128, 'penultimate'), dense(10)],
  student: [{ type: 'flatten' }, dense(64, 'hidden'), dense(10)],
};

async function main(): Promise<void> {
  await initBackend(backendName);
  const w = process.argv.indexOf('--without');
  if (w > 0 && backendName === 'wasm') {
    const opts: Record<string, boolean> = {};
    for (const k of process.argv[w + 1].split(',')) opts[k] = false;
    restoreShippedWasmKernels();
    registerWasmTrainingKernels(opts as WasmKernelOptions);
  }
  const model = buildModel(LAYERS[which], { name: which, inputShape: [28, 28, 1], seed: 1 });
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform([8000, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([8000], 0, 10, 'int32') as tf.Tensor1D, 10);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const step = (i: number) => {
    const idx = tf.range((i * 64) % 7936, (i * 64) % 7936 + 64, 1, 'int32');
    const { grads, value } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.gather(y, idx), model.apply(tf.gather(x, idx), { training: true }) as tf.Tensor) as tf.Scalar, vars);
    opt.applyGradients(grads as Record<string, tf.Variable>);
    tf.dispose([grads, value, idx] as unknown as tf.Tensor[]);
  };
  for (let i = 0; i < 5; i++) step(i);
  const stepsAt = process.argv.indexOf('--steps');
  const steps = stepsAt > 0 ? Number(process.argv[stepsAt + 1]) : 10;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < steps; i++) step(i);
  const cpu = process.cpuUsage(cpu0);
  console.log(`${which}: ${((cpu.user + cpu.system) / 1000 / steps).toFixed(1)} CPU ms per step (unprofiled; the per-kernel figures below are wall time, inflated by load)`);
  const info = await tf.profile(() => { for (let i = 0; i < steps; i++) step(i); });
  const by = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += Number(k.kernelTimeMs) || 0;
    e.n++;
    by.set(k.name, e);
  }
  if (process.argv.includes('--calls')) {
    // Per call site (name and input shapes), averaged over the profiled steps.
    const at = new Map<string, { ms: number; n: number }>();
    for (const k of info.kernels) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
      const e = at.get(key) ?? { ms: 0, n: 0 };
      e.ms += Number(k.kernelTimeMs) || 0;
      e.n++;
      at.set(key, e);
    }
    for (const [key, e] of [...at].sort((a, b) => b[1].ms - a[1].ms)) if (e.ms / steps > 0.1) console.log(`    ${(e.ms / steps).toFixed(2).padStart(6)} ms ${(e.n / steps).toFixed(0).padStart(3)}×  ${key}`);
  }
  const total = [...by.values()].reduce((a, b) => a + b.ms, 0);
  console.log(`${which} on ${tf.getBackend()}: ${(total / steps).toFixed(1)} ms of kernels per step (batch 64), ${(info.kernels.length / steps).toFixed(0)} kernel calls per step`);
  for (const [name, e] of [...by].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) console.log(`  ${name.padEnd(26)} ${(e.ms / steps).toFixed(2).padStart(7)} ms  ${(e.n / steps).toFixed(0).padStart(4)} calls`);
}
main().catch((e) => { console.error(e); process.exit(1); });
