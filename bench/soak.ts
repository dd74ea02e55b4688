// Soak benchmark (bench, not CI): the real experiment loop (runExperiment → trainStage with
// soft KD + CE on a small MLP, a checkpoint and a validation pass every epoch, one step
// event per step) for N distill steps, sampling at intervals:
//   tfjs tensors, wasm heap, process RSS and JS heap, events.jsonl size, and the cost of
//   reading the file incrementally (EventsTail: bytes read per poll, time per poll).
// Everything should stay flat except the events file, which grows linearly; the incremental
// reader reads only what was appended since the last poll.
//   npx tsx bench/soak.ts [steps=20000] [--backend wasm|cpu] [--json out.json]
//   node --expose-gc --import tsx bench/soak.ts ...   (a full GC before each sample: live memory)
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../src/core/config/types';
import { validateConfig } from '../src/core/config/validate';
import { EventsTail } from '../src/core/runs/eventsReader';
import { mulberry32 } from '../src/trainer/data/random';
import { runExperiment } from '../src/trainer/loop/experiment';

const args = process.argv.slice(2);
const flag = (name: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const STEPS = Number(args.find((a) => /^\d+$/.test(a)) ?? 20000);
const BACKEND = (flag('--backend') ?? 'wasm') as BackendName;
const JSON_OUT = flag('--json');
const TRAIN = 640;
const BATCH = 32;
const STEPS_PER_EPOCH = TRAIN / BATCH;
const EPOCHS = Math.max(1, Math.ceil(STEPS / STEPS_PER_EPOCH));
const SAMPLES = 10;

const dir = mkdtempSync(join(tmpdir(), 'distillery-soak-'));
const rand = mulberry32(11);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const rows = ['f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,f10,f11,cls'];
for (let i = 0; i < TRAIN + 200; i++) {
  const c = i % 4;
  rows.push(`${Array.from({ length: 12 }, (_, j) => ((j % 4 === c ? 1.2 : 0) + gauss()).toFixed(3)).join(',')},k${c}`);
}
writeFileSync(join(dir, 'soak.csv'), rows.join('\n') + '\n');
const configPath = join(dir, 'soak.distill.yaml');
const text = `version: 1
name: soak
seed: 5
data:
  dataset: {format: csv, path: soak.csv, label: cls}
  split: {train: ${TRAIN}, test: 200}
teacher:
  layers:
    - dense: {units: 64, activation: relu, name: penultimate}
    - dense: {units: 4}
  train: {epochs: 1, batch_size: ${BATCH}, optimizer: {name: adam, learning_rate: 0.01}}
student:
  layers:
    - dense: {units: 16, activation: relu, name: hidden}
    - dense: {units: 4}
distillation:
  losses:
    - {kind: cross_entropy, weight: 0.3}
    - {kind: soft_kd, weight: 0.7, temperature: 3}
training:
  epochs: ${EPOCHS}
  batch_size: ${BATCH}
  optimizer: {name: adam, learning_rate: 0.003}
  lr_schedule: {name: cosine}
  baseline: false
  backend: ${BACKEND}
evaluation: {every: 1, examples: 4, latency: false}
`;
writeFileSync(configPath, text);
const v = validateConfig(text, { path: configPath });
if (!v.config) throw new Error(`soak config invalid: ${JSON.stringify(v.diagnostics)}`);
const config = v.config;

interface Sample { step: number; seconds: number; tensors: number; wasmHeapMB: number | null; rssMB: number; heapUsedMB: number; eventsKB: number; readKB: number; readMs: number; eventsRead: number }
const samples: Sample[] = [];
const MB = 1 << 20;
let eventsFile = '';
let tail: EventsTail | undefined;
let eventsRead = 0;
const t0 = performance.now();

function wasmHeapBytes(): number | null {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array; HEAP8?: Int8Array; wasmMemory?: WebAssembly.Memory } };
  const w = b.wasm;
  if (!w) return null;
  return w.wasmMemory?.buffer.byteLength ?? w.HEAPU8?.byteLength ?? w.HEAP8?.byteLength ?? null;
}

