// Probabilistic knowledge transfer: match the conditional distributions of cosine affinities.
import * as tf from '@tensorflow/tfjs';
import type { PktLoss } from '../../core/config/types';
import type { LossDefinition } from './types';
import { flattenBatch, gram, l2NormaliseRows } from './featureGeometry';
import { checkPair, studentEmbedding, teacherEmbedding } from './layerOrLogits';

const PKT_EPS = 1e-7;

/** Rows of K = (n_i·n_j + 1)/2 normalised to sum 1. */
function conditionalAffinities(e: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const k = tf.div(tf.add(gram(l2NormaliseRows(flattenBatch(e))), 1), 2);
    return tf.div(k, tf.sum(k, -1, true)) as tf.Tensor2D;
  });
}

/** mean_ij Q·log((Q + ε)/(P + ε)), Q teacher, P student. */
export function pktLoss(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const p = conditionalAffinities(student);
    const q = conditionalAffinities(teacher);
    return tf.mean(tf.mul(q, tf.log(tf.div(tf.add(q, PKT_EPS), tf.add(p, PKT_EPS))))) as tf.Scalar;
  });
}

export const pkt: LossDefinition<PktLoss> = {
  kind: 'pkt',
  title: 'Probabilistic knowledge transfer',
  paper: 'Passalis, N., Tefas, A. (2018). Learning Deep Representations with Probabilistic Knowledge Transfer. ECCV 2018.',
  formula: 'n = rows L2-normalised;  K_ij = (n_i·n_j + 1)/2;  P, Q = K rows normalised to sum 1 (student, teacher);  PKT = mean_ij Q_ij·log((Q_ij + ε)/(P_ij + ε)), ε = 1e-7',
  options: [
    { name: 'teacher_layer', description: 'Teacher layer giving the embeddings; omit both layers to use the logits.' },
    { name: 'student_layer', description: 'Student layer giving the embeddings; widths may differ from the teacher\'s.' },
  ],
  needsTeacher: true,
  perExampleSoft: false,
  teacherLayers: (c) => (c.teacher_layer ? [c.teacher_layer] : []),
  studentLayers: (c) => (c.student_layer ? [c.student_layer] : []),
  create(config) {
    const pair = checkPair(config);
    return {
      trainableVariables: [],
      compute: (ctx) => pktLoss(studentEmbedding(ctx, pair), teacherEmbedding(ctx, pair)),
      dispose: () => undefined,
    };
  },
};
