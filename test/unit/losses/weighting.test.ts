// The three weighting modes: fixed sum, Kendall uncertainty, teacher-confidence per example.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createWeighting } from '../../../src/trainer/losses/weighting';
import { context, labelsOf, t2, useCpu } from './fixtures';

before(useCpu);
const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);

describe('fixed weighting', () => {
  it('is Σ w_i·L_i and has no example weights', () => {
    const w = createWeighting('fixed', ['a', 'b']);
    const total = w.combine([{ id: 'a', value: tf.scalar(2), weight: 0.1 }, { id: 'b', value: tf.scalar(3), weight: 0.9 }]);
    close(total.dataSync()[0], 2.9);
    assert.equal(w.exampleWeights(context({})), undefined);
    assert.deepEqual(w.trainableVariables, []);
  });
});

describe('uncertainty weighting', () => {
  it('is Σ ½·exp(−s_i)·w_i·L_i + ½·s_i with s_i learned and reported', () => {
    const w = createWeighting('uncertainty', ['a', 'b']);
    assert.equal(w.trainableVariables.length, 2);
    w.trainableVariables[0].assign(tf.scalar(1));
    w.trainableVariables[1].assign(tf.scalar(-0.5));
    const total = w.combine([{ id: 'a', value: tf.scalar(2), weight: 3 }, { id: 'b', value: tf.scalar(4), weight: 1 }]);
    close(total.dataSync()[0], 0.5 * Math.exp(-1) * 6 + 0.5 + 0.5 * Math.exp(0.5) * 4 - 0.25);
    const m = w.metrics();
    close(m['log_var/a'], 1);
    close(m['log_var/b'], -0.5);
    close(m['effective_weight/a'], 0.5 * Math.exp(-1));
    w.dispose();
  });
  it('learning s converges to log(w·L): the optimum of ½e^{−s}·wL + ½s', () => {
    const w = createWeighting('uncertainty', ['a']);
    const opt = tf.train.adam(0.1);
    for (let i = 0; i < 300; i++) {
      opt.minimize(() => w.combine([{ id: 'a', value: tf.scalar(5), weight: 2 }]), false, w.trainableVariables);
    }
    close(w.metrics()['log_var/a'], Math.log(10), 0.05);
    w.dispose();
    opt.dispose();
  });
  it('leaves out a term whose weight is currently 0', () => {
    const w = createWeighting('uncertainty', ['a', 'b']);
    w.trainableVariables[1].assign(tf.scalar(2));
    const total = w.combine([{ id: 'a', value: tf.scalar(2), weight: 1 }, { id: 'b', value: tf.scalar(4), weight: 0 }]);
    close(total.dataSync()[0], 1);
    w.dispose();
  });
});

describe('confidence weighting', () => {
  it('example weights are the teacher softmax probability of the true class', () => {
    const w = createWeighting('confidence', ['kd']);
    const ctx = context({ teacherLogits: t2([[Math.log(3), 0], [0, 0], [Math.log(3), 0]]), studentLogits: t2([[0, 0], [0, 0], [0, 0]]), labels: labelsOf([0, 1, 1]) });
    const ex = w.exampleWeights(ctx)!;
    const values = Array.from(ex.dataSync());
    [0.75, 0.5, 0.25].forEach((v, i) => close(values[i], v));
    const total = w.combine([{ id: 'kd', value: tf.scalar(2), weight: 0.5 }]);
    close(total.dataSync()[0], 1);
  });
});
