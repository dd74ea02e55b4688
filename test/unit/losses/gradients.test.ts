// Finite-difference checks: each method's analytic gradient w.r.t. the student side.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition, LossTerm } from '../../../src/trainer/losses/types';
import { getLossDefinition } from '../../../src/trainer/losses/registry';
import { lossConfig, shapes, useCpu } from './fixtures';
import { cases } from './gradientCases';

before(useCpu);
const terms: LossTerm[] = [];
after(() => terms.forEach((t) => t.dispose()));

/** Relative L2 error between tf.grad and central differences (float32: h = 1e-2, tolerance 1e-2). */
function gradientError(f: (x: tf.Tensor) => tf.Scalar, x0: tf.Tensor, h = 1e-2): { error: number; norm: number } {
  const analytic = tf.tidy(() => tf.grad(f)(x0).dataSync());
  const base = x0.dataSync();
  const numeric = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const at = (delta: number) => tf.tidy(() => {
      const x = Float32Array.from(base);
      x[i] += delta;
      return f(tf.tensor(x, x0.shape)).dataSync()[0];
    });
    numeric[i] = (at(h) - at(-h)) / (2 * h);
  }
  let diff = 0;
  let norm = 0;
  numeric.forEach((n, i) => { diff += (analytic[i] - n) ** 2; norm += n * n; });
  return { error: Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-8), norm: Math.sqrt(norm) };
}

describe('finite-difference gradient check', () => {
  for (const c of cases) {
    it(c.name, () => {
      const def = getLossDefinition(c.kind) as unknown as LossDefinition;
      const term = def.create(lossConfig(c.kind, c.options), c.shapes ?? shapes({}, {}));
      terms.push(term);
      const x0 = c.input();
      const { error, norm } = gradientError((x) => term.compute(c.ctx(x)), x0);
      assert.ok(norm > 1e-4, `gradient is trivially ~0 (${norm}); the check would prove nothing`);
      assert.ok(error < 1e-2, `relative gradient error ${error}`);
    });
  }
});
