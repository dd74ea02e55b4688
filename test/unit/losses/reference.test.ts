// Every method against the hand-computed values of /work/shared/reference.md.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { context, evaluate, labelsOf, shapes, t2, useCpu } from './fixtures';
import { dkdParts } from '../../../src/trainer/losses/dkd';
import { softKdRows } from '../../../src/trainer/losses/softKd';
import { rkdAngle, rkdDistance } from '../../../src/trainer/losses/relational';
import { adaptivePoolMatrix } from '../../../src/trainer/losses/attention';

const close = (actual: number, expected: number, tol = 1e-5) =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);

before(useCpu);

describe('soft_kd', () => {
  it('KL(p_t‖p_s) at T=1 for zt=[ln 3, 0], zs=[0, 0] is 0.130812', () => {
    close(evaluate('soft_kd', { temperature: 1 }, context({ studentLogits: t2([[0, 0]]), teacherLogits: t2([[Math.log(3), 0]]) })), 0.130812);
  });
  for (const [temperature, expected] of [[1, 1.150421], [2, 1.280627], [4, 1.31963]]) {
    it(`T=${temperature}: T²·KL = ${expected}`, () => {
      close(evaluate('soft_kd', { temperature }, context({ studentLogits: t2([[1, 2, 3]]), teacherLogits: t2([[3, 2, 1]]) })), expected);
    });
  }
  it('is the mean over the batch', () => {
    const single = evaluate('soft_kd', { temperature: 2 }, context({ studentLogits: t2([[1, 2, 3]]), teacherLogits: t2([[3, 2, 1]]) }));
    const doubled = evaluate('soft_kd', { temperature: 2 }, context({ studentLogits: t2([[1, 2, 3], [0, 0, 0]]), teacherLogits: t2([[3, 2, 1], [0, 0, 0]]) }));
    close(doubled, single / 2);
  });
});

describe('dkd', () => {
  const ctx = () => context({ studentLogits: t2([[1, 2, 3]]), teacherLogits: t2([[3, 2, 1]]), labels: labelsOf([0]) });
  it('TCKD 0.995723, NCKD 0.462117 at T=1, target 0', () => {
    const c = ctx();
    const { tckd, nckd } = dkdParts(c.studentLogits, c.teacherLogits, c.labels, 3, 1);
    close(tckd.dataSync()[0], 0.995723);
    close(nckd.dataSync()[0], 0.462117);
  });
  it('α=1, β=8 gives 4.692660 (no warm-up)', () => {
    close(evaluate('dkd', { alpha: 1, beta: 8, temperature: 1, warmup_epochs: 0 }, ctx()), 4.69266, 2e-5);
  });
  it('warm-up scales linearly with epochProgress and saturates at 1', () => {
    const at = (epochProgress: number) => evaluate('dkd', { temperature: 1, warmup_epochs: 4 }, { ...ctx(), epochProgress });
    close(at(1), 4.69266 / 4, 2e-5);
    close(at(2), 4.69266 / 2, 2e-5);
    close(at(9), 4.69266, 2e-5);
    close(at(0), 0);
  });
  for (const temperature of [1, 3]) {
    it(`identity T²·KL = TCKD + (1 − p_t^teacher)·NCKD on random inputs, T=${temperature}`, () => {
      tf.tidy(() => {
        const zs = tf.randomNormal([16, 7], 0, 2, 'float32', 11) as tf.Tensor2D;
        const zt = tf.randomNormal([16, 7], 0, 2, 'float32', 12) as tf.Tensor2D;
        const labels = tf.tensor1d(Array.from({ length: 16 }, (_, i) => (i * 5) % 7), 'int32');
        const kl = softKdRows(zs, zt, temperature).arraySync();
        const { tckd, nckd } = dkdParts(zs, zt, labels, 7, temperature);
        const pt = tf.sum(tf.mul(tf.softmax(tf.div(zt, temperature)), tf.oneHot(labels, 7)), -1).arraySync() as number[];
        const t = tckd.arraySync();
        const n = nckd.arraySync();
        kl.forEach((k, i) => close(t[i] + (1 - pt[i]) * n[i], k, 1e-4 * Math.max(1, k)));
      });
    });
  }
});

