// Forward convolutions with explicit, possibly negative, padding: the building block of the
// backprop kernels. A negative pad crops the input instead (XNNPACK accepts only pads >= 0).
import type * as tf from '@tensorflow/tfjs';
import type { KernelCalls } from './kernelCalls';

export interface Pads { top: number; bottom: number; left: number; right: number }

/** Crops rows/columns that a negative pad removes and returns the non-negative pads left. */
function cropNegativePads(calls: KernelCalls, x: tf.TensorInfo, pads: Pads): { x: tf.TensorInfo; pads: Pads } {
  const cropTop = Math.max(0, -pads.top);
  const cropBottom = Math.max(0, -pads.bottom);
  const cropLeft = Math.max(0, -pads.left);
  const cropRight = Math.max(0, -pads.right);
  if (cropTop + cropBottom + cropLeft + cropRight === 0) return { x, pads };
  const [n, h, w, c] = x.shape;
  const cropped = calls.slice(x, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c]);
  return {
    x: cropped,
    pads: { top: Math.max(0, pads.top), bottom: Math.max(0, pads.bottom), left: Math.max(0, pads.left), right: Math.max(0, pads.right) },
  };
}

function explicitPad(p: Pads): number[][] {
  return [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
}

/** NHWC Conv2D with explicit pads. */
export function conv2dPadded(
  calls: KernelCalls, x: tf.TensorInfo, filter: tf.TensorInfo,
  strides: [number, number], dilations: [number, number], pads: Pads,
): tf.TensorInfo {
  const c = cropNegativePads(calls, x, pads);
  return calls.run('Conv2D', { x: c.x, filter }, {
    strides, dilations, pad: explicitPad(c.pads), dataFormat: 'NHWC', dimRoundingMode: undefined,
  });
}

/** NHWC depthwise conv with explicit pads. */
export function depthwiseConv2dPadded(
  calls: KernelCalls, x: tf.TensorInfo, filter: tf.TensorInfo,
  strides: [number, number], dilations: [number, number], pads: Pads,
): tf.TensorInfo {
  const c = cropNegativePads(calls, x, pads);
  return calls.run('DepthwiseConv2dNative', { x: c.x, filter }, {
    strides, dilations, pad: explicitPad(c.pads), dataFormat: 'NHWC', dimRoundingMode: undefined,
  });
}

/**
 * Inserts (stride - 1) zeros between the rows and columns of an NHWC tensor, so a strided
 * convolution's input gradient becomes a stride-1 convolution.
 */
export function dilateWithZeros(calls: KernelCalls, x: tf.TensorInfo, strides: [number, number]): tf.TensorInfo {
  const [sh, sw] = strides;
  if (sh === 1 && sw === 1) return x;
  const [n, h, w, c] = x.shape;
  const six = calls.reshape(x, [n, h, 1, w, 1, c]);
  const padded = calls.pad(six, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  const flat = calls.reshape(padded, [n, h * sh, w * sw, c]);
  return calls.slice(flat, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]);
}
