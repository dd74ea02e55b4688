// How the runs view groups runs: by experiment, newest run first, experiments ordered by
// their newest run so that what was just run sits on top.
import type { RunStatus } from '../protocol/events';

export interface RunRow {
  dir: string;
  id: string;
  experiment: string;
  status: RunStatus;
  /** ms since the epoch. */
  startedAt: number;
}

export interface ExperimentGroup<R extends RunRow> { experiment: string; runs: R[] }

export function groupRuns<R extends RunRow>(rows: readonly R[]): ExperimentGroup<R>[] {
  const byName = new Map<string, R[]>();
  for (const r of rows) {
    const list = byName.get(r.experiment);
    if (list) list.push(r);
    else byName.set(r.experiment, [r]);
  }
  const newestFirst = (a: R, b: R) => b.startedAt - a.startedAt || b.id.localeCompare(a.id);
  const groups = [...byName].map(([experiment, runs]) => ({ experiment, runs: runs.sort(newestFirst) }));
  return groups.sort((a, b) => newestFirst(a.runs[0], b.runs[0]) || a.experiment.localeCompare(b.experiment));
}
