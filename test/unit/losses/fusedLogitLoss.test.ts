// The fused cross-entropy + soft-KD kernel: the reference numbers, the same values and gradients
// as the general path (cpu and wasm), finite differences, and when the objective uses it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { DistillationConfig, LossConfig } from '../../../src/core/config/types';
import { initBackend } from '../../../src/trainer/backend/initBackend';
import { fusedLogitLoss, LABEL_LOSS, LOGIT_LOSS, LOGIT_LOSS_GRAD, type LogitTerm } from '../../../src/trainer/losses/fusedLogitLoss';
import { createObjective } from '../../../src/trainer/losses/objective';
import { crossEntropyObjective } from '../../../src/trainer/loop/objective';
import { context, gradientError, labelsOf, lossConfig, shapes, t2, useCpu } from './fixtures';

const close = (actual: number, expected: number, tol = 1e-5) =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
const opts = { stepsPerEpoch: 10, totalEpochs: 4 };
const distill = (losses: LossConfig[], weighting: DistillationConfig['weighting'] = 'fixed'): DistillationConfig => ({ losses, weighting });
const kd = (temperature: number): LogitTerm => ({ kind: 'soft_kd', temperature });
const ce = (labelSmoothing = 0): LogitTerm => ({ kind: 'cross_entropy', labelSmoothing });
const fusedTotal = (s: tf.Tensor2D, t: tf.Tensor2D | undefined, labels: tf.Tensor1D, terms: LogitTerm[], weights = terms.map(() => 1)) =>
  tf.tidy(() => fusedLogitLoss(s, t, labels, terms, weights).total.dataSync()[0]);

before(useCpu);
after(useCpu);

describe('fused logit loss: reference values (/work/shared/reference.md)', () => {
  it('soft_kd at T=1 for zt=[ln 3, 0], zs=[0, 0] is 0.130812', () => {
    close(fusedTotal(t2([[0, 0]]), t2([[Math.log(3), 0]]), labelsOf([0]), [kd(1)]), 0.130812);
  });
  for (const [temperature, expected] of [[1, 1.150421], [2, 1.280627], [4, 1.31963]]) {
    it(`soft_kd T=${temperature}: T²·KL = ${expected}`, () => {
      close(fusedTotal(t2([[1, 2, 3]]), t2([[3, 2, 1]]), labelsOf([0]), [kd(temperature)]), expected);
    });
  }
  it('cross_entropy with label_smoothing 0.2 on p=[.75,.25], label 0 is 0.397543; without, −log p_label', () => {
    close(fusedTotal(t2([[Math.log(3), 0]]), undefined, labelsOf([0]), [ce(0.2)]), 0.397543);
    close(fusedTotal(t2([[Math.log(3), 0]]), undefined, labelsOf([1]), [ce()]), Math.log(4));
  });
  it('total = Σ w·term, each term reported unweighted, batch mean', () => {
    const r = tf.tidy(() => {
      const out = fusedLogitLoss(t2([[1, 2, 3], [0, 0, 0]]), t2([[3, 2, 1], [0, 0, 0]]), labelsOf([0, 2]), [ce(), kd(2)], [0.1, 0.9]);
      return [out.total, ...out.values].map((v) => v.dataSync()[0]);
    });
    const ceValue = (-Math.log(Math.exp(1) / (Math.exp(1) + Math.exp(2) + Math.exp(3))) + Math.log(3)) / 2;
    close(r[1], ceValue);
    close(r[2], 1.280627 / 2);
    close(r[0], 0.1 * ceValue + 0.9 * 1.280627 / 2);
  });
});

