// Which native builds this CPU may load: a -march=native build only on the CPU it was built on,
// the portable (x86-64-v3) build the VSIX ships wherever the CPU has its features. Loading
// either elsewhere would die of SIGILL mid-step, where no try/catch reaches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpuMismatch } from '../../../src/trainer/native/load';

const V3 = ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'movbe'];

test('a machine-specific build loads only on the CPU it was built for', () => {
  assert.equal(cpuMismatch({ cpu: 'abc' }, V3, 'abc'), undefined);
  assert.match(cpuMismatch({ cpu: 'abc' }, V3, 'xyz')!, /built for another CPU/);
});

test('the portable build loads where the CPU has every feature it needs, and says which are missing', () => {
  assert.equal(cpuMismatch({ requires: V3 }, ['fpu', ...V3, 'avx512f'], 'any'), undefined);
  assert.equal(cpuMismatch({ requires: V3 }, ['avx', 'bmi1', 'f16c', 'movbe'], 'any'), 'this CPU lacks avx2, bmi2, fma');
  assert.equal(cpuMismatch(undefined, [], 'any'), undefined, 'no stamp (built by hand): trusted');
});

const root = join(__dirname, '../../..');
const portable = join(root, `dist/native/distillery-${process.platform}-${process.arch}.node`);
const skip = process.platform === 'linux' && process.arch === 'x64' ? false : 'portable builds are linux-x64 only';

test('the portable build compiles for x86-64-v3, stamps its requirements, and trains', { skip, timeout: 120_000 }, () => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/build-native.mjs'), '--portable', '--verbose'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  if (/native engine not built/.test(r.stderr)) return; // no compiler here: nothing more to check (the build is optional)
  assert.ok(existsSync(portable), r.stdout);
  const stamp = JSON.parse(readFileSync(portable.replace(/\.node$/, '.json'), 'utf8'));
  assert.deepEqual(stamp.requires, V3);
  assert.match(stamp.flags, /-march=x86-64-v3/);
  assert.equal(stamp.cpu, undefined);
  // Loaded on its own (not this machine's build) in a child process: it is the engine and takes a step.
  const probe = `
    const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(portable)});
    const t = m.exports.createTrainer({ inputShape: [4], layers: [{ type: 'dense', units: 3, activation: 'linear', useBias: true }], threads: 1 });
    t.setParams([new Float32Array(12).fill(0.1), new Float32Array(3)]);
    t.setOptimizer({ name: 'sgd', momentum: 0 });
    t.setData(new Float32Array([1, 2, 3, 4, 4, 3, 2, 1]), 2, new Int32Array([0, 2]));
    const r = t.step(new Int32Array([0, 1]), 0.1, { ceWeight: 1, kdWeight: 0, temperature: 1 });
    console.log(JSON.stringify({ describe: m.exports.describe(), ce: r.ce }));`;
  const c = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  assert.equal(c.status, 0, c.stderr);
  const out = JSON.parse(c.stdout.trim());
  assert.ok(Math.abs(out.ce - Math.log(3)) < 1e-5, `equal logits: CE = ln 3, got ${out.ce}`);
  assert.match(out.describe, /x86-64-v3/);
});
