// Synthetic trainer events shaped like a real KD run: teacher, baseline and distill stages,
// step losses per term, epoch accuracies, agreement and KL.
import type { TrainerEvent } from '../../src/core/protocol/events';

export interface RunOptions { runId: string; stepsPerEpoch: number; epochs: number; t0?: number }

export function stageEvents(stage: 'teacher' | 'baseline' | 'distill', o: RunOptions, clock: { t: number }): TrainerEvent[] {
  const out: TrainerEvent[] = [{ v: 1, t: clock.t, type: 'stage', stage, epochs: o.epochs, steps_per_epoch: o.stepsPerEpoch }];
  const terms = stage === 'distill' ? { soft_kd: 0.9, hard_ce: 0.1 } : { ce: 1 };
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let s = 0; s < o.stepsPerEpoch; s++) {
      const step = epoch * o.stepsPerEpoch + s;
      clock.t += 20;
      const losses: Record<string, { value: number; weight: number; weighted: number }> = {};
      let total = 0;
      for (const [term, weight] of Object.entries(terms)) {
        const value = 2 * Math.exp(-step / 50) + 0.05 + 0.1 * Math.abs(Math.sin(step * 1.7 + term.length));
        losses[term] = { value, weight, weighted: value * weight };
        total += value * weight;
      }
      out.push({ v: 1, t: clock.t, type: 'step', stage, epoch, step, losses, total, lr: 0.01 * Math.pow(0.95, epoch), examples_per_sec: 900 + 50 * Math.sin(step) });
    }
    const acc = 1 - 0.5 * Math.exp(-(epoch + 1));
    out.push({
      v: 1, t: clock.t, type: 'epoch', stage, epoch,
      train: { loss: 0.3 / (epoch + 1), accuracy: acc },
      validation: stage === 'distill'
        ? { student_accuracy: acc - 0.01, teacher_accuracy: 0.98, agreement: acc - 0.02, kl: 0.2 / (epoch + 1), loss: 0.35 / (epoch + 1) }
        : { accuracy: acc - 0.01, loss: 0.35 / (epoch + 1) },
      weights: Object.fromEntries(Object.entries(terms)),
      duration_ms: o.stepsPerEpoch * 20,
    });
  }
  return out;
}

export function runEvents(o: RunOptions): TrainerEvent[] {
  const clock = { t: o.t0 ?? 1_764_300_000_000 };
  return [
    { v: 1, t: clock.t, type: 'started', run_id: o.runId, experiment: 'mnist-kd', backend: 'wasm', seed: 1, config_hash: 'abc', versions: {}, pid: 1, run_dir: `/runs/${o.runId}` },
    ...stageEvents('teacher', o, clock),
    ...stageEvents('baseline', o, clock),
    ...stageEvents('distill', o, clock),
  ];
}
