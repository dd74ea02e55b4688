// A term's weight over the distill stage: constant, ramp, or warm-up.
import type { WeightSchedule } from '../../core/config/types';

export interface ScheduleOptions { stepsPerEpoch: number; totalEpochs: number }

/** Weight at a point of the stage; `epochProgress` = epoch + fraction of it done, `step` counts from 0 across epochs. */
export type WeightFunction = (epochProgress: number, step: number) => number;

const clamp01 = (x: number) => Math.min(Math.max(x, 0), 1);

export function createWeightSchedule(schedule: WeightSchedule, opts: ScheduleOptions): WeightFunction {
  switch (schedule.kind) {
    case 'constant':
      return () => schedule.value;
    case 'warmup':
      return (epochProgress) => (schedule.warmup_epochs > 0 ? schedule.value * clamp01(epochProgress / schedule.warmup_epochs) : schedule.value);
    case 'ramp': {
      const whole = schedule.over === 'epochs' ? opts.totalEpochs : opts.totalEpochs * opts.stepsPerEpoch;
      const length = schedule.length ?? whole;
      const { from, to } = schedule;
      const shape = schedule.shape === 'cosine' ? (t: number) => (1 - Math.cos(Math.PI * t)) / 2 : (t: number) => t;
      return (epochProgress, step) => {
        const position = schedule.over === 'epochs' ? epochProgress : step;
        const t = length > 0 ? clamp01(position / length) : 1;
        return from + (to - from) * shape(t);
      };
    }
    default: {
      const never: never = schedule;
      throw new Error(`unknown weight schedule ${JSON.stringify(never)}`);
    }
  }
}