describe('similarity (SP)', () => {
  it('Fs=I, Ft=[[1,0],[1,0]] gives 0.292893', () => {
    close(evaluate('similarity', { student_layer: 's', teacher_layer: 't' }, context({ studentFeatures: { s: t2([[1, 0], [0, 1]]) }, teacherFeatures: { t: t2([[1, 0], [1, 0]]) } })), 0.292893);
  });
});

describe('relational (RKD)', () => {
  const s = () => t2([[0, 0], [1, 0], [0, 1]]);
  const t = () => t2([[0, 0], [2, 0], [0, 1]]);
  it('distance term 0.018484, angle term 0.003801', () => {
    close(rkdDistance(s(), t()).dataSync()[0], 0.018484);
    close(rkdAngle(s(), t()).dataSync()[0], 0.003801);
  });
  it('the term is 25·distance + 50·angle by default, on the logits when no layers are named', () => {
    close(evaluate('relational', {}, context({ studentLogits: s(), teacherLogits: t() })), 25 * 0.0184845 + 50 * 0.0038012, 1e-4);
  });
  it('reads named layers and honours its weights', () => {
    const ctx = context({ studentFeatures: { a: s() }, teacherFeatures: { b: t() } });
    close(evaluate('relational', { student_layer: 'a', teacher_layer: 'b', distance_weight: 1, angle_weight: 0 }, ctx), 0.018484);
  });
  it('rejects a half-named pair with the term id in the message', () => {
    assert.throws(() => evaluate('relational', { student_layer: 'a' }, context({})), /relational "relational".*both teacher_layer and student_layer/);
  });
});

describe('pkt', () => {
  it('s=I, t=[[1,0],[1,1]] gives 0.017317', () => {
    close(evaluate('pkt', {}, context({ studentLogits: t2([[1, 0], [0, 1]]), teacherLogits: t2([[1, 0], [1, 1]]) })), 0.017317);
  });
});

describe('attention (AT)', () => {
  // NHWC: student 2 channels, each 1 at (0,0); teacher ch0 = [[1,1],[0,0]], ch1 = 0.
  const student = () => tf.tensor4d([[[[1, 1], [0, 0]], [[0, 0], [0, 0]]]]);
  const teacher = () => tf.tensor4d([[[[1, 0], [1, 0]], [[0, 0], [0, 0]]]]);
  const sh = shapes({ s: [2, 2, 2] }, { t: [2, 2, 2] });
  it('gives 0.146447', () => {
    close(evaluate('attention', { pairs: [{ student_layer: 's', teacher_layer: 't' }], p: 2 }, context({ studentFeatures: { s: student() }, teacherFeatures: { t: teacher() } }), sh), 0.146447);
  });
  it('sums over pairs', () => {
    const pair = { student_layer: 's', teacher_layer: 't' };
    close(evaluate('attention', { pairs: [pair, pair] }, context({ studentFeatures: { s: student() }, teacherFeatures: { t: teacher() } }), sh), 2 * 0.146447);
  });
  it('average-pools the larger map to the smaller one', () => {
    // Teacher 4×4 whose 2×2 blocks repeat the 2×2 map above: pooled, it is that map.
    const small = [[1, 1], [0, 0]];
    const big = Array.from({ length: 4 }, (_, i) => Array.from({ length: 4 }, (_, j) => [small[i >> 1][j >> 1], 0]));
    const ctx = context({ studentFeatures: { s: student() }, teacherFeatures: { t: tf.tensor4d([big]) } });
    // mean_c F² of the big map is 0.5 where small is 1, so the pooled map is proportional to the small one.
    close(evaluate('attention', { pairs: [{ student_layer: 's', teacher_layer: 't' }] }, ctx, shapes({ s: [2, 2, 2] }, { t: [4, 4, 2] })), 0.146447);
  });
  it('adaptive pooling matrix follows PyTorch (7 → 3)', () => {
    const m = adaptivePoolMatrix(7, 3);
    assert.deepEqual(m.map((r) => r.map((x) => (x > 0 ? 1 : 0))), [[1, 1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1, 1]]);
  });
  it('rejects a dense layer with a clear message', () => {
    assert.throws(() => evaluate('attention', { pairs: [{ student_layer: 's', teacher_layer: 't' }] }, context({}), shapes({ s: [8] }, { t: [8] })), /attention "attention".*feature maps/);
  });
});

