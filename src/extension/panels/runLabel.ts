// How a run directory is named in the panels: the folder name, and the trainer's run id when
// its `started` event is known (colours are keyed by it, so they match across panels).
import { basename } from 'node:path';
import type { TrainerEvent } from '../../core/protocol/events';
import type { RunRef } from '../../core/protocol/messages';

export function runRef(runDir: string, events?: readonly TrainerEvent[], runId?: string): RunRef {
  const started = events?.find((e) => e.type === 'started');
  const id = runId ?? (started && started.type === 'started' && typeof started.run_id === 'string' ? started.run_id : basename(runDir));
  return { runDir, runId: id, label: basename(runDir) };
}
