// Training data held on the backend once, with batches cut by `tf.gather` (on wasm `tf.slice`
// copies the whole source out of wasm memory on every call), in a seeded order per epoch.
import * as tf from '@tensorflow/tfjs';
import { mulberry32, shuffleInPlace } from '../data/random';

/** The example order of one epoch: a permutation that depends only on (seed, epoch), so a resumed run sees the same batches. */
export function epochOrder(count: number, seed: number, epoch: number): Int32Array {
  const order = Int32Array.from({ length: count }, (_, i) => i);
  return shuffleInPlace(order, mulberry32((seed * 1000003 + epoch * 7919) >>> 0));
}

export function stepsPerEpoch(count: number, batchSize: number): number {
  return Math.max(1, Math.ceil(count / batchSize));
}

/** Indices of batch `step` of an epoch order (the last batch may be smaller). */
export function batchIndices(order: Int32Array, step: number, batchSize: number): Int32Array {
  return order.subarray(step * batchSize, Math.min(order.length, (step + 1) * batchSize));
}

/** A typed array of examples as one tensor `[count, ...shape]`. */
export function uploadSplit(x: Float32Array | Int32Array, count: number, shape: number[], dtype: 'float32' | 'int32'): tf.Tensor {
  return tf.tensor(x, [count, ...shape], dtype);
}
