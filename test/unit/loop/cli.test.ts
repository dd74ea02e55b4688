// The CLI in-process: exit codes, diagnostics without a run folder, --set, unwritable runs folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../../src/trainer/cli';
import { applyOverrides, OverrideError } from '../../../src/trainer/cli/overrides';
import { tinyExperiment } from './fixtures';

function capture() {
  const o = { out: '', err: '', stdout: (s: string) => { o.out += s; }, stderr: (s: string) => { o.err += s; }, isTTY: false };
  return o;
}

test('help, unknown commands and usage errors', async () => {
  const o = capture();
  assert.equal(await main(['--help'], o), 0);
  assert.match(o.out, /run CONFIG/);
  assert.match(o.out, /compare RUN_DIR/);
  assert.equal(await main([], capture()), 2);
  assert.equal(await main(['train'], capture()), 2);
  const u = capture();
  assert.equal(await main(['run'], u), 2);
  assert.match(u.err, /a config file is required/);
  assert.equal(await main(['run', 'x.yaml', '--backend', 'gpu'], capture()), 2);
});

test('--set edits the YAML text, keeps comments, and reports bad paths', () => {
  const text = 'training:\n  epochs: 5 # five\n  batch_size: 64\ndistillation:\n  losses:\n    - kind: cross_entropy\n';
  const out = applyOverrides(text, ['training.epochs=1', 'distillation.losses[0].weight=0.5', 'training.optimizer={name: sgd, learning_rate: 0.1}']);
  assert.match(out, /epochs: 1/);
  assert.match(out, /weight: 0.5/);
  assert.match(out, /name: sgd/);
  assert.throws(() => applyOverrides(text, ['distillation.losses.3.weight=1']), (e: unknown) => e instanceof OverrideError && /index 3 is out of range/.test((e as Error).message));
  assert.throws(() => applyOverrides(text, ['training.epochs']), OverrideError);
});

test('an invalid config prints positioned diagnostics, exits 1, and creates no run folder', async () => {
  const x = tinyExperiment();
  const o = capture();
  assert.equal(await main(['run', x.configPath, '--out', x.runsDir, '--set', 'training.epochs=-1', '--set', 'training.optimizr=adam'], o), 1);
  assert.match(o.err, /tiny\.distill\.yaml:\d+:\d+: error/);
  assert.match(o.err, /optimizr/);
  assert.ok(!existsSync(x.runsDir), 'no run folder for an invalid config');
});

test('an unwritable runs folder is a clear error, not a crash', async () => {
  const x = tinyExperiment();
  const blocker = join(x.dir, 'blocker');
  writeFileSync(blocker, '');
  const o = capture();
  assert.equal(await main(['run', x.configPath, '--out', join(blocker, 'runs')], o), 1);
  assert.match(o.err, /Cannot write to the runs folder .*blocker/);
});

test('run prints progress lines and the summary table; compare prints the comparison', async () => {
  const x = tinyExperiment({ baseline: true });
  const o = capture();
  assert.equal(await main(['run', x.configPath, '--out', x.runsDir, '--set', 'training.epochs=2'], o), 0, o.err);
  assert.match(o.out, /distill epoch 2: train loss/);
  assert.match(o.out, /teacher\s+\d+\.\d+%/);
  assert.match(o.out, /baseline\s+\d+\.\d+%/);
  assert.match(o.out, /student \(KD\)\s+\d+\.\d+%/);
  const [run] = readdirSync(x.runsDir);
  assert.match(readFileSync(join(x.runsDir, run, 'config.yaml'), 'utf8'), /epochs: 2/, 'config.yaml is the text that ran, overrides included');
  const c = capture();
  assert.equal(await main(['compare', join(x.runsDir, run)], c), 0);
  assert.match(c.out, /per-class accuracy/);
  assert.equal(await main(['compare', x.dir], capture()), 1);
});
