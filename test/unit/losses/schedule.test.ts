// Weight schedules: constant, ramp (linear/cosine, epochs/steps, default length), warm-up.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWeightSchedule } from '../../../src/trainer/losses/schedule';

const opts = { stepsPerEpoch: 10, totalEpochs: 4 };
const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `expected ${b}, got ${a}`);

describe('weight schedules', () => {
  it('constant ignores time', () => {
    const w = createWeightSchedule({ kind: 'constant', value: 0.9 }, opts);
    close(w(0, 0), 0.9);
    close(w(3.5, 35), 0.9);
  });
  it('linear ramp over epochs defaults to the whole stage and holds at the end', () => {
    const w = createWeightSchedule({ kind: 'ramp', from: 0, to: 2, shape: 'linear', over: 'epochs' }, opts);
    close(w(0, 0), 0);
    close(w(1, 10), 0.5);
    close(w(2, 20), 1);
    close(w(4, 40), 2);
    close(w(9, 90), 2);
  });
  it('ramp with a length in epochs', () => {
    const w = createWeightSchedule({ kind: 'ramp', from: 1, to: 0, shape: 'linear', over: 'epochs', length: 2 }, opts);
    close(w(0.5, 5), 0.75);
    close(w(3, 30), 0);
  });
  it('cosine ramp over steps: half-way is the midpoint, a quarter is (1 − cos(π/4))/2', () => {
    const w = createWeightSchedule({ kind: 'ramp', from: 0, to: 1, shape: 'cosine', over: 'steps' }, opts);
    close(w(0, 0), 0);
    close(w(0, 20), 0.5);
    close(w(0, 10), (1 - Math.cos(Math.PI / 4)) / 2);
    close(w(0, 40), 1);
  });
  it('steps ramp reads the step, not the epoch', () => {
    const w = createWeightSchedule({ kind: 'ramp', from: 0, to: 1, shape: 'linear', over: 'steps', length: 5 }, opts);
    close(w(0.2, 2), 0.4);
    close(w(0.2, 7), 1);
  });
  it('warm-up rises linearly to its value over warmup_epochs', () => {
    const w = createWeightSchedule({ kind: 'warmup', value: 10, warmup_epochs: 2 }, opts);
    close(w(0, 0), 0);
    close(w(0.5, 5), 2.5);
    close(w(2, 20), 10);
    close(w(3, 30), 10);
    close(createWeightSchedule({ kind: 'warmup', value: 3, warmup_epochs: 0 }, opts)(0, 0), 3);
  });
});
