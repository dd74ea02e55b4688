// Decoupled KD: split KD into a target-class part (TCKD) and a non-target part (NCKD).
import * as tf from '@tensorflow/tfjs';
import type { DkdLoss } from '../../core/config/types';
import type { LossDefinition } from './types';
import { batchMean } from './batchMean';
import { klRows, oneHotFloat } from './distributions';

/** Large enough that exp() of it underflows to 0 in float32, small enough to stay finite. */
const MASK = 1e4;

/**
 * Log of the binary distribution b = [p_target, 1 − p_target] at temperature T, B×2, computed in
 * log space: log(1 − p_t) = logsumexp(non-target logits) − logsumexp(all logits).
 */
function logBinary(scaled: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const all = tf.logSumExp(scaled, -1, true);
    const target = tf.sum(tf.mul(scaled, mask), -1, true);
    const others = tf.logSumExp(tf.sub(scaled, tf.mul(mask, MASK)), -1, true);
    return tf.sub(tf.concat([target, others], -1), all) as tf.Tensor2D;
  });
}

/** Log of p̂: softmax over the non-target classes only (the target's entry is ~ −MASK, weight 0). */
function logNonTarget(scaled: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.logSoftmax(tf.sub(scaled, tf.mul(mask, MASK))) as tf.Tensor2D);
}

/** Per-example TCKD and NCKD (each already × T²), shape [B] each. */
export function dkdParts(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, labels: tf.Tensor1D, numClasses: number, temperature: number): { tckd: tf.Tensor1D; nckd: tf.Tensor1D } {
  return tf.tidy(() => {
    const mask = oneHotFloat(labels, numClasses);
    const s = tf.div(studentLogits, temperature) as tf.Tensor2D;
    const t = tf.div(teacherLogits, temperature) as tf.Tensor2D;
    const t2 = temperature * temperature;
    return {
      tckd: tf.mul(klRows(logBinary(t, mask), logBinary(s, mask)), t2) as tf.Tensor1D,
      nckd: tf.mul(klRows(logNonTarget(t, mask), logNonTarget(s, mask)), t2) as tf.Tensor1D,
    };
  });
}

/** min(epochProgress / warmup, 1); no warm-up when warmup is 0. */
export function dkdWarmup(epochProgress: number, warmupEpochs: number): number {
  return warmupEpochs > 0 ? Math.min(Math.max(epochProgress, 0) / warmupEpochs, 1) : 1;
}

export const dkd: LossDefinition<DkdLoss> = {
  kind: 'dkd',
  title: 'Decoupled knowledge distillation',
  paper: 'Zhao, B., Cui, Q., Song, R., Qiu, Y., Liang, J. (2022). Decoupled Knowledge Distillation. CVPR 2022.',
  formula: 'b = [p_target, 1 − p_target] at T;  p̂ = softmax over the non-target classes at T;  TCKD = T²·KL(b_t ‖ b_s);  NCKD = T²·KL(p̂_t ‖ p̂_s);  DKD = min(epoch/warmup_epochs, 1)·(α·TCKD + β·NCKD), batch mean',
  options: [
    { name: 'alpha', description: 'α, the weight of TCKD (how sure the teacher is of the true class).', default: 1 },
    { name: 'beta', description: 'β, the weight of NCKD (how the teacher ranks the wrong classes: the "dark knowledge" that plain KD suppresses).', default: 8 },
    { name: 'temperature', description: 'T, applied to both distributions; both parts are multiplied by T².', default: 4 },
    { name: 'warmup_epochs', description: 'The loss ramps linearly from 0 to full strength over this many epochs of the distill stage (0: no warm-up). The paper\'s 20 suits 240-epoch CIFAR runs; for short runs use about a quarter of training.epochs.', default: 20 },
  ],
  needsTeacher: true,
  perExampleSoft: true,
  teacherLayers: () => [],
  studentLayers: () => [],
  create(config) {
    if (!(config.temperature > 0)) throw new Error(`dkd "${config.id}": temperature must be > 0, got ${config.temperature}`);
    if (!(config.warmup_epochs >= 0)) throw new Error(`dkd "${config.id}": warmup_epochs must be ≥ 0, got ${config.warmup_epochs}`);
    return {
      trainableVariables: [],
      compute: (ctx) => tf.tidy(() => {
        const { tckd, nckd } = dkdParts(ctx.studentLogits, ctx.teacherLogits, ctx.labels, ctx.numClasses, config.temperature);
        const perExample = tf.add(tf.mul(config.alpha, tckd), tf.mul(config.beta, nckd)) as tf.Tensor1D;
        return tf.mul(batchMean(perExample, ctx.exampleWeights), dkdWarmup(ctx.epochProgress, config.warmup_epochs)) as tf.Scalar;
      }),
      dispose: () => undefined,
    };
  },
};
