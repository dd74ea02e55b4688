// Direct access to tensor data where the wasm and cpu backends keep it, for the project's fused
// JS kernels (one pass instead of a chain of ops): views of the wasm heap, the cpu backend's own
// arrays. Nothing is copied; a view is valid until the next allocation (which may grow, and so
// move, the wasm heap), so allocate every output first and take views afterwards.
import type * as tf from '@tensorflow/tfjs';

type Values = Float32Array | Int32Array | Uint8Array;

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Values;
}

interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Values): tf.TensorInfo;
  readSync(dataId: tf.DataId): Values;
}

export interface KernelMemory {
  /** A new float32 tensor of `shape`, zero-filled on cpu and uninitialised on wasm. */
  allocFloat(shape: number[]): tf.TensorInfo;
  /** The data of `t` in place (inputs: read only; outputs: fill). */
  view(t: tf.TensorInfo): Values;
}

export type FusedBackendName = 'wasm' | 'cpu';

/** Memory access for a kernel function's `backend` argument on the named backend. */
export function kernelMemory(backend: unknown, name: FusedBackendName): KernelMemory {
  if (name === 'wasm') {
    const b = backend as WasmBackendLike;
    return { allocFloat: (shape) => b.makeOutput(shape, 'float32'), view: (t) => b.typedArrayFromHeap(t) };
  }
  const b = backend as CpuBackendLike;
  return {
    allocFloat: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((p, d) => p * d, 1))),
    // readSync hands out the stored typed array itself on cpu (no copy).
    view: (t) => b.readSync(t.dataId),
  };
}
