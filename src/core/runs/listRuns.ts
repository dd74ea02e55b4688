// Lists runs (newest first) and summarises one from run.json and its events, so that the
// tree view, `distillery` commands and tests read status the same way.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ComparisonSummary, RunStatus, Stage, TrainerEvent } from '../protocol/events';
import { readEventsFile } from './eventsReader';
import { RUN_FILES, runPaths, timeFromRunId } from './layout';
import { isProcessAlive } from './processAlive';
import { readRunInfo, type RunInfo } from './runInfo';

export interface RunSummary {
  id: string;
  dir: string;
  experiment: string;
  status: RunStatus;
  /** ms since the epoch. */
  start?: number;
  end?: number;
  backend?: string;
  pid?: number;
  /** The stage and epoch last reported. */
  stage?: Stage;
  epoch?: number;
  summary?: ComparisonSummary;
  error?: string;
  /** Lines of events.jsonl that did not parse (not counting a truncated last line). */
  badLines: number;
}

/**
 * Status from the events: the `finished` event after the last `started` one decides; with
 * none, a live pid means running and a dead one means interrupted (killed, crashed hard).
 */
export function deriveStatus(events: TrainerEvent[], info: RunInfo | undefined, alive: (pid: number) => boolean = isProcessAlive): { status: RunStatus; pid?: number; error?: string } {
  let lastStart = -1;
  events.forEach((e, i) => { if (e.type === 'started') lastStart = i; });
  const pid = lastStart >= 0 ? (events[lastStart] as { pid: number }).pid : info?.pid;
  for (let i = events.length - 1; i > lastStart; i--) {
    const e = events[i];
    if (e.type === 'finished') return { status: e.status, pid, error: e.error?.message };
  }
  if (lastStart < 0 && info && info.status !== 'running') return { status: info.status, pid, error: info.error?.message };
  if (pid !== undefined && alive(pid)) return { status: 'running', pid };
  // The process ended without its finished line reaching the events file (disk full), but
  // recorded its ending in run.json: trust that over "interrupted".
  if (info && info.status !== 'running' && info.status !== 'interrupted' && info.pid === pid) return { status: info.status, pid, error: info.error?.message };
  return { status: 'interrupted', pid };
}

export function summariseRun(dir: string, alive: (pid: number) => boolean = isProcessAlive): RunSummary {
  const paths = runPaths(dir);
  const info = readRunInfo(paths.info);
  const { events, errors } = readEventsFile(paths.events);
  const id = dir.split(/[\\/]/).filter(Boolean).pop() ?? dir;
  const { status, pid, error } = deriveStatus(events, info, alive);
  const s: RunSummary = { id, dir, experiment: info?.experiment ?? id, status, pid, error, badLines: errors.length, backend: info?.backend };
  for (const e of events) {
    if (e.type === 'started') { s.experiment = e.experiment; s.backend = e.backend; }
    else if (e.type === 'stage') s.stage = e.stage;
    else if (e.type === 'epoch' || e.type === 'step') { s.stage = e.stage; s.epoch = e.epoch; }
    else if (e.type === 'comparison') s.summary = e.summary;
    else if (e.type === 'finished') s.end = e.t;
  }
  // The first start of the run (a resumed run keeps its place in the list).
  s.start = (info?.start ? Date.parse(info.start) : undefined) ?? timeFromRunId(id)?.getTime() ?? events.find((e) => e.type === 'started')?.t;
  if (status === 'running' || status === 'interrupted') s.end = undefined;
  return s;
}

/** Run folders under `runsDir` (those with run.json or events.jsonl), newest first. A missing folder lists nothing. */
export function listRuns(runsDir: string, alive: (pid: number) => boolean = isProcessAlive): RunSummary[] {
  let names: string[];
  try {
    names = readdirSync(runsDir);
  } catch {
    return [];
  }
  const runs: RunSummary[] = [];
  for (const name of names) {
    const dir = join(runsDir, name);
    try {
      if (!statSync(dir).isDirectory()) continue;
      if (!isRunFolder(dir)) continue;
    } catch {
      continue;
    }
    runs.push(summariseRun(dir, alive));
  }
  return runs.sort((a, b) => (b.start ?? 0) - (a.start ?? 0) || b.id.localeCompare(a.id));
}

function isRunFolder(dir: string): boolean {
  for (const f of [RUN_FILES.info, RUN_FILES.events]) {
    try { statSync(join(dir, f)); return true; } catch { /* try the next */ }
  }
  return false;
}
