// FitNets: pull a (projected) student feature towards a teacher feature.
import * as tf from '@tensorflow/tfjs';
import type { HintLoss } from '../../core/config/types';
import type { LossDefinition } from './types';
import { batchMean } from './batchMean';
import { flattenBatch, l2NormaliseRows } from './featureGeometry';
import { createProjection, seedFrom } from './projection';

/** Per-example distance between two B×D matrices, shape [B]. */
export function hintDistanceRows(target: tf.Tensor2D, prediction: tf.Tensor2D, distance: HintLoss['distance']): tf.Tensor1D {
  return tf.tidy(() => {
    switch (distance) {
      case 'mse': return tf.mul(0.5, tf.sum(tf.square(tf.sub(target, prediction)), -1)) as tf.Tensor1D;
      case 'l1': return tf.sum(tf.abs(tf.sub(target, prediction)), -1) as tf.Tensor1D;
      case 'cosine': return tf.sub(1, tf.sum(tf.mul(l2NormaliseRows(target), l2NormaliseRows(prediction)), -1)) as tf.Tensor1D;
      default: {
        const never: never = distance;
        throw new Error(`hint: unknown distance ${String(never)}`);
      }
    }
  });
}

export const hint: LossDefinition<HintLoss> = {
  kind: 'hint',
  title: 'Hint learning (FitNets)',
  paper: 'Romero, A., Ballas, N., Kahou, S. E., Chassang, A., Gatta, C., Bengio, Y. (2015). FitNets: Hints for Thin Deep Nets. ICLR 2015.',
  formula: 'mse: (1/B)·Σ_b ½‖F_t,b − r(F_s,b)‖²;  l1: (1/B)·Σ_b ‖F_t,b − r(F_s,b)‖₁;  cosine: (1/B)·Σ_b (1 − cos(F_t,b, r(F_s,b)))',
  options: [
    { name: 'teacher_layer', description: 'Name of the teacher layer whose activation is the hint.' },
    { name: 'student_layer', description: 'Name of the student layer (the "guided" layer) that learns to predict the hint.' },
    { name: 'projection', description: 'The trainable regressor r: linear (dense on the flattened feature), conv1x1 (per-position channel map; spatial sizes must match) or none (sizes must match).', default: 'linear' },
    { name: 'distance', description: 'mse (½ squared L2, as in the paper), l1, or cosine (1 − cosine similarity).', default: 'mse' },
  ],
  needsTeacher: true,
  perExampleSoft: false,
  teacherLayers: (c) => [c.teacher_layer],
  studentLayers: (c) => [c.student_layer],
  create(config, shapes) {
    const label = `hint "${config.id}" (student layer "${config.student_layer}" → teacher layer "${config.teacher_layer}")`;
    const projection = createProjection(config.projection, shapes.student(config.student_layer), shapes.teacher(config.teacher_layer), label, seedFrom(config.id));
    return {
      trainableVariables: projection.variables,
      compute: (ctx) => tf.tidy(() => {
        const predicted = flattenBatch(projection.apply(ctx.studentFeature(config.student_layer)));
        const target = flattenBatch(ctx.teacherFeature(config.teacher_layer));
        return batchMean(hintDistanceRows(target, predicted, config.distance));
      }),
      dispose: () => projection.dispose(),
    };
  },
};
