// MaxPool with 2×2 windows at stride 2 and channels a multiple of 4 as one SIMD pass over the
// heap (64×26×26×16: 0.17 → 0.05 CPU ms); other shapes and dtypes go to the shipped kernel. As on
// the cpu backend, a window's maximum is taken by strict > from −∞ (NaN never wins).
import * as tf from '@tensorflow/tfjs';
import { heapOffset, heapSimd, heapSimdSwitches } from './heapSimd';

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

export function makeMaxPool(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolAttrs;
    if (!heapSimdSwitches.maxPool || x.dtype !== 'float32' || x.shape.length !== 4) return native(args);
    const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
    if (info.effectiveFilterHeight !== 2 || info.effectiveFilterWidth !== 2 || info.strideHeight !== 2 || info.strideWidth !== 2
      || info.padInfo.top !== 0 || info.padInfo.left !== 0 || 2 * oh > h || 2 * ow > w || c % 4 !== 0 || n * oh * ow * c === 0) return native(args);
    const simd = heapSimd(args.backend);
    if (!simd) return native(args);
    const out = (args.backend as HeapBackend).makeOutput(info.outShape, 'float32');
    simd.maxPool2x2(heapOffset(args.backend, x), heapOffset(args.backend, out), n, oh, ow, c * 4, w * c * 4, h * w * c * 4);
    return out;
  };
}

export function maxPoolConfig(native: tf.KernelFunc): tf.KernelConfig {
  return { kernelName: tf.MaxPool, backendName: 'wasm', kernelFunc: makeMaxPool(native) };
}
