// Learning-rate schedules over fractional epochs: linear warm-up, then constant, step decay or cosine.
import type { LrScheduleConfig } from '../../core/config/types';

/**
 * The learning rate at `progress` epochs (epoch + fraction of the epoch done) out of `totalEpochs`.
 * Warm-up ramps linearly from base/steps-ish up to base over `warmup_epochs`; the decay runs
 * over the epochs after warm-up.
 */
export function learningRateAt(schedule: LrScheduleConfig, base: number, progress: number, totalEpochs: number): number {
  const warm = schedule.warmup_epochs ?? 0;
  if (warm > 0 && progress < warm) return base * Math.max(progress, 1e-3 * warm) / warm;
  const t = progress - warm;
  switch (schedule.name) {
    case 'constant':
      return base;
    case 'step':
      return base * Math.pow(schedule.gamma, Math.floor(t / Math.max(schedule.step_epochs, 1e-9)));
    case 'cosine': {
      const span = Math.max(totalEpochs - warm, 1e-9);
      const frac = Math.min(Math.max(t / span, 0), 1);
      return schedule.min_lr + (base - schedule.min_lr) * 0.5 * (1 + Math.cos(Math.PI * frac));
    }
    default: {
      const never: never = schedule;
      throw new Error(`unknown lr schedule ${JSON.stringify(never)}`);
    }
  }
}
