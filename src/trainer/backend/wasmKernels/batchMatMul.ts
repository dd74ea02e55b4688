// BatchMatMul with transposeA/transposeB runs at 1.4–2.9 GFLOP/s on wasm against ~30
// without the flags, and dense backward passes use exactly those flags: transpose
// explicitly, then run the plain kernel.
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';
import { directMatMul } from './directConv';

export function makeBatchMatMul(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const direct = directMatMul(backend, a, b, transposeA, transposeB);
    if (direct) return direct;
    if (!transposeA && !transposeB) return native(args);
    const calls = new KernelCalls(backend);
    const swapLast = (t: tf.TensorInfo) => {
      const r = t.shape.length;
      return calls.transpose(t, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
    };
    const a2 = transposeA ? swapLast(a) : a;
    const b2 = transposeB ? swapLast(b) : b;
    return calls.finish(calls.runFunc(native, { a: a2, b: b2 }, { transposeA: false, transposeB: false }));
  };
}

export function batchMatMulConfig(native: tf.KernelFunc): tf.KernelConfig {
  return { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc: makeBatchMatMul(native) };
}
