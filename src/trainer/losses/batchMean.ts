// Reducing per-example losses to the scalar a term returns.
import * as tf from '@tensorflow/tfjs';

/**
 * Mean over the batch of a per-example loss (shape [B]). With `exampleWeights` (confidence
 * weighting) each example is scaled first: (1/B)·Σ w_b·L_b. We divide by B rather than Σ w so
 * that a batch the teacher is unsure about really counts less, as the weighting promises.
 */
export function batchMean(perExample: tf.Tensor1D, exampleWeights?: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => (exampleWeights ? tf.mean(tf.mul(perExample, exampleWeights)) : tf.mean(perExample)) as tf.Scalar);
}
