#!/usr/bin/env node
// CI's gross-regression guard (called by .ci/run): a small version of the default experiment
// (1,000 train examples, one epoch per stage) plus the editor probes, each figure normalised by
// a speed measured in the same run, compared with bench/baseline.json. It fails only when a
// figure is more than FACTOR× worse than the committed baseline, so load and machine
// differences do not break CI; real regressions of that size do.
//   node bench/quick.mjs            check against bench/baseline.json
//   node bench/quick.mjs --write    measure and rewrite bench/baseline.json
// Normalisers: PyTorch on the same split when Debian's torch is installed (the issue's
// reference), else a fixed JavaScript float32 matmul (machine speed, one core).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTorchPython, machine, runOurs, timed } from './run.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FACTOR = 3;
const CONFIG = 'examples/mnist-kd.distill.yaml';
const QUICK_SETS = ['data.split.train=1000', 'data.split.test=500', 'teacher.train.epochs=1', 'training.epochs=1'];
const baselinePath = join(root, 'bench/baseline.json');
const write = process.argv.includes('--write');

/** Single-core JS speed: best of 5 rounds of a 96³ float32 matmul, in GFLOP/s (CPU time, not wall). */
function calibrate() {
  const n = 96;
  const a = new Float32Array(n * n).map((_, i) => (i % 7) - 3);
  const b = new Float32Array(n * n).map((_, i) => (i % 5) - 2);
  const c = new Float32Array(n * n);
  let best = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = process.cpuUsage();
    let reps = 0;
    let us = 0;
    do {
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
        const aik = a[i * n + k];
        for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
      }
      reps++;
      const d = process.cpuUsage(t0);
      us = d.user + d.system;
    } while (us < 150_000);
    best = Math.max(best, (2 * n * n * n * reps) / (us * 1e3));
  }
  return best;
}

/**
 * Training figures are kept per engine: the native engine (when built) and tfjs differ by an
 * order of magnitude, so each is compared with its own baseline. tfjs figures keep their
 * original names; native ones carry a suffix.
 */
const engineSuffix = (ours) => (Object.values(ours.engines ?? {}).some((e) => e.startsWith('native')) ? ' [native]' : '');

async function measure() {
  const calib = calibrate();
  const out = { calib_gflops: calib, figures: {} };
  const figures = out.figures;
  if (!existsSync(join(root, 'dist/cli.js'))) {
    const b = await timed(process.execPath, ['scripts/build.mjs']);
    if (b.code !== 0) throw new Error(`build failed:\n${b.err}`);
  }
  const ours = await runOurs(CONFIG, QUICK_SETS);
  const n = ours.trainExamples;
  const suffix = engineSuffix(ours);
  out.engines = ours.engines;
  // Training figures carry the engine suffix; the editor probes (validate, activation) do not depend on it.
  // The share of a core the run got (CPU time / wall time, at most 1): wall-clock rates divided by
  // it approximate what an idle core gives, so a loaded CI machine does not read as a regression.
  const share = Math.min(1, ours.cpuMs / ours.wallMs);
  const distillRate = (n * ours.stageEpochs.distill) / ((ours.ms.distill + ours.ms.teacher_outputs) / 1000) / share;
  // Higher is better for every figure (times enter as their inverse), normalised by machine speed.
  const teacherRate = ours.stepExamplesPerSec.teacher / share;
  figures[`teacher step ex/s per calib GFLOP/s${suffix}`] = teacherRate / calib;
  figures[`distill phase ex/s per calib GFLOP/s${suffix}`] = distillRate / calib;
  figures[`1 / (end-to-end CPU s × calib GFLOP/s)${suffix}`] = 1 / ((ours.cpuMs / 1000) * calib);
  figures[`1 / (spawn → first step s × calib GFLOP/s)${suffix}`] = 1 / ((ours.spawnToFirstStepMs * share / 1000) * calib);
  const val = await timed(process.execPath, ['--import', 'tsx', 'bench/probes/validate.ts', '--runs', '60']);
  // CPU time, not wall: a loaded machine delays these short probes by several times.
  if (val.code === 0) figures['1 / (validate CPU ms × calib GFLOP/s)'] = 1 / (JSON.parse(val.out.trim().split('\n').pop()).mean_cpu_ms * calib);
  else console.log(`validate probe failed: ${val.err.slice(-300)}`);
  const act = await timed(process.execPath, ['bench/probes/activate.cjs']);
  if (act.code === 0) figures['1 / (activation CPU ms × calib GFLOP/s)'] = 1 / (JSON.parse(act.out.trim().split('\n').pop()).cpu_ms * calib);
  else console.log(`activation probe failed: ${act.err.slice(-300)}`);
  out.raw = { calib_gflops: calib, core_share: share, teacher_step_ex_s: ours.stepExamplesPerSec.teacher, distill_ex_s: distillRate, cpu_s: ours.cpuMs / 1000, spawn_to_first_step_s: ours.spawnToFirstStepMs / 1000 };

  const py = findTorchPython();
  if (!py) {
    console.log('PyTorch: not installed here (apt-get install python3-torch libopenblas0-pthread); the ratios to it are not checked.');
    return out;
  }
  const split = mkdtempSync(join(tmpdir(), 'distillery-quick-split-'));
  try {
    const ex = await timed(process.execPath, ['--import', 'tsx', 'bench/reference/export-split.ts', CONFIG, split, ...QUICK_SETS.flatMap((s) => ['--set', s])]);
    if (ex.code !== 0) throw new Error(`export-split failed: ${ex.err}`);
    const r = await timed(py, ['bench/reference/mnist_kd.py', split, '--threads', '1']);
    if (r.code !== 0) throw new Error(`the PyTorch reference failed: ${r.err.slice(-500)}`);
    const ref = JSON.parse(r.out.trim().split('\n').pop());
    const refShare = Math.min(1, r.cpuMs / r.wallMs);
    figures[`teacher step ex/s ÷ PyTorch${suffix}`] = teacherRate / (ref.examples_per_sec.teacher / refShare);
    figures[`distill phase ex/s ÷ PyTorch${suffix}`] = distillRate / ((ref.train_examples * 1) / ref.seconds.distill / refShare);
    figures[`PyTorch CPU s ÷ ours CPU s${suffix}`] = r.cpuMs / ours.cpuMs;
  } finally {
    rmSync(split, { recursive: true, force: true });
  }
  return out;
}

