// What the loss panel restores after a hide or a window reload (vscode.setState). The host
// reads runDirs from it in its panel serializer to reopen the same runs.
import type { XMode } from './series';

export interface LossViewState {
  v: 1;
  panel: 'loss';
  runDirs: string[];
  xMode: XMode;
  logY: boolean;
  smoothing: number;
  /** Series keys (`group|runId|series`) the user switched off in a legend. */
  hidden: string[];
}

export const DEFAULT_LOSS_STATE: LossViewState = { v: 1, panel: 'loss', runDirs: [], xMode: 'step', logY: false, smoothing: 0.6, hidden: [] };

/** Tolerant: a state from an older version keeps whatever fields still make sense. */
export function restoreLossState(x: unknown): LossViewState {
  const s = { ...DEFAULT_LOSS_STATE, hidden: [] as string[] };
  if (typeof x !== 'object' || x === null) return s;
  const o = x as Record<string, unknown>;
  if (Array.isArray(o.runDirs)) s.runDirs = o.runDirs.filter((d): d is string => typeof d === 'string');
  if (o.xMode === 'step' || o.xMode === 'epoch' || o.xMode === 'time') s.xMode = o.xMode;
  if (typeof o.logY === 'boolean') s.logY = o.logY;
  if (typeof o.smoothing === 'number' && o.smoothing >= 0 && o.smoothing < 1) s.smoothing = o.smoothing;
  if (Array.isArray(o.hidden)) s.hidden = o.hidden.filter((d): d is string => typeof d === 'string');
  return s;
}
