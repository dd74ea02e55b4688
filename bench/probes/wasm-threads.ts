// Training-step cost on wasm with 1 thread vs 2 (XNNPACK's pthread pool, wasmThreads.ts): the
// default experiment's CNN teacher and MLP student (batch 64, Adam, synthetic MNIST-shaped data,
// as kernel-profile.ts) and the teacher's inference pass (batch 256). The thread count is fixed
// when the backend starts, so each measurement is a child process; 1 and 2 alternate, in turns.
// Usage: npx tsx bench/probes/wasm-threads.ts [rounds=3] [steps=40] [teacher,student,teacher-infer]
// Prints per case the median over rounds of wall and CPU ms per step (CPU: the whole process,
// pool threads included), and the load average before and after.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { LayerConfig } from '../../src/core/config/types';
import { initBackend } from '../../src/trainer/backend/initBackend';
import { buildModel } from '../../src/trainer/models/buildModel';

const conv = (filters: number, name?: string): LayerConfig => ({ type: 'conv2d', filters, kernel: 3, stride: 1, padding: 'valid', activation: 'relu', name });
const dense = (units: number, name?: string): LayerConfig => ({ type: 'dense', units, activation: units === 10 ? 'linear' : 'relu', use_bias: true, name });
// examples/mnist-kd.distill.yaml's teacher and student.
const LAYERS: Record<string, LayerConfig[]> = {
  teacher: [conv(16), { type: 'maxpool2d', pool: 2 }, conv(32, 'features'), { type: 'maxpool2d', pool: 2 }, { type: 'flatten' }, dense(128, 'penultimate'), dense(10)],
  student: [{ type: 'flatten' }, dense(64, 'hidden'), dense(10)],
};
const CASES = ['teacher', 'student', 'teacher-infer'] as const;
type Case = (typeof CASES)[number];
interface Result { threads: number; wall: number; cpu: number }

async function child(which: Case, steps: number): Promise<void> {
  const info = await initBackend('wasm');
  const threads = Number(/(\d+) threads?/.exec(info.detail)?.[1] ?? 0);
  const model = buildModel(LAYERS[which === 'student' ? 'student' : 'teacher'], { name: which, inputShape: [28, 28, 1], seed: 1 });
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform([8000, 28, 28, 1], 0, 1, 'float32', 3);
  const y = tf.oneHot(tf.randomUniform([8000], 0, 10, 'int32', 4) as tf.Tensor1D, 10);
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const batch = which === 'teacher-infer' ? 256 : 64;
  const step = (i: number) => {
    const at = (i * batch) % (8000 - batch);
    const idx = tf.range(at, at + batch, 1, 'int32');
    if (which === 'teacher-infer') {
      tf.tidy(() => (model.apply(tf.gather(x, idx), { training: false }) as tf.Tensor).dataSync());
      idx.dispose();
      return;
    }
    const { grads, value } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(tf.gather(y, idx), model.apply(tf.gather(x, idx), { training: true }) as tf.Tensor) as tf.Scalar, vars);
    opt.applyGradients(grads as Record<string, tf.Variable>);
    value.dataSync();
    tf.dispose([grads, value, idx] as unknown as tf.Tensor[]);
  };
  for (let i = 0; i < 5; i++) step(i);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step(i);
  const wall = (performance.now() - t0) / steps;
  const c = process.cpuUsage(cpu0);
  const result: Result = { threads, wall, cpu: (c.user + c.system) / 1000 / steps };
  console.log(JSON.stringify(result));
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

function parent(rounds: number, steps: number, cases: Case[]): void {
  console.log(`${os.cpus().length} cores; load average before: ${load()}`);
  const results = new Map<string, Result[]>();
  for (let r = 0; r < rounds; r++) {
    for (const which of cases) {
      for (const t of r % 2 ? [2, 1] : [1, 2]) {
        const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, 'child', which, String(steps)], {
          env: { ...process.env, DISTILLERY_WASM_THREADS: String(t) }, encoding: 'utf8',
        });
        const res = JSON.parse(out.trim().split('\n').pop()!) as Result;
        if (res.threads !== t) throw new Error(`asked for ${t} threads, the backend reported ${res.threads}`);
        const key = `${which}/${t}`;
        results.set(key, [...(results.get(key) ?? []), res]);
      }
    }
  }
  console.log(`load average after: ${load()}`);
  console.log(`median of ${rounds} rounds × ${steps} steps, ms per step (batch 64; teacher-infer: batch 256)`);
  console.log('case            1 thr wall   2 thr wall   speedup   1 thr CPU   2 thr CPU   CPU ratio');
  for (const which of cases) {
    const one = results.get(`${which}/1`)!, two = results.get(`${which}/2`)!;
    const w1 = median(one.map((r) => r.wall)), w2 = median(two.map((r) => r.wall));
    const c1 = median(one.map((r) => r.cpu)), c2 = median(two.map((r) => r.cpu));
    console.log(`${which.padEnd(14)} ${w1.toFixed(1).padStart(10)} ${w2.toFixed(1).padStart(12)} ${(w1 / w2).toFixed(2).padStart(8)}× ${c1.toFixed(1).padStart(11)} ${c2.toFixed(1).padStart(11)} ${(c2 / c1).toFixed(2).padStart(10)}×`);
  }
}

if (process.argv[2] === 'child') {
  child(process.argv[3] as Case, Number(process.argv[4])).catch((e) => { console.error(e); process.exit(1); });
} else {
  parent(Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 40), (process.argv[4]?.split(',') ?? [...CASES]) as Case[]);
}
