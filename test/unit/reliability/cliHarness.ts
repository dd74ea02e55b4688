// Runs the built CLI (dist/cli.js) as a real child process and watches its run folder, so
// fault tests kill, resume and race exactly what users run. `npm run build` first.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TrainerEvent } from '../../../src/core/protocol/events';
import { readEventsFile } from '../../../src/core/runs/eventsReader';

export const ROOT = resolve(__dirname, '../../..');
export const CLI = join(ROOT, 'dist/cli.js');

export interface CliProcess { child: ChildProcess; output: () => string; exited: Promise<number | null> }

export function startCli(args: string[], cwd = ROOT): CliProcess {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

export async function runCli(args: string[], cwd = ROOT): Promise<{ code: number | null; output: string }> {
  const p = startCli(args, cwd);
  const code = await p.exited;
  return { code, output: p.output() };
}

export function runFolders(runsDir: string): string[] {
  return existsSync(runsDir) ? readdirSync(runsDir).map((n) => join(runsDir, n)) : [];
}

export function eventsOf(runDir: string): TrainerEvent[] {
  return readEventsFile(join(runDir, 'events.jsonl')).events;
}

/**
 * Polls the single run folder until `pred` holds for the events so far, then SIGKILLs the process
 * at once. Returns the run folder; throws if the process ended first.
 */
export async function killWhen(p: CliProcess, runsDir: string, pred: (events: TrainerEvent[]) => boolean, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (p.child.exitCode !== null) throw new Error(`the CLI exited (${p.child.exitCode}) before the kill point:\n${p.output()}`);
    const [dir] = runFolders(runsDir);
    if (dir && pred(eventsOf(dir))) {
      p.child.kill('SIGKILL');
      await p.exited;
      return dir;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  p.child.kill('SIGKILL');
  throw new Error(`timed out waiting for the kill point:\n${p.output()}`);
}
