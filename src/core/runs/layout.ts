// The run directory layout (DESIGN.md "The run directory"). Every reader and writer takes
// file names from here, so the extension, the CLI and the trainer agree on them.
import { join } from 'node:path';

export const DEFAULT_RUNS_DIR = '.distillery/runs';
export const TEACHER_CACHE_DIR = '.distillery/cache/teachers';

export const RUN_FILES = {
  config: 'config.yaml',
  info: 'run.json',
  events: 'events.jsonl',
  comparison: 'comparison.json',
  teacher: 'teacher',
  student: 'student',
  baseline: 'baseline',
  checkpoints: 'checkpoints',
} as const;

export interface RunPaths {
  dir: string;
  config: string;
  info: string;
  events: string;
  comparison: string;
  teacher: string;
  student: string;
  baseline: string;
  checkpoints: string;
}

export function runPaths(dir: string): RunPaths {
  return {
    dir,
    config: join(dir, RUN_FILES.config),
    info: join(dir, RUN_FILES.info),
    events: join(dir, RUN_FILES.events),
    comparison: join(dir, RUN_FILES.comparison),
    teacher: join(dir, RUN_FILES.teacher),
    student: join(dir, RUN_FILES.student),
    baseline: join(dir, RUN_FILES.baseline),
    checkpoints: join(dir, RUN_FILES.checkpoints),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `yyyymmdd-hhmmss` in UTC, so that ids sort by time whatever the machine's zone. */
export function timestampId(date: Date): string {
  return `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}

/** The experiment name as a folder-safe slug. */
export function slugName(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return slug || 'experiment';
}

export function runId(date: Date, name: string): string {
  return `${timestampId(date)}-${slugName(name)}`;
}

const ID_PATTERN = /^(\d{8})-(\d{6})-/;

/** The start time encoded in a run id (UTC), or undefined when the folder is not a run. */
export function timeFromRunId(id: string): Date | undefined {
  const m = ID_PATTERN.exec(id);
  if (!m) return undefined;
  const [d, t] = [m[1], m[2]];
  return new Date(Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +t.slice(0, 2), +t.slice(2, 4), +t.slice(4, 6)));
}
