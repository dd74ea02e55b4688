// Log-space helpers shared by the logit-matching losses (soft KD, DKD, cross-entropy).
import * as tf from '@tensorflow/tfjs';

/** Row-wise KL(p‖q) = Σ_c p·(log p − log q), from log-probabilities; returns shape [B]. */
export function klRows(logP: tf.Tensor2D, logQ: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), -1) as tf.Tensor1D);
}

/** Row-wise cross-entropy −Σ_c target·log q; returns shape [B]. */
export function crossEntropyRows(target: tf.Tensor2D, logQ: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.neg(tf.sum(tf.mul(target, logQ), -1)) as tf.Tensor1D);
}

/** One-hot float matrix B×C from int labels. */
export function oneHotFloat(labels: tf.Tensor1D, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.cast(labels, 'int32') as tf.Tensor1D, numClasses), 'float32') as tf.Tensor2D);
}
