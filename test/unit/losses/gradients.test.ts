// Finite-difference checks: each method's analytic gradient w.r.t. the student side.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LossDefinition, LossTerm } from '../../../src/trainer/losses/types';
import { getLossDefinition } from '../../../src/trainer/losses/registry';
import { gradientError, lossConfig, shapes, useCpu } from './fixtures';
import { cases } from './gradientCases';

before(useCpu);
const terms: LossTerm[] = [];
after(() => terms.forEach((t) => t.dispose()));

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
