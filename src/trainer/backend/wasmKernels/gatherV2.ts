// GatherV2 (batchDims 0) as row copies in JavaScript over views of the wasm heap. The
// shipped kernel copies element by element in C++ and first reads the indices out of the
// heap; the training loop cuts every batch with gather, and taking 256 rows of 784 floats
// cost ~25–30 ms (see bench/kernels.bench.ts for the figures now).
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Below this many elements per row, a plain loop beats `TypedArray.set`'s call overhead. */
const SET_MIN = 16;

export function makeGatherV2(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = attrs as unknown as tf.GatherV2Attrs;
    if ((batchDims ?? 0) !== 0 || x.dtype === 'string' || indices.dtype !== 'int32') return native(args);
    const b = backend as unknown as HeapBackend;
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const outer = x.shape.slice(0, ax).reduce((p, d) => p * d, 1);
    const dim = x.shape[ax];
    const row = x.shape.slice(ax + 1).reduce((p, d) => p * d, 1);
    const n = indices.shape.reduce((p, d) => p * d, 1);
    const outShape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
    const idxBefore = b.typedArrayFromHeap(indices);
    for (let i = 0; i < n; i++) {
      const v = idxBefore[i];
      if (!(v >= 0 && v < dim)) throw new Error(`GatherV2: the index value ${v} is not in [0, ${dim - 1}]`);
    }
    const out = b.makeOutput(outShape, x.dtype);
    if (n === 0 || row === 0 || outer === 0) return out;
    // Views after makeOutput: allocating may grow (and so move) the heap.
    const src = b.typedArrayFromHeap(x);
    const idx = b.typedArrayFromHeap(indices);
    const dst = b.typedArrayFromHeap(out);
    for (let o = 0; o < outer; o++) {
      const srcBase = o * dim * row;
      const dstBase = o * n * row;
      for (let i = 0; i < n; i++) {
        const from = srcBase + idx[i] * row;
        const to = dstBase + i * row;
        if (row >= SET_MIN) dst.set(src.subarray(from, from + row), to);
        else for (let k = 0; k < row; k++) dst[to + k] = src[from + k];
      }
    }
    return out;
  };
}

export function gatherV2Config(native: tf.KernelFunc): tf.KernelConfig {
  return { kernelName: tf.GatherV2, backendName: 'wasm', kernelFunc: makeGatherV2(native) };
}
