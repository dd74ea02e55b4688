// What the panels need from the runs layer (implemented in src/extension/runs/): past events
// of a run, live events as they arrive, and the run's comparison.json.
import type * as vscode from 'vscode';
import type { Comparison, TrainerEvent } from '../../core/protocol/events';

export interface RunEventFeed {
  readEvents(runDir: string): Promise<TrainerEvent[]>;
  onEvent(listener: (runDir: string, e: TrainerEvent) => void): vscode.Disposable;
  readComparison(runDir: string): Promise<Comparison | undefined>;
}
