// Conv2DBackpropFilter (missing from the wasm backend: conv training fails at step 1 without it)
// as one forward Conv2D over transposed tensors: the batch becomes the contraction
// channel, the input channels become the batch, dy becomes the filter and the original
// stride becomes its dilation.  dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pad, …, ci]·dy[n,oh,ow,co]
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';
import { conv2dPadded } from './paddedConv';

export function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only.');
  const calls = new KernelCalls(backend);
  const [fh, fw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [, h, w] = x.shape;
  const [, oh, ow] = dy.shape;
  const { top, left } = info.padInfo;
  const xT = calls.transpose(x, [3, 1, 2, 0]); // [Ci, H, W, N]
  const dyT = calls.transpose(dy, [1, 2, 0, 3]); // [oH, oW, N, Co]
  // Bottom/right pads chosen so the output is exactly fh × fw (negative: rows never read).
  const out = conv2dPadded(calls, xT, dyT, [1, 1], [sh, sw], {
    top, left,
    bottom: fh - 1 + (oh - 1) * sh + 1 - h - top,
    right: fw - 1 + (ow - 1) * sw + 1 - w - left,
  }); // [Ci, fh, fw, Co]
  return calls.finish(calls.transpose(out, [1, 2, 0, 3]));
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter,
};
