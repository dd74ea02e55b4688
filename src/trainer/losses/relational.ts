// Relational KD: match distances between examples and angles between triples of examples.
import * as tf from '@tensorflow/tfjs';
import type { RelationalLoss } from '../../core/config/types';
import type { LossDefinition } from './types';
import { flattenBatch, GEOMETRY_EPS, huber, pairwiseDistances } from './featureGeometry';
import { checkPair, studentEmbedding, teacherEmbedding } from './layerOrLogits';

/**
 * ψ_D: pairwise distances divided by μ, the mean of the non-zero ones. Off the diagonal every
 * distance is > 0 (pairwiseDistances floors them at √ε), so there are exactly B(B − 1).
 */
function normalisedDistances(e: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const d = pairwiseDistances(e);
    const b = e.shape[0];
    const mu = tf.div(tf.sum(d), Math.max(b * (b - 1), 1));
    return tf.div(d, tf.maximum(mu, GEOMETRY_EPS)) as tf.Tensor2D;
  });
}

/** ψ_A: B×B×B cosines of the angle at i between e_j and e_k. */
function angles(e: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const diff = tf.sub(tf.expandDims(e, 0), tf.expandDims(e, 1)); // [i, j, D] = e_j − e_i
    const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(diff), -1, true), GEOMETRY_EPS));
    const unit = tf.div(diff, norm) as tf.Tensor3D;
    return tf.matMul(unit, tf.transpose(unit, [0, 2, 1])) as tf.Tensor3D;
  });
}

/** RKD-D: mean Huber(ψ_D^s − ψ_D^t) over all B² pairs. */
export function rkdDistance(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const t = normalisedDistances(flattenBatch(teacher));
    return tf.mean(huber(tf.sub(normalisedDistances(flattenBatch(student)), t))) as tf.Scalar;
  });
}

/** RKD-A: mean Huber(ψ_A^s − ψ_A^t) over all B³ triples. */
export function rkdAngle(student: tf.Tensor, teacher: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const t = angles(flattenBatch(teacher));
    return tf.mean(huber(tf.sub(angles(flattenBatch(student)), t))) as tf.Scalar;
  });
}

export const relational: LossDefinition<RelationalLoss> = {
  kind: 'relational',
  title: 'Relational knowledge distillation (distance + angle)',
  paper: 'Park, W., Kim, D., Lu, Y., Cho, M. (2019). Relational Knowledge Distillation. CVPR 2019.',
  formula: 'ψ_D(i,j) = ‖e_i − e_j‖/μ;  ψ_A(i,j,k) = cos∠(e_j − e_i, e_k − e_i);  RKD = w_D·mean_{i,j} Huber(ψ_D^s − ψ_D^t) + w_A·mean_{i,j,k} Huber(ψ_A^s − ψ_A^t), Huber δ = 1',
  options: [
    { name: 'teacher_layer', description: 'Teacher layer giving the embeddings e; omit both layers to use the logits.' },
    { name: 'student_layer', description: 'Student layer giving the embeddings; widths may differ from the teacher\'s.' },
    { name: 'distance_weight', description: 'w_D, the weight of the distance-wise term inside the loss.', default: 25 },
    { name: 'angle_weight', description: 'w_A, the weight of the angle-wise term inside the loss (memory grows as B³).', default: 50 },
  ],
  needsTeacher: true,
  perExampleSoft: false,
  teacherLayers: (c) => (c.teacher_layer ? [c.teacher_layer] : []),
  studentLayers: (c) => (c.student_layer ? [c.student_layer] : []),
  create(config) {
    const pair = checkPair(config);
    return {
      trainableVariables: [],
      compute: (ctx) => tf.tidy(() => {
        const s = studentEmbedding(ctx, pair);
        const t = teacherEmbedding(ctx, pair);
        const parts: tf.Scalar[] = [];
        if (config.distance_weight !== 0) parts.push(tf.mul(config.distance_weight, rkdDistance(s, t)));
        if (config.angle_weight !== 0) parts.push(tf.mul(config.angle_weight, rkdAngle(s, t)));
        return (parts.length ? tf.addN(parts) : tf.scalar(0)) as tf.Scalar;
      }),
      dispose: () => undefined,
    };
  },
};
