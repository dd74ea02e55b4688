// Time left in the current stage, from the step rate measured since the stage began.
import type { StageProgress } from './runProgress';

/** Milliseconds left in the stage, or undefined while the rate or the length is unknown. */
export function stageEtaMs(stage: StageProgress | undefined): number | undefined {
  if (!stage?.epochs || !stage.stepsPerEpoch || !stage.firstStep || !stage.lastStep) return undefined;
  const total = stage.epochs * stage.stepsPerEpoch;
  const done = stage.lastStep.step + 1;
  const measured = stage.lastStep.step - stage.firstStep.step;
  const elapsed = stage.lastStep.t - stage.firstStep.t;
  if (measured <= 0 || elapsed <= 0) return undefined;
  return Math.max(0, ((total - done) * elapsed) / measured);
}

/**
 * Milliseconds left in the run as far as it can be foreseen: the current stage, plus, during
 * the baseline, a distill stage of the same length (same student, same budget) at the same
 * rate. The teacher stage cannot foresee what follows (the rate of the student differs).
 */
export function runEtaMs(stage: StageProgress | undefined): number | undefined {
  const rest = stageEtaMs(stage);
  if (rest === undefined || stage?.stage !== 'baseline') return rest;
  const measured = stage.lastStep!.step - stage.firstStep!.step;
  const msPerStep = (stage.lastStep!.t - stage.firstStep!.t) / measured;
  return rest + stage.epochs! * stage.stepsPerEpoch! * msPerStep;
}

/** `45s`, `3m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
