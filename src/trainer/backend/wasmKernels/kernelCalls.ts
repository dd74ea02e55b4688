// Runs wasm kernels from inside another kernel: composite kernels are built from the
// backend's own kernels (not tf ops, which would record on the gradient tape), and every
// intermediate result is released when the composite kernel finishes.
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type Attrs = Record<string, unknown>;

export class KernelCalls {
  private readonly intermediates: TensorInfo[] = [];

  private readonly backend: tf.KernelBackend;

  /** `backend` is the kernel function's own backend argument (typed `{}` by tfjs). */
  constructor(backend: unknown, private readonly backendName = 'wasm') {
    this.backend = backend as tf.KernelBackend;
  }

  /** Runs `kernelName` on this backend; the result is freed by `finish` unless it is the kept output. */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: Attrs = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (!kernel) throw new Error(`The ${this.backendName} backend has no '${kernelName}' kernel to build on.`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs: attrs as tf.NamedAttrMap });
    const info = Array.isArray(out) ? out[0] : out;
    this.intermediates.push(info);
    return info;
  }

  /** Runs a specific kernel function (e.g. the original one a composite kernel replaced). */
  runFunc(kernelFunc: tf.KernelFunc, inputs: Record<string, TensorInfo>, attrs: Attrs = {}): TensorInfo {
    const out = kernelFunc({ inputs, backend: this.backend, attrs: attrs as tf.NamedAttrMap });
    const info = Array.isArray(out) ? out[0] : out;
    this.intermediates.push(info);
    return info;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    if (perm.every((p, i) => p === i)) return x;
    return this.run('Transpose', { x }, { perm });
  }

  /** Slice `x` from `begin` with `size` (-1: to the end). */
  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  pad(x: TensorInfo, paddings: Array<[number, number]>): TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  sum(x: TensorInfo, axis: number[]): TensorInfo {
    return this.run('Sum', { x }, { axis, keepDims: false });
  }

  reverse(x: TensorInfo, dims: number[]): TensorInfo {
    return this.run('Reverse', { x }, { dims });
  }

  /** Frees every intermediate except `output`, which is returned to the engine. */
  finish(output: TensorInfo): TensorInfo {
    // By identity, not dataId: a reshape shares its source's data and holds its own reference.
    for (const t of this.intermediates) {
      if (t !== output) this.backend.disposeData(t.dataId);
    }
    this.intermediates.length = 0;
    return output;
  }
}
