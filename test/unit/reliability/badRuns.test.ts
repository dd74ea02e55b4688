// Bad data and an unusable runs folder through the built CLI: a clear error naming the file
// (and line), exit 1, and no run folder that looks complete. Paths outside the config's
// folder run with a warning, and a run writes nothing outside the runs and cache folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { summariseRun } from '../../../src/core/runs/listRuns';
import { npyBytes } from '../data/npyFixture';
import { tinyExperiment, tinyYaml, writeBlobsCsv } from '../loop/fixtures';
import { eventsOf, runCli, runFolders } from './cliHarness';

/** Every run folder that exists is marked failed (run.json and events), with no comparison. */
function assertNoCompleteLookingRun(runsDir: string, why: RegExp): void {
  for (const dir of runFolders(runsDir)) {
    const info = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { status: string; error?: { message: string } };
    assert.equal(info.status, 'failed', `${dir}: run.json status`);
    assert.match(info.error?.message ?? '', why);
    assert.equal(summariseRun(dir).status, 'failed');
    const fin = eventsOf(dir).at(-1)!;
    assert.equal(fin.type === 'finished' && fin.status, 'failed');
    assert.ok(!existsSync(join(dir, 'comparison.json')), 'no comparison.json');
  }
}

const BAD_CSV: { name: string; body: string; error: RegExp }[] = [
  { name: 'ragged', body: 'f0,f1,cls\n1,2,a\n3,4\n5,6,b\n', error: /ragged\.csv:3: row has 2 values but the header has 3 columns/ },
  { name: 'nan', body: 'f0,f1,cls\n1,2,a\n3,NaN,b\n5,6,b\n', error: /nan\.csv:3: .*"NaN", not a finite number/ },
  { name: 'empty', body: '', error: /empty\.csv.*empty/ },
];

for (const bad of BAD_CSV) {
  test(`CLI on a ${bad.name} CSV: error names file and line; the run folder is marked failed, not completed`, { timeout: 60_000 }, async () => {
    const x = tinyExperiment();
    writeFileSync(join(x.dir, `${bad.name}.csv`), bad.body);
    const r = await runCli(['run', x.configPath, '--out', x.runsDir, '--set', `data.dataset.path=${bad.name}.csv`]);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, bad.error);
    assert.match(r.output, /finished: failed/);
    assertNoCompleteLookingRun(x.runsDir, bad.error);
  });
}

test('CLI on a truncated NPY: error names the file; the run folder is marked failed', { timeout: 60_000 }, async () => {
  const x = tinyExperiment();
  const n = 300;
  const xs = npyBytes('<f4', [n, 8], Array.from({ length: n * 8 }, (_, k) => (k % 13) / 13));
  writeFileSync(join(x.dir, 'x.npy'), xs.subarray(0, xs.length - 7));
  writeFileSync(join(x.dir, 'y.npy'), npyBytes('<i4', [n], Array.from({ length: n }, (_, k) => k % 3)));
  writeFileSync(x.configPath, x.text.replace('dataset: {format: csv, path: blobs.csv, label: cls}', 'dataset: {format: npy, inputs: x.npy, labels: y.npy}'));
  const r = await runCli(['run', x.configPath, '--out', x.runsDir]);
  assert.equal(r.code, 1, r.output);
  const why = /x\.npy.*truncated data/;
  assert.match(r.output, why);
  assertNoCompleteLookingRun(x.runsDir, why);
});

test('runs folder below a file (ENOTDIR, as a read-only folder would be): clear error naming it, nothing run', { timeout: 60_000 }, async () => {
  const x = tinyExperiment();
  writeFileSync(join(x.dir, 'afile'), '');
  const out = join(x.dir, 'afile', 'runs');
  const r = await runCli(['run', x.configPath, '--out', out]);
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, new RegExp(`Cannot write to the runs folder ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(ENOTDIR\\)`));
});

test('disk full (1 page tmpfs): ENOSPC is reported and the run is marked failed', { timeout: 60_000 }, async (t) => {
  const x = tinyExperiment();
  const mnt = join(x.dir, 'full');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    t.skip('mounting a tmpfs needs root (CAP_SYS_ADMIN); disk-full is not simulated here');
    return;
  }
  try {
    const runsDir = join(mnt, 'runs');
    const r = await runCli(['run', x.configPath, '--out', runsDir]);
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /ENOSPC/);
    assert.equal(runFolders(runsDir).length, 1);
    assertNoCompleteLookingRun(runsDir, /ENOSPC/);
  } finally {
    execFileSync('umount', [mnt]);
  }
});

function listFiles(root: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else out.set(relative(root, p), s.mtimeMs);
    }
  };
  walk(root);
  return out;
}

test('a data path outside the config folder runs with a warning; nothing is written outside runs/ and cache/', { timeout: 90_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'distillery-confine-'));
  mkdirSync(join(root, 'shared-data'));
  mkdirSync(join(root, 'ws', 'exp'), { recursive: true });
  writeBlobsCsv(join(root, 'shared-data', 'blobs.csv'), 300);
  const config = join(root, 'ws', 'exp', 'tiny.distill.yaml');
  writeFileSync(config, tinyYaml().replace('path: blobs.csv', 'path: ../../shared-data/blobs.csv'));
  const before = listFiles(root);
  const r = await runCli(['run', config, '--out', join(root, 'ws', '.distillery', 'runs')], join(root, 'ws'));
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /warning.*outside the config's folder|outside the config's folder.*warning/i);
  const after = listFiles(root);
  const changed = [...after].filter(([f, m]) => before.get(f) !== m).map(([f]) => f);
  assert.ok(changed.length > 0);
  const stray = changed.filter((f) => !f.startsWith(join('ws', '.distillery', 'runs') + '/') && !f.startsWith(join('ws', '.distillery', 'cache') + '/'));
  assert.deepEqual(stray, [], 'files written outside .distillery/runs and .distillery/cache');
  assert.ok([...before.keys()].every((f) => after.has(f)), 'no file removed');
});
