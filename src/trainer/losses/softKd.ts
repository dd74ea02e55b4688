// Hinton et al. 2015: match the teacher's temperature-softened distribution.
import * as tf from '@tensorflow/tfjs';
import type { SoftKdLoss } from '../../core/config/types';
import type { LossDefinition } from './types';
import { batchMean } from './batchMean';
import { klRows } from './distributions';

/** T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) per example, shape [B]. */
export function softKdRows(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D, temperature: number): tf.Tensor1D {
  return tf.tidy(() => {
    const logPt = tf.logSoftmax(tf.div(teacherLogits, temperature)) as tf.Tensor2D;
    const logPs = tf.logSoftmax(tf.div(studentLogits, temperature)) as tf.Tensor2D;
    // T² keeps the gradient's scale independent of the temperature (Hinton et al., §2).
    return tf.mul(klRows(logPt, logPs), temperature * temperature) as tf.Tensor1D;
  });
}

export const softKd: LossDefinition<SoftKdLoss> = {
  kind: 'soft_kd',
  title: 'Soft-target knowledge distillation',
  paper: 'Hinton, G., Vinyals, O., Dean, J. (2015). Distilling the Knowledge in a Neural Network. NIPS 2014 Deep Learning Workshop; arXiv:1503.02531.',
  formula: 'KD = T²·(1/B)·Σ_b KL(softmax(z_t/T) ‖ softmax(z_s/T))',
  options: [
    { name: 'temperature', description: 'T: softens both distributions so the teacher\'s small probabilities ("dark knowledge") carry signal.', default: 4 },
  ],
  needsTeacher: true,
  perExampleSoft: true,
  teacherLayers: () => [],
  studentLayers: () => [],
  create(config) {
    const t = config.temperature;
    if (!(t > 0)) throw new Error(`soft_kd "${config.id}": temperature must be > 0, got ${t}`);
    return {
      trainableVariables: [],
      compute: (ctx) => tf.tidy(() => batchMean(softKdRows(ctx.studentLogits, ctx.teacherLogits, t), ctx.exampleWeights)),
      dispose: () => undefined,
    };
  },
};
