// Creates a fresh run directory with its sub-folders and the exact config text that runs.
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RUN_FILES, runId, runPaths, type RunPaths } from './layout';

export class RunsFolderError extends Error {}

/** Makes sure the runs folder exists and is writable; throws a RunsFolderError that names it otherwise. */
export function ensureRunsFolder(runsDir: string): string {
  const dir = resolve(runsDir);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new RunsFolderError(`Cannot write to the runs folder ${dir} (${code || (e as Error).message}). Choose another with --out (CLI) or the distillery.runsFolder setting.`);
  }
  return dir;
}

export interface CreatedRun { id: string; paths: RunPaths }

export function createRunDir(runsDir: string, experiment: string, configText: string, now = new Date()): CreatedRun {
  const root = ensureRunsFolder(runsDir);
  const base = runId(now, experiment);
  // Two runs started in the same second get -2, -3… rather than sharing a folder.
  for (let n = 1; n < 1000; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const dir = join(root, id);
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new RunsFolderError(`Cannot create the run folder ${dir}: ${(e as Error).message}`);
    }
    for (const sub of [RUN_FILES.checkpoints]) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, RUN_FILES.config), configText);
    return { id, paths: runPaths(dir) };
  }
  throw new RunsFolderError(`Too many runs named ${base} in ${root}`);
}
