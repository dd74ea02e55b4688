// Shape and geometry helpers for the feature-based losses (hint, SP, RKD, PKT, adversarial).
import * as tf from '@tensorflow/tfjs';

/** Guards sqrt and division at zero so gradients stay finite (as F.normalize's eps does). */
export const GEOMETRY_EPS = 1e-12;

/** B×(everything else). */
export function flattenBatch(x: tf.Tensor): tf.Tensor2D {
  return x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
}

/** Rows scaled to unit L2 norm; zero rows stay zero. */
export function l2NormaliseRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), GEOMETRY_EPS));
    return tf.div(x, norm) as tf.Tensor2D;
  });
}

/** x·xᵀ without the transposed-matmul flags (slow on wasm, see shared/reference.md). */
export function gram(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(x, tf.transpose(x)) as tf.Tensor2D);
}

/** Pairwise Euclidean distances B×B with an exact zero diagonal and finite gradients. */
export function pairwiseDistances(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), -1);
    const d2 = tf.sub(tf.add(tf.expandDims(sq, 1), tf.expandDims(sq, 0)), tf.mul(2, gram(x)));
    const d = tf.sqrt(tf.maximum(d2, GEOMETRY_EPS));
    const offDiagonal = tf.sub(1, tf.eye(x.shape[0]));
    return tf.mul(d, offDiagonal) as tf.Tensor2D;
  });
}

/** Smooth L1 / Huber with δ = 1, elementwise: ½x² for |x| < 1, |x| − ½ beyond. */
export function huber(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const a = tf.abs(x);
    const q = tf.minimum(a, 1);
    return tf.add(tf.mul(0.5, tf.square(q)), tf.sub(a, q));
  });
}

/** Product of a shape's dimensions (the flattened width). */
export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
