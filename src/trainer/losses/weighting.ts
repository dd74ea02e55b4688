// How the terms' weighted losses are combined into the total: fixed, uncertainty, confidence.
import * as tf from '@tensorflow/tfjs';
import type { WeightingMode } from '../../core/config/types';
import type { LossContext } from './types';
import { oneHotFloat } from './distributions';

export interface WeightedTerm { id: string; value: tf.Scalar; weight: number }

export interface Weighting {
  /** Learned parameters (uncertainty's log-variances); they train with the student. */
  readonly trainableVariables: tf.Variable[];
  /** Per-example weights for the terms marked `perExampleSoft`, or undefined. No gradient flows through them. */
  exampleWeights(ctx: LossContext): tf.Tensor1D | undefined;
  /** The total, inside the tape. */
  combine(terms: WeightedTerm[]): tf.Scalar;
  /** Scalars for the step event, e.g. `log_var/<id>`. */
  metrics(): Record<string, number>;
  dispose(): void;
}

export interface WeightingDefinition {
  mode: WeightingMode;
  title: string;
  paper?: string;
  formula: string;
  create(termIds: string[]): Weighting;
}

function fixedSum(terms: WeightedTerm[]): tf.Scalar {
  return tf.tidy(() => (terms.length ? tf.addN(terms.map((t) => tf.mul(t.value, t.weight))) : tf.scalar(0)) as tf.Scalar);
}

export const fixedWeighting: WeightingDefinition = {
  mode: 'fixed',
  title: 'Fixed weights',
  formula: 'L = Σ_i w_i·L_i  (w_i from each term\'s weight or schedule)',
  create: () => ({
    trainableVariables: [],
    exampleWeights: () => undefined,
    combine: fixedSum,
    metrics: () => ({}),
    dispose: () => undefined,
  }),
};

export const uncertaintyWeighting: WeightingDefinition = {
  mode: 'uncertainty',
  title: 'Learned uncertainty weights',
  paper: 'Kendall, A., Gal, Y., Cipolla, R. (2018). Multi-Task Learning Using Uncertainty to Weigh Losses for Scene Geometry and Semantics. CVPR 2018.',
  formula: 'L = Σ_i ½·exp(−s_i)·w_i·L_i + ½·s_i,  s_i = log σ_i² learned with the student (initially 0)',
  create(termIds) {
    const logVars = new Map(termIds.map((id) => [id, tf.tidy(() => tf.variable(tf.scalar(0), true))] as const));
    return {
      trainableVariables: [...logVars.values()],
      exampleWeights: () => undefined,
      combine: (terms) => tf.tidy(() => {
        // A term whose weight is 0 right now (e.g. a ramp from 0) is left out entirely: with
        // nothing to balance, ½·s_i alone would push its s_i down without bound.
        const parts = terms.filter((t) => t.weight !== 0).map((t) => {
          const s = logVars.get(t.id);
          if (!s) throw new Error(`uncertainty weighting: no log-variance for term "${t.id}"`);
          return tf.add(tf.mul(tf.mul(0.5, tf.exp(tf.neg(s))), tf.mul(t.value, t.weight)), tf.mul(0.5, s));
        });
        return (parts.length ? tf.addN(parts) : tf.scalar(0)) as tf.Scalar;
      }),
      metrics: () => {
        const out: Record<string, number> = {};
        for (const [id, s] of logVars) {
          const value = s.dataSync()[0];
          out[`log_var/${id}`] = value;
          out[`effective_weight/${id}`] = 0.5 * Math.exp(-value);
        }
        return out;
      },
      dispose: () => logVars.forEach((v) => v.dispose()),
    };
  },
};

export const confidenceWeighting: WeightingDefinition = {
  mode: 'confidence',
  title: 'Teacher-confidence weighting',
  formula: 'c_b = softmax(z_t)_b[y_b];  each soft term uses (1/B)·Σ_b c_b·ℓ_b instead of its plain batch mean;  L = Σ_i w_i·L_i',
  create: () => ({
    trainableVariables: [],
    exampleWeights: (ctx) => tf.tidy(() => {
      const probs = tf.softmax(ctx.teacherLogits);
      // Built from the teacher's logits only, which are constants in the student's tape.
      return tf.sum(tf.mul(probs, oneHotFloat(ctx.labels, ctx.numClasses)), -1) as tf.Tensor1D;
    }),
    combine: fixedSum,
    metrics: () => ({}),
    dispose: () => undefined,
  }),
};

export const weightingRegistry: { readonly [M in WeightingMode]: WeightingDefinition } = {
  fixed: fixedWeighting,
  uncertainty: uncertaintyWeighting,
  confidence: confidenceWeighting,
};

export function createWeighting(mode: WeightingMode, termIds: string[]): Weighting {
  const def = (weightingRegistry as Record<string, WeightingDefinition | undefined>)[mode];
  if (!def) throw new Error(`unknown distillation.weighting "${String(mode)}"; known: ${Object.keys(weightingRegistry).join(', ')}`);
  return def.create(termIds);
}
