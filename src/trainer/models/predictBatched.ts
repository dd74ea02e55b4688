// Batched inference that is fast on wasm: batches are cut from one host copy of `x`
// (RowBatcher; neither `tf.slice` nor `tf.gather` per batch, both slow there), and the
// model runs through `apply` (predict's default batch of 32 is 2.5–4× slower on wasm).
import * as tf from '@tensorflow/tfjs';
import { RowBatcher } from './rowBatcher';

/** Every output of `model` over all rows of `x`, batch by batch, concatenated. */
export function predictBatchedOutputs(model: tf.LayersModel, x: tf.Tensor, batchSize: number): tf.Tensor[] {
  if (!(batchSize >= 1)) throw new Error(`predictBatched: batch size must be >= 1, got ${batchSize}.`);
  const n = x.shape[0];
  const perOutput: tf.Tensor[][] = model.outputs.map(() => []);
  const batcher = n > batchSize ? new RowBatcher(x) : undefined;
  try {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const outs = tf.tidy(() => {
        const batch = batcher ? batcher.range(start, end) : x;
        const y = model.apply(batch, { training: false });
        return Array.isArray(y) ? (y as tf.Tensor[]) : [y as tf.Tensor];
      });
      outs.forEach((t, i) => perOutput[i].push(t));
    }
    return perOutput.map((parts) => (parts.length === 1 ? parts[0] : tf.concat(parts, 0)));
  } finally {
    for (const parts of perOutput) if (parts.length > 1) tf.dispose(parts);
  }
}

/** The (first) output of `model` over all rows of `x`. */
export function predictBatched(model: tf.LayersModel, x: tf.Tensor, batchSize: number): tf.Tensor {
  const outs = predictBatchedOutputs(model, x, batchSize);
  tf.dispose(outs.slice(1));
  return outs[0];
}
