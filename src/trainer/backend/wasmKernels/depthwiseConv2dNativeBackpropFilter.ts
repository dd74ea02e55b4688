// DepthwiseConv2dNativeBackpropFilter (missing from wasm) as one forward depthwise conv:
// batch and channels are merged into the channel axis, dy becomes the (per-channel)
// filter, the forward stride becomes its dilation; the batch is then summed out.
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';
import { depthwiseConv2dPadded } from './paddedConv';

export function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true,
  );
  const calls = new KernelCalls(backend);
  const [n, h, w, c] = x.shape;
  const [, oh, ow, cm] = dy.shape;
  const m = cm / c;
  const [fh, fw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [dh, dw] = [info.dilationHeight, info.dilationWidth];
  const { top, left } = info.padInfo;
  const xT = calls.reshape(calls.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c]);
  const dyT = calls.reshape(calls.transpose(dy, [1, 2, 0, 3]), [oh, ow, n * c, m]);
  const out = depthwiseConv2dPadded(calls, xT, dyT, [dh, dw], [sh, sw], {
    top, left,
    bottom: (fh - 1) * dh + (oh - 1) * sh + 1 - h - top,
    right: (fw - 1) * dw + (ow - 1) * sw + 1 - w - left,
  }); // [1, fh, fw, N·C·m]
  const perExample = calls.reshape(out, [fh, fw, n, c * m]);
  return calls.finish(calls.reshape(calls.sum(perExample, [2]), [fh, fw, c, m]));
}

export const depthwiseConv2dNativeBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilter,
};
