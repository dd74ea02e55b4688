// The real CLI process: SIGINT stops with a checkpoint; SIGKILL leaves an interrupted run that --resume completes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readEventsFile } from '../../../src/core/runs/eventsReader';
import { summariseRun } from '../../../src/core/runs/listRuns';
import { tinyExperiment } from './fixtures';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'src/trainer/cli.ts');

function startCli(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

/** Polls the single run folder until an events line matches. */
async function waitForEvent(p: ReturnType<typeof startCli>, runsDir: string, pred: (e: ReturnType<typeof readEventsFile>['events'][number]) => boolean, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) throw new Error(`the CLI exited early (${p.child.exitCode}):\n${p.output()}`);
    const runs = existsSync(runsDir) ? readdirSync(runsDir) : [];
    if (runs.length === 1) {
      const dir = join(runsDir, runs[0]);
      if (readEventsFile(join(dir, 'events.jsonl')).events.some(pred)) return dir;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for the event:\n${p.output()}`);
}

test('SIGINT: the run finishes its step, checkpoints and ends stopped (exit 1)', async () => {
  const x = tinyExperiment({ epochs: 200, baseline: false });
  const p = startCli(['run', x.configPath, '--out', x.runsDir]);
  const dir = await waitForEvent(p, x.runsDir, (e) => e.type === 'step' && e.stage === 'distill');
  p.child.kill('SIGINT');
  assert.equal(await p.exited, 1, p.output());
  const events = readEventsFile(join(dir, 'events.jsonl')).events;
  const fin = events.at(-1)!;
  assert.equal(fin.type === 'finished' && fin.status, 'stopped', p.output());
  const ck = events.at(-2)!;
  assert.equal(ck.type === 'checkpoint' && ck.stage, 'distill');
  assert.ok(existsSync(join(dir, 'checkpoints', 'distill', 'checkpoint.json')));
  assert.equal(summariseRun(dir).status, 'stopped');
  assert.match(p.output(), /resume with: distillery run --resume/);
});

test('SIGKILL reads as interrupted; --resume continues the same run to completion', async () => {
  const x = tinyExperiment({ epochs: 4, baseline: false, train: 400 });
  const p = startCli(['run', x.configPath, '--out', x.runsDir]);
  // Kill after the first distill epoch's checkpoint, mid-way through the second.
  const dir = await waitForEvent(p, x.runsDir, (e) => e.type === 'checkpoint' && e.stage === 'distill');
  p.child.kill('SIGKILL');
  await p.exited;
  assert.equal(summariseRun(dir).status, 'interrupted');
  const before = readEventsFile(join(dir, 'events.jsonl')).events.length;

  const r = startCli(['run', '--resume', dir]);
  assert.equal(await r.exited, 0, r.output());
  const events = readEventsFile(join(dir, 'events.jsonl')).events;
  const later = events.slice(before);
  assert.equal(later[0].type === 'started' && later[0].resumed, true);
  assert.ok(later.some((e) => e.type === 'log' && /distill: resuming from the checkpoint at epoch 2/.test(e.message)), later.filter((e) => e.type === 'log').map((e) => e.type === 'log' && e.message).join('\n'));
  assert.deepEqual(later.filter((e) => e.type === 'epoch').map((e) => e.type === 'epoch' && e.epoch), [1, 2, 3]);
  assert.equal(summariseRun(dir).status, 'completed');
  assert.match(r.output(), /student \(KD\)/);
});

test('forked trainer: events arrive over IPC, and an IPC stop ends the run stopped', async () => {
  const { fork } = await import('node:child_process');
  const x = tinyExperiment({ epochs: 200, baseline: false });
  const child = fork(join(ROOT, 'src/trainer/main.ts'), ['--config', x.configPath, '--out', x.runsDir], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const types: string[] = [];
  let finished: { status?: string } | undefined;
  child.on('message', (m: { type: string; stage?: string; status?: string }) => {
    types.push(m.type);
    if (m.type === 'step' && m.stage === 'distill' && !types.includes('stop-sent')) {
      types.push('stop-sent');
      child.send({ type: 'stop' });
    }
    if (m.type === 'finished') finished = m;
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(types[0], 'started', stderr);
  assert.equal(finished?.status, 'stopped', stderr);
  assert.equal(code, 1);
  const [run] = readdirSync(x.runsDir);
  const fileTypes = readEventsFile(join(x.runsDir, run, 'events.jsonl')).events.map((e) => e.type);
  assert.deepEqual(fileTypes, types.filter((t) => t !== 'stop-sent'), 'IPC carries exactly what the file holds');
});