async function main() {
  const m = machine();
  console.log(`bench/quick: ${m.cpus} × ${m.model}, load ${m.load.join(' ')}`);
  const t0 = Date.now();
  const now = await measure();
  if (write && Object.keys(now.figures).some((k) => k.endsWith(' [native]'))) {
    // The baseline holds both engines' figures: measure the tfjs path too.
    console.log('measuring the tfjs engine as well (DISTILLERY_NATIVE=0) …');
    process.env.DISTILLERY_NATIVE = '0';
    const tfjs = await measure();
    delete process.env.DISTILLERY_NATIVE;
    now.figures = { ...tfjs.figures, ...now.figures };
    now.raw_tfjs = tfjs.raw;
  }
  console.log(`measured in ${((Date.now() - t0) / 1000).toFixed(0)} s; raw: ${JSON.stringify(now.raw, (k, v) => (typeof v === 'number' ? +v.toPrecision(4) : v))}`);
  if (write) {
    writeFileSync(baselinePath, JSON.stringify({ note: `node bench/quick.mjs --write; ${m.cpus} × ${m.model}, load ${m.load.join(' ')}`, date: new Date().toISOString(), ...now }, null, 1) + '\n');
    console.log('written: bench/baseline.json');
    return;
  }
  const base = JSON.parse(readFileSync(baselinePath, 'utf8'));
  const failures = (figures) => Object.entries(figures).filter(([name, v]) => base.figures[name] !== undefined && base.figures[name] / v > FACTOR).map(([name]) => name);
  let bad = failures(now.figures);
  if (bad.length) {
    // One re-measurement before failing: a burst of load can slow a single measurement 3×; a regression stays.
    console.log(`re-measuring (${bad.join('; ')} beyond ${FACTOR}× worse) …`);
    const again = await measure();
    for (const name of bad) now.figures[name] = Math.max(now.figures[name], again.figures[name] ?? 0);
    bad = failures(now.figures);
  }
  for (const [name, v] of Object.entries(now.figures)) {
    const b = base.figures[name];
    if (b === undefined) { console.log(`  ${name}: ${v.toPrecision(4)} (no baseline)`); continue; }
    const worse = b / v;
    console.log(`  ${bad.includes(name) ? 'FAIL' : 'ok  '} ${name}: ${v.toPrecision(4)} vs baseline ${b.toPrecision(4)} (${worse > 1 ? `${worse.toFixed(2)}× worse` : `${(1 / worse).toFixed(2)}× better`}; fails beyond ${FACTOR}× worse)`);
  }
  if (bad.length) {
    console.log(`bench/quick: ${bad.length} figure(s) more than ${FACTOR}× worse than bench/baseline.json`);
    process.exit(1);
  }
  console.log('bench/quick: no gross regression');
}

main().catch((e) => { console.error(`bench/quick: ${e.message ?? e}`); process.exit(1); });
