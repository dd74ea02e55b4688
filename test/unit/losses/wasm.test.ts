// Runs use the wasm backend: every method's loss and gradient there must match the cpu backend,
// and every kernel it needs must exist (wasm has no silent fallback).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/trainer/backend/initBackend';
import type { LossDefinition } from '../../../src/trainer/losses/types';
import { getLossDefinition } from '../../../src/trainer/losses/registry';
import { lossConfig, shapes, useCpu } from './fixtures';
import { cases } from './gradientCases';

interface Outcome { loss: number; grad: number[]; discriminator?: Record<string, number> }

function runAll(): Outcome[] {
  return cases.map((c) => {
    const def = getLossDefinition(c.kind) as unknown as LossDefinition;
    const term = def.create(lossConfig(c.kind, c.options), c.shapes ?? shapes({}, {}));
    try {
      return tf.tidy(() => {
        const x0 = c.input();
        const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => term.compute(c.ctx(x)))(x0);
        const outcome: Outcome = { loss: value.dataSync()[0], grad: Array.from(grad.dataSync()) };
        if (term.afterStep) outcome.discriminator = term.afterStep(c.ctx(x0));
        return outcome as unknown as tf.TensorContainer;
      }) as unknown as Outcome;
    } finally {
      term.dispose();
    }
  });
}

let onCpu: Outcome[];
let onWasm: Outcome[];
before(async () => {
  await useCpu();
  onCpu = runAll();
  await initBackend('wasm');
  assert.equal(tf.getBackend(), 'wasm');
  onWasm = runAll();
});
after(useCpu);

describe('wasm backend matches cpu', () => {
  cases.forEach((c, i) => {
    it(c.name, () => {
      const a = onCpu[i];
      const b = onWasm[i];
      assert.ok(Math.abs(a.loss - b.loss) <= 1e-4 * Math.max(1, Math.abs(a.loss)), `loss cpu ${a.loss} wasm ${b.loss}`);
      const norm = Math.sqrt(a.grad.reduce((s, g) => s + g * g, 0));
      const diff = Math.sqrt(a.grad.reduce((s, g, j) => s + (g - b.grad[j]) ** 2, 0));
      assert.ok(diff <= 1e-3 * Math.max(norm, 1e-6), `gradient differs: ${diff} (norm ${norm})`);
      if (a.discriminator) {
        assert.ok(b.discriminator, 'wasm afterStep returned nothing');
        assert.ok(Math.abs(a.discriminator.discriminator_accuracy - b.discriminator.discriminator_accuracy) < 1e-6);
      }
    });
  });
});
