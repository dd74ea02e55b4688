// DepthwiseConv2dNativeBackpropInput (missing from wasm) as a forward depthwise conv over dy
// (zeros inserted for strides) with the filter rotated 180°; each input channel then sums
// its channel-multiplier outputs.
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';
import { depthwiseConv2dPadded, dilateWithZeros } from './paddedConv';

export function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true,
  );
  const calls = new KernelCalls(backend);
  const [n, h, w, c] = inputShape;
  const [fh, fw, , m] = filter.shape;
  const [dh, dw] = [info.dilationHeight, info.dilationWidth];
  const { top, left } = info.padInfo;
  const dyD = dilateWithZeros(calls, dy, [info.strideHeight, info.strideWidth]);
  const [, oh, ow] = dyD.shape;
  const rotated = calls.reshape(calls.reverse(filter, [0, 1]), [fh, fw, c * m, 1]);
  const padTop = (fh - 1) * dh - top;
  const padLeft = (fw - 1) * dw - left;
  const out = depthwiseConv2dPadded(calls, dyD, rotated, [1, 1], [dh, dw], {
    top: padTop, left: padLeft,
    bottom: h + (fh - 1) * dh - oh - padTop,
    right: w + (fw - 1) * dw - ow - padLeft,
  }); // [N, H, W, C·m]
  if (m === 1) return calls.finish(out);
  return calls.finish(calls.sum(calls.reshape(out, [n, h, w, c, m]), [4]));
}

export const depthwiseConv2dNativeBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
