// Batched inference that is fast on wasm: batches are cut with `tf.gather`, which the
// project's wasm kernel runs as row copies inside the heap (`tf.slice` there copies the whole
// source out of wasm memory on every call; a host copy of `x` then re-uploading each batch
// measured ~1.6× slower than gather), and the model runs through `apply` (predict's default
// batch of 32 is far slower on wasm: 936 against ~45–70k ex/s for an MLP over 8,000 rows).
import * as tf from '@tensorflow/tfjs';

/** Every output of `model` over all rows of `x`, batch by batch, concatenated. */
export function predictBatchedOutputs(model: tf.LayersModel, x: tf.Tensor, batchSize: number): tf.Tensor[] {
  if (!(batchSize >= 1)) throw new Error(`predictBatched: batch size must be >= 1, got ${batchSize}.`);
  const n = x.shape[0];
  const perOutput: tf.Tensor[][] = model.outputs.map(() => []);
  try {
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const outs = tf.tidy(() => {
        const batch = start === 0 && end === n ? x : tf.gather(x, tf.range(start, end, 1, 'int32'));
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