describe('hint (FitNets)', () => {
  const ctx = () => context({ studentFeatures: { s: t2([[1, 2]]) }, teacherFeatures: { t: t2([[2, 0]]) } });
  const sh = shapes({ s: [2] }, { t: [2] });
  it('mse is ½‖t − s‖² = 2.5, l1 = 3, cosine = 1 − 1/√5 with projection none', () => {
    close(evaluate('hint', { student_layer: 's', teacher_layer: 't', projection: 'none', distance: 'mse' }, ctx(), sh), 2.5);
    close(evaluate('hint', { student_layer: 's', teacher_layer: 't', projection: 'none', distance: 'l1' }, ctx(), sh), 3);
    close(evaluate('hint', { student_layer: 's', teacher_layer: 't', projection: 'none', distance: 'cosine' }, ctx(), sh), 1 - 1 / Math.sqrt(5));
  });
  it('a linear projection owns trainable variables sized student → teacher', async () => {
    const { hint } = await import('../../../src/trainer/losses/hint');
    const { lossConfig } = await import('./fixtures');
    const term = hint.create(lossConfig('hint', { student_layer: 's', teacher_layer: 't' }), shapes({ s: [3] }, { t: [5] }));
    assert.deepEqual(term.trainableVariables.map((v) => v.shape), [[3, 5], [5]]);
    // With W set to zero and b to t, r(s) = t and the loss is 0.
    term.trainableVariables[0].assign(tf.zeros([3, 5]));
    term.trainableVariables[1].assign(tf.tensor1d([1, 2, 3, 4, 5]));
    const v = term.compute(context({ studentFeatures: { s: t2([[9, 9, 9]]) }, teacherFeatures: { t: t2([[1, 2, 3, 4, 5]]) } }));
    close(v.dataSync()[0], 0);
    term.dispose();
  });
  it('conv1x1 maps channels per position and rejects mismatched spatial sizes', async () => {
    const { hint } = await import('../../../src/trainer/losses/hint');
    const { lossConfig } = await import('./fixtures');
    const term = hint.create(lossConfig('hint', { student_layer: 's', teacher_layer: 't', projection: 'conv1x1' }), shapes({ s: [4, 4, 3] }, { t: [4, 4, 6] }));
    assert.deepEqual(term.trainableVariables.map((v) => v.shape), [[3, 6], [6]]);
    term.dispose();
    assert.throws(() => hint.create(lossConfig('hint', { student_layer: 's', teacher_layer: 't', projection: 'conv1x1' }), shapes({ s: [4, 4, 3] }, { t: [2, 2, 6] })), /conv1x1.*same spatial size/);
    assert.throws(() => hint.create(lossConfig('hint', { student_layer: 's', teacher_layer: 't', projection: 'none' }), shapes({ s: [4] }, { t: [5] })), /hint "hint" \(student layer "s" → teacher layer "t"\): projection "none"/);
  });
});

describe('cross_entropy and hard_kd', () => {
  it('cross_entropy with label_smoothing 0.2 on p=[.75,.25], label 0 is 0.397543', () => {
    close(evaluate('cross_entropy', { label_smoothing: 0.2 }, context({ studentLogits: t2([[Math.log(3), 0]]), labels: labelsOf([0]) })), 0.397543);
  });
  it('cross_entropy without smoothing is −log p_label', () => {
    close(evaluate('cross_entropy', {}, context({ studentLogits: t2([[Math.log(3), 0]]), labels: labelsOf([1]) })), Math.log(4));
  });
  it('hard_kd uses the teacher argmax, not the label', () => {
    close(evaluate('hard_kd', {}, context({ studentLogits: t2([[1, 2, 3]]), teacherLogits: t2([[3, 2, 1]]), labels: labelsOf([2]) })), 2.407606);
  });
});
