// Runs the same computation on the wasm and cpu backends over identical inputs, for
// comparing the project's wasm kernels against the cpu backend's reference kernels.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/trainer/backend/initBackend';

let ready: Promise<unknown> | undefined;
/** Starts wasm once (with the project kernels); the cpu backend is registered by tfjs itself. */
export function startWasm(): Promise<unknown> {
  ready ??= initBackend('wasm');
  return ready;
}

/** Deterministic pseudo-random floats in [-1, 1) (mulberry32). */
export function randomValues(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

export interface Input { values: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }

export function random(shape: number[], seed: number): Input {
  return { values: randomValues(shape.reduce((a, b) => a * b, 1), seed), shape };
}

/** Runs `kernel` on `backend` with fresh tensors; returns its output values and shape. */
export async function runKernelOn(
  backend: 'wasm' | 'cpu', kernel: string, inputs: Record<string, Input>, attrs: object,
): Promise<{ values: Float32Array; shape: number[] }> {
  await tf.setBackend(backend);
  const ts: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(inputs)) ts[k] = tf.tensor(v.values, v.shape, v.dtype ?? 'float32');
  const out = tf.engine().runKernel(kernel, ts as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  const shape = out.shape;
  tf.dispose([out, ...Object.values(ts)]);
  return { values, shape };
}

/** max |a − b| / max(|b|, 1e-6): the error relative to the reference's scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** wasm vs cpu for one kernel call; returns the relative error after checking shapes agree. */
export async function compareKernel(kernel: string, inputs: Record<string, Input>, attrs: object): Promise<number> {
  await startWasm();
  const w = await runKernelOn('wasm', kernel, inputs, attrs);
  const c = await runKernelOn('cpu', kernel, inputs, attrs);
  if (JSON.stringify(w.shape) !== JSON.stringify(c.shape)) {
    throw new Error(`${kernel}: wasm shape ${JSON.stringify(w.shape)} != cpu ${JSON.stringify(c.shape)}`);
  }
  return relativeError(w.values, c.values);
}
