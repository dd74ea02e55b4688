// Adversarial distillation: the discriminator learns, the student learns to fool it, metrics are sane.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { AdversarialLoss, DistillationConfig } from '../../../src/core/config/types';
import { adversarial } from '../../../src/trainer/losses/adversarial';
import { context, lossConfig, shapes, useCpu } from './fixtures';
import { firstAndLast, mlp, train } from './trainingHarness';

before(useCpu);
let x: tf.Tensor2D;
let labels: tf.Tensor1D;
before(() => {
  x = tf.randomNormal([24, 8], 0, 1, 'float32', 5) as tf.Tensor2D;
  labels = tf.tensor1d(Array.from({ length: 24 }, (_, i) => i % 4), 'int32');
});
after(() => tf.dispose([x, labels]));

const config = (options: Record<string, unknown> = {}): AdversarialLoss => lossConfig('adversarial', { hidden_units: [16], discriminator_learning_rate: 0.01, ...options });

describe('adversarial', () => {
  it('alternating training reports discriminator_accuracy in [0, 1] every step', () => {
    const r = train({ losses: [config()], weighting: 'fixed' }, mlp('s', 8, 6, 4, 20), mlp('t', 8, 16, 4, 10), x, labels, 30);
    assert.equal(r.metrics.length, 30);
    for (const m of r.metrics) {
      assert.ok(m.discriminator_accuracy >= 0 && m.discriminator_accuracy <= 1, JSON.stringify(m));
      assert.ok(Number.isFinite(m.discriminator_loss));
    }
    assert.ok(r.losses.every(Number.isFinite));
  });

  it('the discriminator learns to separate teacher from a frozen student', () => {
    const term = adversarial.create(config(), shapes({}, {}));
    const ctx = context({
      studentLogits: tf.randomNormal([32, 4], -2, 0.5, 'float32', 1) as tf.Tensor2D,
      teacherLogits: tf.randomNormal([32, 4], 2, 0.5, 'float32', 2) as tf.Tensor2D,
    });
    tf.dispose(term.compute(ctx));
    const steps = Array.from({ length: 40 }, () => term.afterStep!(ctx));
    const loss = firstAndLast(steps.map((m) => m.discriminator_loss));
    assert.ok(loss.last < 0.5 * loss.first, `discriminator loss ${loss.first} → ${loss.last}`);
    assert.equal(steps[steps.length - 1].discriminator_accuracy, 1);
    term.dispose();
  });

  it('against a fixed discriminator, the student lowers its generator loss', () => {
    // afterStep off: the discriminator stays as initialised, so the student's loss must fall.
    const r = train({ losses: [config()], weighting: 'fixed' } as DistillationConfig, mlp('s', 8, 6, 4, 20), mlp('t', 8, 16, 4, 10), x, labels, 30, { afterStep: false });
    const { first, last } = firstAndLast(r.losses);
    assert.ok(last < 0.8 * first, `generator loss ${first} → ${last}`);
  });

  it('on a layer pair, the student side is projected to the teacher width and the projection trains', () => {
    const teacher = mlp('t', 8, 16, 4, 10);
    const student = mlp('s', 8, 6, 4, 20);
    const term = adversarial.create(config({ on: { teacher_layer: 't_hidden', student_layer: 's_hidden' } }), shapes({ s_hidden: [6] }, { t_hidden: [16] }));
    assert.deepEqual(term.trainableVariables.map((v) => v.shape), [[6, 16], [16]]);
    assert.deepEqual(adversarial.teacherLayers(config({ on: { teacher_layer: 't_hidden', student_layer: 's_hidden' } })), ['t_hidden']);
    term.dispose();
    const r = train({ losses: [config({ on: { teacher_layer: 't_hidden', student_layer: 's_hidden' } })], weighting: 'fixed' }, student, teacher, x, labels, 20);
    assert.ok(r.metrics.every((m) => m.discriminator_accuracy >= 0 && m.discriminator_accuracy <= 1));
    teacher.dispose();
    student.dispose();
  });

  it('its variables stay out of "every trainable variable"', () => {
    const term = adversarial.create(config(), shapes({}, {}));
    const ctx = context({ studentLogits: tf.ones([2, 3]) as tf.Tensor2D, teacherLogits: tf.zeros([2, 3]) as tf.Tensor2D });
    const before = Object.values(tf.engine().registeredVariables).filter((v) => v.trainable).length;
    tf.dispose(term.compute(ctx));
    term.afterStep!(ctx);
    assert.equal(Object.values(tf.engine().registeredVariables).filter((v) => v.trainable).length, before);
    term.dispose();
  });

  it('its state round-trips into a fresh term: the lazily created discriminator and its Adam continue exactly', async () => {
    const ctx = context({
      studentLogits: tf.randomNormal([16, 4], -1, 1, 'float32', 3) as tf.Tensor2D,
      teacherLogits: tf.randomNormal([16, 4], 1, 1, 'float32', 4) as tf.Tensor2D,
    });
    const a = adversarial.create(config(), shapes({}, {}));
    for (let i = 0; i < 5; i++) a.afterStep!(ctx);
    const saved = await a.state!.save();
    assert.deepEqual(saved.map((t) => t.name), ['discriminator/0/w', 'discriminator/0/b', 'discriminator/1/w', 'discriminator/1/b', 'optimizer/0', ...Array.from({ length: 8 }, (_, k) => `optimizer/${k + 1}`)]);
    assert.equal(saved[4].tensor.dataSync()[0], 5, 'Adam iteration count');
    // Created on its first batch in `a`; `b` has seen none, so load must create it at the saved width.
    const b = adversarial.create(config(), shapes({}, {}));
    await b.state!.load(saved);
    tf.dispose(saved.map((t) => t.tensor));
    const [ma, mb] = [a.afterStep!(ctx), b.afterStep!(ctx)];
    assert.deepEqual(mb, ma, 'the next discriminator step is the same');
    // Adam's setWeights recomputes β^t with pow() where a running Adam multiplied it up step by
    // step, so the bias correction may differ in its last bit: weights agree to ~1 ulp.
    const [sa, sb] = [await a.state!.save(), await b.state!.save()];
    sa.forEach((t, i) => {
      const [x, y] = [t.tensor.dataSync(), sb[i].tensor.dataSync()];
      assert.equal(y.length, x.length);
      x.forEach((v, j) => assert.ok(Math.abs(v - y[j]) <= 1e-6 * Math.max(1, Math.abs(v)), `${t.name}[${j}]: ${v} vs ${y[j]}`));
    });
    tf.dispose([...sa, ...sb].map((t) => t.tensor));
    a.dispose();
    b.dispose();
  });

  it('a saved discriminator of another shape is refused with the term id', async () => {
    const ctx = context({ studentLogits: tf.ones([2, 3]) as tf.Tensor2D, teacherLogits: tf.zeros([2, 3]) as tf.Tensor2D });
    const a = adversarial.create(config(), shapes({}, {}));
    a.afterStep!(ctx);
    const saved = await a.state!.save();
    const b = adversarial.create(config({ hidden_units: [16, 8] }), shapes({}, {}));
    await assert.rejects(b.state!.load(saved), /adversarial "adversarial": the checkpoint's discriminator .* does not match hidden_units \[16,8\]/);
    tf.dispose(saved.map((t) => t.tensor));
    a.dispose();
    b.dispose();
  });

  it('rejects bad options with the term id', () => {
    assert.throws(() => adversarial.create(config({ discriminator_learning_rate: 0 }), shapes({}, {})), /adversarial "adversarial": discriminator_learning_rate must be > 0/);
    assert.throws(() => adversarial.create(config({ hidden_units: [4.5] }), shapes({}, {})), /hidden_units must be positive integers/);
  });
});
