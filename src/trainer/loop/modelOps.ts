// Forward passes the loop needs on any LayersModel: logits plus named layer activations in
// one call, and batched inference over a whole split straight from its typed arrays.
import * as tf from '@tensorflow/tfjs';
import { layerOutputShape, tapModel } from '../models/tapModel';

export interface TappedForward {
  /** Outputs: logits, then each tapped layer's activation in `layers` order. */
  apply(x: tf.Tensor, training: boolean): { logits: tf.Tensor2D; features: Map<string, tf.Tensor> };
  layers: string[];
  /** Activation shapes without the batch axis. */
  shape(layer: string): number[];
}

export function tapForward(model: tf.LayersModel, layers: string[]): TappedForward {
  const unique = [...new Set(layers)];
  const tapped = tapModel(model, unique);
  return {
    layers: unique,
    shape: (n) => layerOutputShape(model, n),
    apply(x, training) {
      const out = tapped.apply(x, { training }) as tf.Tensor | tf.Tensor[];
      const list = Array.isArray(out) ? out : [out];
      const features = new Map<string, tf.Tensor>();
      unique.forEach((n, i) => features.set(n, list[i + 1]));
      return { logits: list[0] as tf.Tensor2D, features };
    },
  };
}

/**
 * Runs the forward pass over a split in batches cut from the typed arrays (no large source tensor) and
 * concatenates each output into one tensor [count, ...] that belongs to the caller.
 */
export async function forwardSplit(
  forward: TappedForward,
  x: Float32Array | Int32Array,
  count: number,
  shape: number[],
  dtype: 'float32' | 'int32',
  batchSize = 256,
): Promise<{ logits: tf.Tensor2D; features: Map<string, tf.Tensor> }> {
  const per = shape.reduce((a, b) => a * b, 1);
  const logitParts: tf.Tensor[] = [];
  const featureParts = new Map<string, tf.Tensor[]>(forward.layers.map((l) => [l, []]));
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    tf.tidy(() => {
      const xb = tf.tensor(x.subarray(start * per, end * per), [end - start, ...shape], dtype);
      const { logits, features } = forward.apply(xb, false);
      logitParts.push(tf.keep(logits));
      for (const [n, f] of features) featureParts.get(n)!.push(tf.keep(f));
    });
    // Give the event loop a turn so that a stop request or IPC message is seen.
    if ((start / batchSize) % 16 === 15) await new Promise((r) => setImmediate(r));
  }
  const concat = (parts: tf.Tensor[]) => {
    const t = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    if (parts.length > 1) tf.dispose(parts);
    return t;
  };
  const features = new Map<string, tf.Tensor>();
  for (const [n, parts] of featureParts) features.set(n, concat(parts));
  return { logits: concat(logitParts) as tf.Tensor2D, features };
}
