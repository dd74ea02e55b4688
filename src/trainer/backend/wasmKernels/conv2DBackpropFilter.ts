// Conv2DBackpropFilter (missing from the wasm backend: conv training fails at step 1 without it)
// as one forward Conv2D over transposed tensors: the batch becomes the contraction
// channel, the input channels become the batch, dy becomes the filter and the original
// stride becomes its dilation.  dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pad, …, ci]·dy[n,oh,ow,co]
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';
import { conv2dPadded } from './paddedConv';
import { FILTER_TILE_ROWS, FILTER_TILE_VECS, heapOffset, heapSimd, heapSimdSwitches } from './heapSimd';

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: tf.DataId): void;
}

/**
 * The direct form replaces the transposed-conv one wherever the output channels are a multiple
 * of 4 (CPU ms per call, this machine): 64×28×28×1 → 16 3.3 → 0.5; 64×28×28×3 → 32 (same) 23.5 → 3.2;
 * 64×13×13×16 → 32 4.0 → 2.2; 64×13×13×32 → 64 14.9 → 11.7; 32×16×16×64 → 128 (same) 62.5 → 39.0.
 * The transposed form pays for two transposes and XNNPACK's im2col over a huge 'filter'.
 *
 * dW[kh, kw·Ci+ci, co] = Σ_{n,oh,ow} xp[n, oh·sh+kh, ow·sw+kw, ci] · dy[n,oh,ow,co], for each filter
 * row kh one register-tiled pass over dy with the input read in place (xp: x, zero-padded into a
 * scratch tensor only when the convolution pads). Null when the shape does not suit it.
 */
function directFilterGrad(backend: unknown, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  const [n, h, w, ci] = x.shape;
  const [, oh, ow, co] = dy.shape;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, dilationHeight, dilationWidth } = info;
  if (!heapSimdSwitches.convFilter || co % 4 !== 0 || dilationHeight !== 1 || dilationWidth !== 1) return null;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  // (tfjs computes a numeric pad's output size with the row stride for both axes: trust only agreement.)
  if (oh !== info.outHeight || ow !== info.outWidth || co !== info.outChannels) return null;
  const simd = heapSimd(backend);
  if (!simd) return null;
  const b = backend as HeapBackend;
  const out = b.makeOutput([fh, fw, ci, co], 'float32');
  if (n * oh * ow === 0) {
    b.typedArrayFromHeap(out).fill(0);
    return out;
  }
  const { top, left } = info.padInfo;
  // Rows and columns the windows reach (past the input's end: padding).
  const hp = (oh - 1) * sh + fh;
  const wp = (ow - 1) * sw + fw;
  let src = x;
  let [hs, ws] = [h, w];
  let scratch: tf.TensorInfo | undefined;
  if (top > 0 || left > 0 || hp > h || wp > w) {
    scratch = b.makeOutput([n, hp, wp, ci], 'float32');
    // Views after every allocation: makeOutput may grow (and so move) the heap.
    const xv = b.typedArrayFromHeap(x);
    const pv = b.typedArrayFromHeap(scratch);
    pv.fill(0);
    const c0 = Math.max(0, left), c1 = Math.min(wp, w + left);
    for (let i = 0; i < n; i++) {
      for (let r = Math.max(0, top); r < Math.min(hp, h + top); r++) {
        const from = ((i * h + r - top) * w + c0 - left) * ci;
        pv.set(xv.subarray(from, from + (c1 - c0) * ci), ((i * hp + r) * wp + c0) * ci);
      }
    }
    src = scratch;
    [hs, ws] = [hp, wp];
  }
  const srcAt = heapOffset(backend, src);
  const dyAt = heapOffset(backend, dy);
  const outAt = heapOffset(backend, out);
  const m = fw * ci; // a filter row's taps are contiguous in an input row
  // Tiles of at most 8 accumulators (2 rows × 16 columns when there are 16): measured faster
  // than 9–16, which V8 cannot keep in x64's 16 vector registers along with the operands.
  const nvMax = Math.min(FILTER_TILE_VECS, co / 4);
  const mr = Math.min(m, FILTER_TILE_ROWS, Math.floor(8 / nvMax));
  for (let kh = 0; kh < fh; kh++) {
    for (let m0 = 0; m0 < m; m0 += mr) {
      const rows = Math.min(mr, m - m0);
      for (let c0 = 0; c0 < co; c0 += 4 * nvMax) {
        const vecs = Math.min(nvMax, (co - c0) / 4);
        simd.filterTile(rows, vecs)(
          srcAt + ((kh * ws * ci) + m0) * 4, dyAt + c0 * 4, outAt + ((kh * m + m0) * co + c0) * 4,
          n, oh, ow, sw * ci * 4, sh * ws * ci * 4, hs * ws * ci * 4, co * 4, co * 4,
        );
      }
    }
  }
  if (scratch) b.disposeData(scratch.dataId);
  return out;
}

export function conv2DBackpropFilter({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only.');
  const direct = directFilterGrad(backend, x, dy, info);
  if (direct) return direct;
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
