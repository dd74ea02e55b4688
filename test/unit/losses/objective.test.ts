// The objective: combining terms, schedules, weighting modes, layer unions, metrics, disposal.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { DistillationConfig, LossConfig } from '../../../src/core/config/types';
import { createObjective } from '../../../src/trainer/losses/objective';
import { context, evaluate, labelsOf, lossConfig, shapes, t2, useCpu } from './fixtures';

before(useCpu);
const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);
const opts = { stepsPerEpoch: 10, totalEpochs: 4 };
const distill = (losses: LossConfig[], weighting: DistillationConfig['weighting'] = 'fixed'): DistillationConfig => ({ losses, weighting });
const batch = () => context({
  studentLogits: t2([[1, 2, 3], [0.5, 0, -1]]),
  teacherLogits: t2([[3, 2, 1], [2, 0, 0]]),
  labels: labelsOf([0, 2]),
});
const read = (r: { total: tf.Scalar; terms: Record<string, { value: tf.Scalar; weight: number }> }) => ({
  total: r.total.dataSync()[0],
  terms: Object.fromEntries(Object.entries(r.terms).map(([k, v]) => [k, { value: v.value.dataSync()[0], weight: v.weight }])),
});

describe('objective', () => {
  it('fixed: total = 0.1·CE + 0.9·KD, each term reported unweighted with its weight', () => {
    const o = createObjective(distill([lossConfig('cross_entropy', {}, 0.1), lossConfig('soft_kd', { temperature: 4 }, 0.9)]), shapes({}, {}), opts);
    const r = read(o.compute(batch()));
    const ce = evaluate('cross_entropy', {}, batch());
    const kd = evaluate('soft_kd', { temperature: 4 }, batch());
    close(r.terms.cross_entropy.value, ce);
    close(r.terms.soft_kd.value, kd);
    assert.equal(r.terms.cross_entropy.weight, 0.1);
    close(r.total, 0.1 * ce + 0.9 * kd);
    o.dispose();
  });

  it('applies each term\'s schedule at the context\'s epochProgress and step', () => {
    const o = createObjective(distill([lossConfig('soft_kd', {}, { kind: 'ramp', from: 0, to: 1, shape: 'linear', over: 'epochs' })]), shapes({}, {}), opts);
    const ctx = { ...batch(), epochProgress: 1, step: 10 };
    const r = read(o.compute(ctx));
    close(r.terms.soft_kd.weight, 0.25);
    close(r.total, 0.25 * r.terms.soft_kd.value);
    assert.deepEqual(o.weights(2, 20), { soft_kd: 0.5 });
    o.dispose();
  });

  it('confidence: soft terms take the teacher-confidence-weighted batch mean, cross-entropy does not', () => {
    const losses = [lossConfig('cross_entropy'), lossConfig('soft_kd', { temperature: 1 })];
    const plain = read(createObjective(distill(losses), shapes({}, {}), opts).compute(batch()));
    const weighted = read(createObjective(distill(losses, 'confidence'), shapes({}, {}), opts).compute(batch()));
    close(weighted.terms.cross_entropy.value, plain.terms.cross_entropy.value);
    const conf = tf.tidy(() => tf.softmax(t2([[3, 2, 1], [2, 0, 0]])).arraySync() as number[][]);
    const c = [conf[0][0], conf[1][2]];
    const kd0 = evaluate('soft_kd', { temperature: 1 }, context({ studentLogits: t2([[1, 2, 3]]), teacherLogits: t2([[3, 2, 1]]) }));
    const kd1 = evaluate('soft_kd', { temperature: 1 }, context({ studentLogits: t2([[0.5, 0, -1]]), teacherLogits: t2([[2, 0, 0]]) }));
    close(weighted.terms.soft_kd.value, (c[0] * kd0 + c[1] * kd1) / 2);
    assert.ok(weighted.terms.soft_kd.value < plain.terms.soft_kd.value);
  });

  it('uncertainty: log-variances are trainable variables, reported as log_var/<id>', () => {
    const o = createObjective(distill([lossConfig('cross_entropy'), lossConfig('soft_kd')], 'uncertainty'), shapes({}, {}), opts);
    assert.equal(o.trainableVariables.length, 2);
    const r = read(o.compute(batch()));
    // s = 0 at the start: ½·L_i each.
    close(r.total, 0.5 * (r.terms.cross_entropy.value + r.terms.soft_kd.value));
    assert.deepEqual(Object.keys(o.metrics()).filter((k) => k.startsWith('log_var/')).sort(), ['log_var/cross_entropy', 'log_var/soft_kd']);
    o.dispose();
  });

  it('unions the layers of all terms and collects projection variables', () => {
    const o = createObjective(distill([
      lossConfig('hint', { teacher_layer: 'pen', student_layer: 'hid' }),
      lossConfig('similarity', { teacher_layer: 'pen', student_layer: 'hid2' }),
      { ...lossConfig('attention', { pairs: [{ teacher_layer: 'c1', student_layer: 'c1s' }] }) },
    ]), shapes({ hid: [4], hid2: [3], c1s: [2, 2, 1] }, { pen: [5], c1: [2, 2, 3] }), opts);
    assert.deepEqual(o.teacherLayers, ['pen', 'c1']);
    assert.deepEqual(o.studentLayers, ['hid', 'hid2', 'c1s']);
    assert.deepEqual(o.trainableVariables.map((v) => v.shape), [[4, 5], [5]]);
    o.dispose();
  });

  it('rejects duplicate ids and unknown kinds with clear messages, freeing what was built', () => {
    assert.throws(() => createObjective(distill([lossConfig('soft_kd'), lossConfig('soft_kd')]), shapes({}, {}), opts), /two terms have the id "soft_kd"/);
    const before = tf.memory().numTensors;
    const bad = { kind: 'nonsense', id: 'x', weight: { kind: 'constant', value: 1 } } as unknown as LossConfig;
    assert.throws(() => createObjective(distill([lossConfig('hint', { teacher_layer: 't', student_layer: 's' }), bad]), shapes({ s: [3] }, { t: [3] }), opts), /unknown loss kind "nonsense"/);
    assert.equal(tf.memory().numTensors, before);
  });

  it('names metrics plainly when one term produces them, suffixed by id when several do', () => {
    const adv = (id: string) => ({ ...lossConfig('adversarial', { hidden_units: [4] }), id });
    const one = createObjective(distill([lossConfig('soft_kd'), adv('adversarial')]), shapes({}, {}), opts);
    one.compute(batch());
    assert.ok('discriminator_accuracy' in one.afterStep(batch()));
    one.dispose();
    const two = createObjective(distill([adv('a1'), adv('a2')]), shapes({}, {}), opts);
    two.compute(batch());
    const m = two.afterStep(batch());
    assert.ok('discriminator_accuracy/a1' in m && 'discriminator_accuracy/a2' in m, JSON.stringify(m));
    two.dispose();
  });

  it('leaks no tensors across steps and frees its variables on dispose', () => {
    const before = tf.memory().numTensors;
    const o = createObjective(distill([
      lossConfig('cross_entropy'), lossConfig('dkd'), lossConfig('adversarial', { hidden_units: [4] }),
    ], 'uncertainty'), shapes({}, {}), opts);
    const ctx = batch();
    const inputs = tf.memory().numTensors;
    const step = () => {
      const opt = tf.train.sgd(0.01);
      tf.tidy(() => { opt.minimize(() => o.compute(ctx).total, false, o.trainableVariables); });
      o.afterStep(ctx);
      opt.dispose();
    };
    step();
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    assert.equal(tf.memory().numTensors, afterFirst);
    o.dispose();
    tf.dispose([ctx.studentLogits, ctx.teacherLogits, ctx.labels]);
    assert.ok(afterFirst > inputs);
    assert.equal(tf.memory().numTensors, before);
  });
});
