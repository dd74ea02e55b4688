// Sum/Mean over leading axes (bias gradients of conv layers: [N,H,W,C] → [C]; batch-norm
// moments) as SIMD column sums over the heap, or (channels not a multiple of 4, no SIMD) one
// matmul with a row of ones. The native kernels transpose the reduced axes
// innermost first; measured 30–60 ms → 1–5 ms for [64,26,26,32] over [0,1,2].
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';
import { COLSUM_VECS, heapOffset, heapSimd, heapSimdSwitches } from './heapSimd';

/** Below this many elements the native kernel's overhead is already negligible. */
const MIN_SIZE = 4096;

/** The reduced axes if they are exactly 0..k-1 (k < rank), normalised; otherwise undefined. */
function leadingAxes(shape: number[], axis: number | number[]): number[] | undefined {
  const rank = shape.length;
  const axes = tf.util.parseAxisParam(axis, shape).sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= rank) return undefined;
  return axes.every((a, i) => a === i) ? axes : undefined;
}

export function makeLeadingAxesReduction(native: tf.KernelFunc, scaleByCount: boolean): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as tf.TensorInfo;
    const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const axes = leadingAxes(x.shape, axis);
    const size = x.shape.reduce((a, b) => a * b, 1);
    if (x.dtype !== 'float32' || !axes || size === 0) return native(args);
    const outer = axes.reduce((p, a) => p * x.shape[a], 1);
    const innerShape = x.shape.slice(axes.length);
    const inner = size / outer;
    const outShape = keepDims ? [...axes.map(() => 1), ...innerShape] : innerShape;
    const simd = heapSimdSwitches.columnSum && inner % 4 === 0 ? heapSimd(backend) : null;
    if (simd) {
      // Column sums in one SIMD pass over the rows (64×26×26×16 → 16: 1.7 → 0.3 CPU ms).
      const b = backend as unknown as { makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo; typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
      const out = b.makeOutput(outShape, 'float32');
      const [xAt, outAt] = [heapOffset(backend, x), heapOffset(backend, out)];
      for (let c0 = 0; c0 < inner; c0 += 4 * COLSUM_VECS) {
        simd.columnSum(Math.min(COLSUM_VECS, (inner - c0) / 4))(xAt + c0 * 4, outAt + c0 * 4, outer, inner * 4);
      }
      if (scaleByCount) {
        const v = b.typedArrayFromHeap(out);
        for (let i = 0; i < v.length; i++) v[i] /= outer;
      }
      return out;
    }
    if (size < MIN_SIZE) return native(args);
    const calls = new KernelCalls(backend);
    const weights = calls.run('Fill', {}, { shape: [1, outer], value: scaleByCount ? 1 / outer : 1, dtype: 'float32' });
    const product = calls.run('BatchMatMul', { a: weights, b: calls.reshape(x, [outer, inner]) }, { transposeA: false, transposeB: false });
    return calls.finish(calls.reshape(product, outShape));
  };
}
