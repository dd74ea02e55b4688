// Similarity-preserving KD: examples similar for the teacher should be similar for the student.
import * as tf from '@tensorflow/tfjs';
import type { SimilarityLoss } from '../../core/config/types';
import type { LossDefinition } from './types';
import { flattenBatch, gram, l2NormaliseRows } from './featureGeometry';

/** ‖G̃_t − G̃_s‖_F² / B² with G = F·Fᵀ, rows L2-normalised. */
export function similarityPreserving(studentFeature: tf.Tensor, teacherFeature: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const gs = l2NormaliseRows(gram(flattenBatch(studentFeature)));
    const gt = l2NormaliseRows(gram(flattenBatch(teacherFeature)));
    const b = studentFeature.shape[0];
    return tf.div(tf.sum(tf.square(tf.sub(gt, gs))), b * b) as tf.Scalar;
  });
}

export const similarity: LossDefinition<SimilarityLoss> = {
  kind: 'similarity',
  title: 'Similarity-preserving distillation',
  paper: 'Tung, F., Mori, G. (2019). Similarity-Preserving Knowledge Distillation. ICCV 2019.',
  formula: 'G = F·Fᵀ (B×B), G̃ = G with rows L2-normalised;  SP = ‖G̃_t − G̃_s‖_F² / B²',
  options: [
    { name: 'teacher_layer', description: 'Teacher layer whose activations define which examples are similar.' },
    { name: 'student_layer', description: 'Student layer whose batch similarities should match; widths may differ (only B×B matrices are compared).' },
  ],
  needsTeacher: true,
  perExampleSoft: false,
  teacherLayers: (c) => [c.teacher_layer],
  studentLayers: (c) => [c.student_layer],
  create(config) {
    return {
      trainableVariables: [],
      compute: (ctx) => similarityPreserving(ctx.studentFeature(config.student_layer), ctx.teacherFeature(config.teacher_layer)),
      dispose: () => undefined,
    };
  },
};
