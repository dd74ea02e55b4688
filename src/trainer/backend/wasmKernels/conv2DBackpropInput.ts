// Conv2DBackpropInput as a forward Conv2D: the filter rotated 180° with in/out channels
// swapped, run over dy (with stride−1 zeros inserted between its rows and columns when
// the forward conv was strided). The native wasm kernel runs at ~3 GFLOP/s; XNNPACK's
// forward conv is ~10× faster. Strided cases keep the native kernel when it measured faster.
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';
import { conv2dPadded, dilateWithZeros } from './paddedConv';

export function makeConv2DBackpropInput(native: tf.KernelFunc | undefined, nativeForStrided: boolean): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const info = tf.backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false,
      tf.backend_util.convertConv2DDataFormat(dataFormat),
    );
    if (info.dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropInput on wasm supports NHWC only.');
    const strided = info.strideHeight > 1 || info.strideWidth > 1;
    if (strided && nativeForStrided && native) return native(args) as tf.TensorInfo;
    return conv2DBackpropInputAsConv(backend, dy, filter, info);
  };
}

export function conv2DBackpropInputAsConv(
  backend: unknown, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const calls = new KernelCalls(backend);
  const [fh, fw] = [info.filterHeight, info.filterWidth];
  const { inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  const dyD = dilateWithZeros(calls, dy, [info.strideHeight, info.strideWidth]);
  const [, dh, dw] = dyD.shape;
  const rotated = calls.transpose(calls.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [fh, fw, Co, Ci]
  const padTop = fh - 1 - top;
  const padLeft = fw - 1 - left;
  const out = conv2dPadded(calls, dyD, rotated, [1, 1], [1, 1], {
    top: padTop, left: padLeft,
    bottom: h + fh - 1 - dh - padTop,
    right: w + fw - 1 - dw - padLeft,
  });
  return calls.finish(out);
}

export function conv2DBackpropInputConfig(native: tf.KernelFunc | undefined, nativeForStrided: boolean): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'wasm',
    kernelFunc: makeConv2DBackpropInput(native, nativeForStrided),
  };
}
