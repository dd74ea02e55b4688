// Model outputs the comparison needs: test-set probabilities and measured latency.
import * as tf from '@tensorflow/tfjs';
import { median } from './metrics';

/** Softmax probabilities over a split, in batches cut from the typed arrays. */
export async function splitProbabilities(model: tf.LayersModel, x: Float32Array | Int32Array, count: number, shape: number[], dtype: 'float32' | 'int32', batchSize = 256): Promise<Float32Array> {
  const per = shape.reduce((a, b) => a * b, 1);
  let out: Float32Array | undefined;
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const probs = tf.tidy(() => tf.softmax(model.apply(tf.tensor(x.subarray(start * per, end * per), [end - start, ...shape], dtype), { training: false }) as tf.Tensor2D));
    const data = await probs.data();
    probs.dispose();
    out ??= new Float32Array(count * (data.length / (end - start)));
    out.set(data as Float32Array, start * (data.length / (end - start)));
  }
  return out ?? new Float32Array(0);
}

/**
 * Median wall time (ms) of a forward pass at batch 1 and batch 64, reading the result back
 * each time so that the work is really done. A few untimed passes warm up first.
 */
export async function measureLatency(model: tf.LayersModel, x: Float32Array | Int32Array, count: number, shape: number[], dtype: 'float32' | 'int32', repeats = { batch1: 30, batch64: 8 }): Promise<{ batch1: number; batch64: number }> {
  const per = shape.reduce((a, b) => a * b, 1);
  const time = async (batch: number, reps: number) => {
    const n = Math.min(batch, count);
    const input = tf.tensor(x.subarray(0, n * per), [n, ...shape], dtype);
    const once = async () => {
      const t0 = performance.now();
      const y = model.apply(input, { training: false }) as tf.Tensor;
      await y.data();
      y.dispose();
      return performance.now() - t0;
    };
    for (let i = 0; i < 3; i++) await once();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push(await once());
    input.dispose();
    return median(times);
  };
  return { batch1: await time(1, repeats.batch1), batch64: await time(64, repeats.batch64) };
}
