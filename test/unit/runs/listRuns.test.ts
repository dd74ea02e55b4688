import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunDir, ensureRunsFolder, RunsFolderError } from '../../../src/core/runs/createRun';
import { runId, slugName, timeFromRunId } from '../../../src/core/runs/layout';
import { listRuns, summariseRun } from '../../../src/core/runs/listRuns';
import { writeRunInfo, readRunInfo } from '../../../src/core/runs/runInfo';

const ev = (o: Record<string, unknown>) => JSON.stringify({ v: 1, ...o }) + '\n';
const started = (pid: number, t: number) => ev({ t, type: 'started', run_id: 'x', experiment: 'exp', backend: 'cpu', seed: 1, config_hash: 'h', versions: {}, pid, run_dir: '/x' });
const finished = (status: string, t: number) => ev({ t, type: 'finished', status, duration_ms: 5 });
const DEAD = 999_999_99;
const alive = (pid: number) => pid === process.pid;

function makeRun(root: string, when: string, events: string): string {
  const { paths } = createRunDir(root, 'My Exp!', 'version: 1\n', new Date(when));
  writeRunInfo(paths.info, { id: 'x', experiment: 'exp', status: 'running', seed: 1, config_hash: 'h', start: when, pid: DEAD });
  writeFileSync(paths.events, events);
  return paths.dir;
}

test('run ids are UTC timestamps plus a slug, and parse back', () => {
  const d = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(runId(d, 'MNIST: CNN → MLP'), '20260102-030405-mnist-cnn-mlp');
  assert.equal(slugName('***'), 'experiment');
  assert.equal(timeFromRunId('20260102-030405-x')?.getTime(), d.getTime());
  assert.equal(timeFromRunId('notes'), undefined);
});

test('createRunDir writes config.yaml and checkpoints/, and never reuses a folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const when = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const a = createRunDir(root, 'e', 'text: 1\n', when);
  const b = createRunDir(root, 'e', 'text: 2\n', when);
  assert.equal(b.id, `${a.id}-2`);
  assert.equal(readFileSync(a.paths.config, 'utf8'), 'text: 1\n');
  assert.ok(existsSync(a.paths.checkpoints));
});

test('status: finished decides; without it a live pid is running and a dead one interrupted', () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const done = makeRun(root, '2026-01-01T00:00:01Z', started(DEAD, 1) + finished('completed', 2));
  const live = makeRun(root, '2026-01-01T00:00:03Z', started(process.pid, 3) + '{"v":1,"t":4,"type":"st');
  const killed = makeRun(root, '2026-01-01T00:00:02Z', started(DEAD, 3));
  // Stopped, then resumed by a process that is still running: the later start wins.
  const resumed = makeRun(root, '2026-01-01T00:00:00Z', started(DEAD, 1) + finished('stopped', 2) + started(process.pid, 3));
  const failed = makeRun(root, '2026-01-01T00:00:04Z', started(DEAD, 1) + ev({ t: 2, type: 'finished', status: 'failed', error: { message: 'boom', term: 'soft_kd' }, duration_ms: 1 }));
  assert.equal(summariseRun(done, alive).status, 'completed');
  assert.equal(summariseRun(live, alive).status, 'running');
  assert.equal(summariseRun(killed, alive).status, 'interrupted');
  assert.equal(summariseRun(resumed, alive).status, 'running');
  const f = summariseRun(failed, alive);
  assert.equal(f.status, 'failed');
  assert.equal(f.error, 'boom');
  const runs = listRuns(root, alive);
  assert.deepEqual(runs.map((r) => r.dir), [failed, live, killed, done, resumed], 'newest first');
  assert.ok(runs.every((r) => r.experiment === 'exp'));
});

test('a folder without run files, and a missing runs folder, list nothing', () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  ensureRunsFolder(join(root, 'stray'));
  assert.deepEqual(listRuns(root), []);
  assert.deepEqual(listRuns(join(root, 'nope')), []);
  assert.equal(readRunInfo(join(root, 'nope.json')), undefined);
});

test('an unwritable runs folder gives a clear error naming it', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  chmodSync(root, 0o500);
  assert.throws(() => createRunDir(join(root, 'runs'), 'e', ''), (e: unknown) => e instanceof RunsFolderError && /Cannot write to the runs folder .*runs/.test((e as Error).message));
});

test('a runs folder path that is a file gives a clear error naming it', () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const file = join(root, 'file');
  writeFileSync(file, '');
  assert.throws(() => createRunDir(join(file, 'runs'), 'e', ''), (e: unknown) => e instanceof RunsFolderError && (e as Error).message.includes(join(file, 'runs')));
});

test('status: a run whose finished line never reached the events file (disk full) reads as run.json recorded it', () => {
  const root = mkdtempSync(join(tmpdir(), 'runs-'));
  const dir = makeRun(root, '2026-01-01T00:00:01Z', started(DEAD, 1));
  const info = readRunInfo(join(dir, 'run.json'))!;
  writeRunInfo(join(dir, 'run.json'), { ...info, status: 'failed', end: '2026-01-01T00:00:09Z', error: { message: 'ENOSPC' } });
  const s = summariseRun(dir, alive);
  assert.equal(s.status, 'failed');
  assert.equal(s.error, 'ENOSPC');
  // A kill leaves run.json at running: still interrupted.
  const killed = makeRun(root, '2026-01-01T00:00:02Z', started(DEAD, 1));
  assert.equal(summariseRun(killed, alive).status, 'interrupted');
});