/** The objective's total and gradients w.r.t. student and teacher logits, fused or not. */
function objectiveOutcome(losses: LossConfig[], fuse: boolean, input: { s: tf.Tensor2D; t: tf.Tensor2D; labels: tf.Tensor1D; epochProgress?: number }) {
  const o = createObjective(distill(losses), shapes({}, {}), { ...opts, fuse });
  try {
    return tf.tidy(() => {
      const ctxOf = (s: tf.Tensor2D, t: tf.Tensor2D) => ({ ...context({ studentLogits: s, teacherLogits: t, labels: input.labels }), epochProgress: input.epochProgress ?? 0 });
      const r = o.compute(ctxOf(input.s, input.t));
      const terms = Object.fromEntries(Object.entries(r.terms).map(([k, v]) => [k, v.value.dataSync()[0]]));
      // Without a soft_kd term nothing depends on the teacher: its gradient is left out.
      const withTeacher = losses.some((l) => l.kind === 'soft_kd');
      const [gs, gt] = withTeacher
        ? tf.grads((s: tf.Tensor, t: tf.Tensor) => o.compute(ctxOf(s as tf.Tensor2D, t as tf.Tensor2D)).total)([input.s, input.t])
        : [tf.grad((s: tf.Tensor) => o.compute(ctxOf(s as tf.Tensor2D, input.t)).total)(input.s)];
      return { total: r.total.dataSync()[0], terms, gs: Array.from(gs.dataSync()), gt: gt ? Array.from(gt.dataSync()) : [] } as unknown as tf.TensorContainer;
    }) as unknown as { total: number; terms: Record<string, number>; gs: number[]; gt: number[] };
  } finally {
    o.dispose();
  }
}

const randomInput = (seed: number, labels: number[]) => ({
  s: tf.randomNormal([labels.length, 10], 0, 3, 'float32', seed) as tf.Tensor2D,
  t: tf.randomNormal([labels.length, 10], 0, 3, 'float32', seed + 1) as tf.Tensor2D,
  labels: tf.tensor1d(labels, 'int32'),
});

const combos: { name: string; losses: () => LossConfig[]; epochProgress?: number }[] = [
  { name: '0.1·CE + 0.9·KD(T=4), the default experiment', losses: () => [lossConfig('cross_entropy', {}, 0.1), lossConfig('soft_kd', { temperature: 4 }, 0.9)] },
  { name: 'label smoothing 0.1 + KD(T=2)', losses: () => [lossConfig('cross_entropy', { label_smoothing: 0.1 }, 0.5), lossConfig('soft_kd', { temperature: 2 }, 2)] },
  { name: 'KD alone at T=1', losses: () => [lossConfig('soft_kd', { temperature: 1 })] },
  { name: 'CE alone', losses: () => [lossConfig('cross_entropy')] },
  {
    name: 'two KD terms and a ramped CE weight',
    losses: () => [{ ...lossConfig('soft_kd', { temperature: 3 }, 0.3), id: 'kd3' }, { ...lossConfig('soft_kd', { temperature: 8 }, 0.7), id: 'kd8' }, lossConfig('cross_entropy', {}, { kind: 'ramp', from: 0, to: 1, shape: 'linear', over: 'epochs' })],
    epochProgress: 1.5,
  },
];

function compareFusedToGeneral(backendLabel: string): void {
  describe(`fused objective equals the general path (${backendLabel})`, () => {
    for (const c of combos) {
      it(c.name, () => {
        // Label -1 and 10 are outside the classes: oneHot gives no hot class, the kernel must too.
        const labels = [0, 3, 9, 1, 4, 4, 7, 2, -1, 10, 5, 6];
        const input = { ...randomInput(5, labels), epochProgress: c.epochProgress };
        const general = objectiveOutcome(c.losses(), false, input);
        const fused = objectiveOutcome(c.losses(), true, input);
        tf.dispose([input.s, input.t, input.labels]);
        close(fused.total, general.total, 1e-5 * Math.max(1, Math.abs(general.total)));
        for (const [id, v] of Object.entries(general.terms)) close(fused.terms[id], v, 1e-5 * Math.max(1, Math.abs(v)));
        for (const [a, b, what] of [[fused.gs, general.gs, 'student'], [fused.gt, general.gt, 'teacher']] as const) {
          const norm = Math.sqrt(b.reduce((s, g) => s + g * g, 0));
          const diff = Math.sqrt(b.reduce((s, g, j) => s + (g - a[j]) ** 2, 0));
          assert.ok(diff <= 1e-5 * Math.max(norm, 1e-6), `${what} gradient differs by ${diff} (norm ${norm})`);
        }
      });
    }
  });
}

compareFusedToGeneral('cpu');

describe('fused logit loss on wasm', () => {
  before(async () => { await initBackend('wasm'); });
  after(useCpu);
  compareFusedToGeneral('wasm');
});

