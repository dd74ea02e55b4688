// Two windows (here: two CLI processes) run the same experiment on the same workspace at
// once: both complete in their own run folders, the teacher is trained once (the other
// waits on the cache lock and reuses it), and the cache holds one whole entry, no leftovers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { summariseRun } from '../../../src/core/runs/listRuns';
import { loadModel } from '../../../src/trainer/models/modelFiles';
import { tinyExperiment } from '../loop/fixtures';
import { eventsOf, runFolders, startCli } from './cliHarness';

test('two concurrent runs with the same teacher: both complete, one cache entry, valid and unlocked', { timeout: 180_000 }, async () => {
  const x = tinyExperiment({ epochs: 1, teacherEpochs: 3, train: 300 });
  const a = startCli(['run', x.configPath, '--out', x.runsDir]);
  const b = startCli(['run', x.configPath, '--out', x.runsDir]);
  const [ca, cb] = await Promise.all([a.exited, b.exited]);
  assert.equal(ca, 0, a.output());
  assert.equal(cb, 0, b.output());

  const runs = runFolders(x.runsDir);
  assert.equal(runs.length, 2, 'two distinct run folders (same-second ids get a suffix)');
  for (const dir of runs) {
    assert.equal(summariseRun(dir).status, 'completed');
    assert.ok(existsSync(join(dir, 'comparison.json')));
  }
  // Exactly one process trained the teacher; the other reused the cached entry.
  const teacherStages = runs.map((d) => eventsOf(d).find((e) => e.type === 'stage' && e.stage === 'teacher'));
  const skipped = teacherStages.map((e) => (e && e.type === 'stage' ? e.skipped ?? 'trained' : 'none')).sort();
  assert.deepEqual(skipped, ['cached', 'trained']);

  const cacheRoot = join(x.dir, '.distillery', 'cache', 'teachers');
  const entries = readdirSync(cacheRoot);
  assert.equal(entries.length, 1, `one entry, no lock or temp folders left: ${entries.join(', ')}`);
  const model = await loadModel(join(cacheRoot, entries[0]));
  assert.deepEqual(model.outputs[0].shape, [null, 3], 'the cached teacher loads and has the 3-class head');
  model.dispose();
});
