// run.json: the run's metadata, rewritten atomically (temp file + rename) whenever it changes,
// so that a reader never sees half a file.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { RunStatus } from '../protocol/events';

export interface RunInfo {
  id: string;
  experiment: string;
  status: RunStatus;
  backend?: string;
  versions?: Record<string, string>;
  seed: number;
  config_hash: string;
  /** ISO times. */
  start: string;
  end?: string;
  pid: number;
  /** Absolute path of the config file the run came from, when there was one. */
  source?: string;
  /** Stages that have completed, in order; `--resume` skips them. */
  completed_stages?: string[];
  error?: { message: string; term?: string };
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  renameSync(tmp, file);
}

export function writeRunInfo(file: string, info: RunInfo): void {
  writeJsonAtomic(file, info);
}

/** Reads run.json; undefined when it is missing or unreadable (a run being created, or not a run). */
export function readRunInfo(file: string): RunInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as RunInfo;
    return typeof v === 'object' && v !== null && typeof v.id === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
