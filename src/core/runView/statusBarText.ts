// The status bar entry of a running run: short text, and a tooltip with the rest.
import { formatDuration, runEtaMs, stageEtaMs } from './eta';
import { formatLoss, percent } from './headline';
import type { RunProgress } from './runProgress';

export interface StatusBarText { text: string; tooltip: string }

/** Epochs in events are counted from 0; people count from 1. */
function epochLabel(p: RunProgress): string | undefined {
  const s = p.stage;
  if (!s?.lastStep) return undefined;
  return s.epochs ? `${s.lastStep.epoch + 1}/${s.epochs}` : `${s.lastStep.epoch + 1}`;
}

export function statusBarText(p: RunProgress, now: number): StatusBarText {
  const name = p.experiment ?? 'run';
  const parts = [`$(sync~spin) ${name}`];
  const tip = [`Distillery: ${name}${p.runId ? ` (${p.runId})` : ''}`];
  const s = p.stage;
  if (!s) {
    parts.push('starting');
  } else {
    const epoch = epochLabel(p);
    parts.push(epoch ? `${s.stage} ${epoch}` : s.stage);
    tip.push(`Stage: ${s.stage}${s.skipped ? ` (${s.skipped})` : ''}${epoch ? `, epoch ${epoch}` : ''}`);
    const total = s.lastStep?.total;
    if (total !== undefined) {
      parts.push(`loss ${formatLoss(total)}`);
      tip.push(`Loss: ${formatLoss(total)}`);
    }
    const eta = runEtaMs(s);
    const stageEta = stageEtaMs(s);
    if (eta !== undefined && stageEta !== undefined) {
      parts.push(`${formatDuration(eta)} left`);
      tip.push(eta === stageEta ? `Time left in this stage: ${formatDuration(stageEta)}` : `Time left: about ${formatDuration(eta)} (this stage: ${formatDuration(stageEta)}, then distill)`);
    }
  }
  const v = p.lastValidation;
  const acc = v?.student_accuracy ?? v?.accuracy;
  if (acc !== undefined) tip.push(`Validation accuracy: ${percent(acc)}`);
  if (p.startedAt) tip.push(`Running for ${formatDuration(now - p.startedAt)}`);
  tip.push('Click to open the loss panel');
  return { text: parts.join(' · '), tooltip: tip.join('\n') };
}