function sample(step: number): void {
  // With --expose-gc, measure live memory rather than V8's lazy-collection sawtooth.
  (globalThis as { gc?: () => void }).gc?.();
  const before = tail?.position ?? 0;
  const r0 = performance.now();
  eventsRead += tail?.poll().length ?? 0;
  const readMs = performance.now() - r0;
  const mem = process.memoryUsage();
  const heap = wasmHeapBytes();
  const s: Sample = {
    step, seconds: (performance.now() - t0) / 1000, tensors: tf.memory().numTensors,
    wasmHeapMB: heap === null ? null : heap / MB, rssMB: mem.rss / MB, heapUsedMB: mem.heapUsed / MB,
    eventsKB: statSync(eventsFile).size / 1024, readKB: ((tail?.position ?? 0) - before) / 1024, readMs, eventsRead,
  };
  samples.push(s);
  const f = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
  console.log([String(s.step).padStart(6), f(s.seconds).padStart(7), String(s.tensors).padStart(7), f(s.wasmHeapMB).padStart(8), f(s.rssMB).padStart(7), f(s.heapUsedMB).padStart(8), f(s.eventsKB).padStart(9), f(s.readKB).padStart(8), f(s.readMs, 2).padStart(7)].join(' '));
}

const every = Math.max(STEPS_PER_EPOCH, Math.round(STEPS / SAMPLES / STEPS_PER_EPOCH) * STEPS_PER_EPOCH);
console.log(`soak: ${(globalThis as { gc?: unknown }).gc ? 'gc before samples, ' : ''}${STEPS} distill steps (${EPOCHS} epochs × ${STEPS_PER_EPOCH}), MLP 12-16-4, ${BACKEND} backend, sample every ${every} steps`);
console.log('  step       s tensors wasmMB   rssMB  heapMB  eventsKB   readKB  readms');

async function main(): Promise<void> {
const outcome = await runExperiment({
  config, configText: text, runsDir: join(dir, 'runs'), backend: BACKEND,
  stop: { requested: false }, stepEventIntervalMs: 0,
  onEvent: (e) => {
    if (e.type === 'started') { eventsFile = join(e.run_dir, 'events.jsonl'); tail = new EventsTail(eventsFile); }
    // Sample at epoch ends (after the epoch's checkpoint), so every sample sees the same phase.
    if (e.type === 'epoch' && e.stage === 'distill' && ((e.epoch + 1) * STEPS_PER_EPOCH) % every === 0) sample((e.epoch + 1) * STEPS_PER_EPOCH);
  },
});
if (outcome.status !== 'completed') throw new Error(`soak run ${outcome.status}: ${outcome.error?.message}`);
eventsRead += tail?.poll().length ?? 0;

// Flatness: compare the second sample (after warm-up) with the last.
const first = samples[Math.min(1, samples.length - 1)];
const last = samples[samples.length - 1];
const perStep = (k: keyof Sample) => ((last[k] as number) - (first[k] as number)) / Math.max(1, last.step - first.step);
const summary = {
  steps: STEPS, backend: BACKEND, seconds: last.seconds,
  tensorsDelta: last.tensors - first.tensors,
  wasmHeapDeltaMB: last.wasmHeapMB === null || first.wasmHeapMB === null ? null : last.wasmHeapMB - first.wasmHeapMB,
  rssDeltaMB: last.rssMB - first.rssMB, heapUsedDeltaMB: last.heapUsedMB - first.heapUsedMB,
  eventsBytesPerStep: perStep('eventsKB') * 1024,
  eventsLinearity: linearity(samples.map((s) => [s.step, s.eventsKB])),
  maxReadKBPerPoll: Math.max(...samples.slice(1).map((s) => s.readKB)),
  eventsReadIncrementally: eventsRead,
};
console.log('\nsummary (from the 2nd sample to the last):');
console.log(JSON.stringify(summary, null, 2));
console.log(summary.tensorsDelta === 0 ? 'tensors: flat' : `tensors: GREW by ${summary.tensorsDelta}`);
if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ summary, samples }, null, 2));
rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exitCode = 1; });

/** R² of a least-squares line through the points (1 = perfectly linear). */
function linearity(p: number[][]): number {
  const n = p.length;
  const mx = p.reduce((a, [x]) => a + x, 0) / n;
  const my = p.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (const [x, y] of p) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; syy += (y - my) ** 2; }
  return syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
}
