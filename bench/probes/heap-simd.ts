// The heap-SIMD kernel paths against the paths they replace, on the default teacher's shapes:
// each kernel call timed in CPU ms, alternating on/off in one process (load shifts both alike).
// Usage: npx tsx bench/probes/heap-simd.ts [reps]
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/trainer/backend/initBackend';
import { heapSimdSwitches } from '../../src/trainer/backend/wasmKernels/heapSimd';

type Switch = keyof typeof heapSimdSwitches;
interface Case { name: string; lever: Switch; run: () => tf.Tensor }

const reps = Number(process.argv[2] ?? 20);

function cpuMs(f: () => void, n: number): number {
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000 / n;
}

async function main(): Promise<void> {
  await initBackend('wasm');
  const r = (shape: number[]) => tf.randomNormal(shape);
  const x1 = r([64, 28, 28, 1]), dy1 = r([64, 26, 26, 16]), a1 = tf.relu(r([64, 26, 26, 16]));
  const x2 = r([64, 13, 13, 16]), dy2 = r([64, 11, 11, 32]), a2 = tf.relu(r([64, 11, 11, 32]));
  const h1 = r([1, 64, 800]), g128 = r([1, 64, 128]);
  const y1 = tf.maxPool(a1 as tf.Tensor4D, 2, 2, 'valid'), g1 = r(y1.shape);
  const y2 = tf.maxPool(a2 as tf.Tensor4D, 2, 2, 'valid'), g2 = r(y2.shape);
  const run = (k: string, inputs: Record<string, tf.Tensor>, attrs: object) => () => tf.engine().runKernel(k, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
  const cycle = (t: tf.Tensor, make: (x: tf.Tensor) => () => tf.Tensor) => {
    const fs = Array.from({ length: 8 * reps }, () => make(tf.clone(tf.add(t, 0))));
    let i = 0;
    return () => fs[i++ % fs.length]();
  };
  const cases: Case[] = [
    { name: 'Conv2DBackpropFilter 64x28x28x1 → 16', lever: 'convFilter', run: run('Conv2DBackpropFilter', { x: x1, dy: dy1 }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 16] }) },
    { name: 'Conv2DBackpropFilter 64x13x13x16 → 32', lever: 'convFilter', run: run('Conv2DBackpropFilter', { x: x2, dy: dy2 }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] }) },
    // Fresh filters per call, as in training (the weights change every step).
    { name: 'Conv2D 64x28x28x1 → 16', lever: 'conv', run: cycle(r([3, 3, 1, 16]), (filter) => run('Conv2D', { x: x1, filter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] })) },
    { name: 'Conv2D 64x13x13x16 → 32', lever: 'conv', run: cycle(r([3, 3, 16, 32]), (filter) => run('Conv2D', { x: x2, filter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] })) },
    { name: 'Conv2DBackpropInput 64x11x11x32 → 16', lever: 'conv', run: cycle(r([3, 3, 16, 32]), (filter) => run('Conv2DBackpropInput', { dy: dy2, filter }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', inputShape: [64, 13, 13, 16] })) },
    { name: 'BatchMatMul 64x800 · 800x128', lever: 'matMul', run: cycle(r([1, 800, 128]), (b) => run('BatchMatMul', { a: h1, b }, { transposeA: false, transposeB: false })) },
    { name: 'BatchMatMul 64x128 · (800x128)ᵀ', lever: 'matMul', run: cycle(r([1, 800, 128]), (b) => run('BatchMatMul', { a: g128, b }, { transposeA: false, transposeB: true })) },
    { name: 'BatchMatMul (64x800)ᵀ · 64x128', lever: 'matMul', run: cycle(r([1, 64, 128]), (b) => run('BatchMatMul', { a: h1, b }, { transposeA: true, transposeB: false })) },
    { name: 'MaxPool 64x26x26x16', lever: 'maxPool', run: run('MaxPool', { x: a1 }, { filterSize: 2, strides: 2, pad: 'valid' }) },
    { name: 'MaxPoolGrad 64x26x26x16', lever: 'maxPoolGrad', run: run('MaxPoolGrad', { dy: g1, input: a1, output: y1 }, { filterSize: 2, strides: 2, pad: 'valid' }) },
    { name: 'MaxPoolGrad 64x11x11x32', lever: 'maxPoolGrad', run: run('MaxPoolGrad', { dy: g2, input: a2, output: y2 }, { filterSize: 2, strides: 2, pad: 'valid' }) },
    // Fresh inputs per call, as in training: the shipped matmul caches its packed right operand by tensor.
    { name: 'Sum 64x26x26x16 over [0,1,2]', lever: 'columnSum', run: cycle(dy1, (x) => run('Sum', { x }, { axis: [0, 1, 2], keepDims: false })) },
    { name: 'Sum 64x11x11x32 over [0,1,2]', lever: 'columnSum', run: cycle(dy2, (x) => run('Sum', { x }, { axis: [0, 1, 2], keepDims: false })) },
  ];
  for (const c of cases) {
    const time = (on: boolean) => {
      heapSimdSwitches[c.lever] = on;
      return cpuMs(() => c.run().dispose(), reps);
    };
    time(true); time(false); // warm both paths
    let on = 0, off = 0;
    for (let k = 0; k < 3; k++) { on += time(true); off += time(false); }
    heapSimdSwitches[c.lever] = true;
    console.log(`${c.name.padEnd(40)} ${(off / 3).toFixed(3).padStart(7)} → ${(on / 3).toFixed(3).padStart(7)} CPU ms  (${(off / on).toFixed(1)}×)`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });
