// The extension host dies mid-run (window reload, host crash): the trainer, forked the way
// src/extension/runs/runManager.ts forks it (detached, stdio to a log file, IPC channel),
// keeps going and completes; its events file stays whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEventsFile } from '../../../src/core/runs/eventsReader';
import { summariseRun } from '../../../src/core/runs/listRuns';
import { isProcessAlive } from '../../../src/core/runs/processAlive';
import { tinyExperiment } from '../loop/fixtures';
import { ROOT, eventsOf, runFolders } from './cliHarness';

test('the host is SIGKILLed during distill: the detached trainer completes the run', { timeout: 180_000 }, async () => {
  const x = tinyExperiment({ epochs: 6, baseline: false, train: 300 });
  const host = join(x.dir, 'fake-host.js');
  // Same fork options as runManager.start; prints the trainer pid, then stays alive on IPC.
  writeFileSync(host, `
const { fork } = require('node:child_process');
const { openSync } = require('node:fs');
const fd = openSync(${JSON.stringify(join(x.dir, 'trainer.log'))}, 'a');
const child = fork(${JSON.stringify(join(ROOT, 'dist/trainer.js'))}, ['--config', ${JSON.stringify(x.configPath)}, '--out', ${JSON.stringify(x.runsDir)}],
  { cwd: ${JSON.stringify(x.dir)}, detached: true, stdio: ['ignore', fd, fd, 'ipc'] });
child.on('message', () => {});
console.log(child.pid);
`);
  const h = spawn(process.execPath, [host], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise<number>((r) => h.stdout!.once('data', (d) => r(Number(String(d).trim()))));
  const hostExited = new Promise((r) => h.on('exit', r));
  try {
    // Wait for the distill stage, then kill the host the hard way.
    const deadline = Date.now() + 120_000;
    let dir: string | undefined;
    while (Date.now() < deadline) {
      [dir] = runFolders(x.runsDir);
      if (dir && eventsOf(dir).some((e) => e.type === 'step' && e.stage === 'distill')) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(dir, 'the run started');
    h.kill('SIGKILL');
    await hostExited;
    const before = eventsOf(dir!).length;
    assert.notEqual(summariseRun(dir!).status, 'interrupted', 'the trainer outlived its host');
    // The trainer finishes on its own.
    while (isProcessAlive(pid) && Date.now() < deadline + 60_000) await new Promise((r) => setTimeout(r, 100));
    const { events, errors } = readEventsFile(join(dir!, 'events.jsonl'));
    assert.deepEqual(errors, []);
    assert.ok(events.length > before, 'events kept coming after the host died');
    assert.equal(summariseRun(dir!).status, 'completed');
  } finally {
    if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  }
});