describe('fused logit loss: finite-difference gradients', () => {
  const s0 = () => tf.randomNormal([4, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
  const t0 = () => tf.randomNormal([4, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
  const labels = () => tf.tensor1d([0, 3, 1, 4], 'int32');
  const terms = [ce(0.1), kd(2)];
  const weights = [0.4, 0.6];
  it('with respect to the student logits', () => {
    const t = t0();
    const y = labels();
    const { error, norm } = gradientError((x) => fusedLogitLoss(x as tf.Tensor2D, t, y, terms, weights).total, s0());
    assert.ok(norm > 1e-4 && error < 1e-2, `relative error ${error} (norm ${norm})`);
  });
  it('with respect to the teacher logits', () => {
    const s = s0();
    const y = labels();
    const { error, norm } = gradientError((x) => fusedLogitLoss(s, x as tf.Tensor2D, y, terms, weights).total, t0());
    assert.ok(norm > 1e-4 && error < 1e-2, `relative error ${error} (norm ${norm})`);
  });
  it('through a term\'s own output, not only the total', () => {
    const t = t0();
    const y = labels();
    const { error, norm } = gradientError((x) => fusedLogitLoss(x as tf.Tensor2D, t, y, terms, weights).values[1], s0());
    assert.ok(norm > 1e-4 && error < 1e-2, `relative error ${error} (norm ${norm})`);
  });
});

describe('when the fused kernel is used', () => {
  const kernelsOf = async (f: () => unknown) => (await tf.profile(() => { tf.tidy(() => { f(); }); })).kernels.map((k) => k.name);
  const batch = () => context({ studentLogits: t2([[1, 2, 3], [0.5, 0, -1]]), teacherLogits: t2([[3, 2, 1], [2, 0, 0]]), labels: labelsOf([0, 2]) });
  const step = (losses: LossConfig[], weighting: DistillationConfig['weighting'] = 'fixed', fuse = true) => async () => {
    const o = createObjective(distill(losses, weighting), shapes({}, {}), { ...opts, fuse });
    const ctx = batch();
    const v = tf.variable(ctx.studentLogits);
    try {
      return await kernelsOf(() => tf.variableGrads(() => o.compute({ ...ctx, studentLogits: v }).total, [v]));
    } finally {
      o.dispose();
      v.dispose();
    }
  };
  it('fixed weighting over cross_entropy and soft_kd: one kernel forward, one backward', async () => {
    const names = await step([lossConfig('cross_entropy', {}, 0.1), lossConfig('soft_kd', {}, 0.9)])();
    assert.equal(names.filter((n) => n === LOGIT_LOSS).length, 1);
    assert.ok(!names.includes('LogSoftmax') && !names.includes('Exp'), names.join(','));
  });
  it('not under uncertainty or confidence weighting, with other kinds, or when switched off', async () => {
    for (const names of [
      await step([lossConfig('cross_entropy'), lossConfig('soft_kd')], 'uncertainty')(),
      await step([lossConfig('cross_entropy'), lossConfig('soft_kd')], 'confidence')(),
      await step([lossConfig('soft_kd'), lossConfig('hard_kd')])(),
      await step([lossConfig('soft_kd')], 'fixed', false)(),
    ]) assert.ok(!names.includes(LOGIT_LOSS) && !names.includes(LOGIT_LOSS_GRAD), names.join(','));
  });
  it('the teacher and baseline objective (plain cross-entropy) runs as the label-only kernel', async () => {
    const o = crossEntropyObjective();
    const ctx = batch();
    const v = tf.variable(ctx.studentLogits);
    const names = await kernelsOf(() => tf.variableGrads(() => o.compute({ ...ctx, studentLogits: v }).total, [v]));
    v.dispose();
    assert.ok(names.includes(LABEL_LOSS) && names.includes(LOGIT_LOSS_GRAD), names.join(','));
    const general = crossEntropyObjective({ fuse: false });
    const a = tf.tidy(() => o.compute(ctx).total.dataSync()[0]);
    const b = tf.tidy(() => general.compute(ctx).total.dataSync()[0]);
    close(a, b);
  });
  it('leaks no tensors across training steps', () => {
    const o = createObjective(distill([lossConfig('cross_entropy', {}, 0.1), lossConfig('soft_kd', {}, 0.9)]), shapes({}, {}), opts);
    const ctx = batch();
    const w = tf.variable(tf.eye(3));
    const opt = tf.train.sgd(0.1);
    const run = () => tf.tidy(() => { opt.minimize(() => o.compute({ ...ctx, studentLogits: tf.matMul(ctx.studentLogits, w) as tf.Tensor2D }).total, false, [w]); });
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    assert.equal(tf.memory().numTensors, before);
    opt.dispose();
    o.dispose();
  });
});
