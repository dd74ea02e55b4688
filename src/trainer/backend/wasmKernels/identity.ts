// Identity that shares the input's data (a reference count, as wasm's own Reshape does)
// instead of copying it. tfjs clones (Identity) every input an op saves for its gradient
// while a gradient tape is recording, and the shipped wasm Identity copies the bytes: with
// batches cut from the whole training set by gather, each step copied the entire set
// (8,000 MNIST images: 25 MB) plus every saved activation. Tensors are immutable, so sharing is safe.
import * as tf from '@tensorflow/tfjs';

export function makeSharedIdentity(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return native(args);
    (args.backend as unknown as { incRef(dataId: tf.DataId): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

export function sharedIdentityConfig(native: tf.KernelFunc): tf.KernelConfig {
  return { kernelName: tf.Identity, backendName: 'wasm', kernelFunc: makeSharedIdentity(native) };
}

/**
 * Cast to the dtype a tensor already has shares too: the shipped kernel copies, and every ReLU
 * gradient casts its float32 step mask to float32 (64×26×26×16 in the teacher: 0.15 ms a step).
 */
export function sharedCastConfig(native: tf.KernelFunc): tf.KernelConfig {
  const share = makeSharedIdentity(native);
  return {
    kernelName: tf.Cast,
    backendName: 'wasm',
    kernelFunc: (args) => ((args.inputs as { x: tf.TensorInfo }).x.dtype === (args.attrs as { dtype: string }).dtype ? share(args) : native(args)),
  };
}
