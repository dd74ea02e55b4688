// Conv2DBackpropFilter (missing from the wasm backend: conv training fails at step 1 without it)
// as one forward Conv2D over transposed tensors: the batch becomes the contraction
// channel, the input channels become the batch, dy becomes the filter and the original
// stride becomes its dilation.  dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·s+kh−pad, …, ci]·dy[n,oh,ow,co]
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';
import { conv2dPadded } from './paddedConv';
import { FILTER_TILE_ROWS, FILTER_TILE_VECS, heapOffset, heapSimd, heapSimdSwitches } from './heapSimd';
import { paddedInput } from './directConv';

/**
 * Input and dy bytes per block of images: each tile streams the whole block, so a block that
 * stays in L2 across tiles helps (64×13×13×16 → 32: all images at once 2.3 ms, 512 KB blocks 1.7).
 */
const BLOCK_BYTES = 512 * 1024;

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
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
  const [n, , , ci] = x.shape;
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
  b.typedArrayFromHeap(out).fill(0); // the tiles accumulate, block after block
  if (n * oh * ow === 0) return out;
  // Rows and columns the windows reach (past the input's end: padding).
  const p = paddedInput(backend, x, info.padInfo.top, info.padInfo.left, (oh - 1) * sh + fh, (ow - 1) * sw + fw);
  const [hs, ws] = [p.h, p.w];
  const srcAt = heapOffset(backend, p.src);
  const dyAt = heapOffset(backend, dy);
  const outAt = heapOffset(backend, out);
  const m = fw * ci; // a filter row's taps are contiguous in an input row
  // Tiles of at most 8 accumulators (2 rows × 16 columns when there are 16): measured faster
  // than 9–16, which V8 cannot keep in x64's 16 vector registers along with the operands.
  const nvMax = Math.min(FILTER_TILE_VECS, co / 4);
  const mr = Math.min(m, FILTER_TILE_ROWS, Math.floor(8 / nvMax));
  // Every tile streams all of x and dy: a few images at a time keep them in L2 across tiles.
  const imageBytes = (hs * ws * ci + oh * ow * co) * 4;
  const block = Math.max(1, Math.floor(BLOCK_BYTES / imageBytes));
  for (let n0 = 0; n0 < n; n0 += block) {
    const images = Math.min(block, n - n0);
    for (let kh = 0; kh < fh; kh++) {
      for (let m0 = 0; m0 < m; m0 += mr) {
        const rows = Math.min(mr, m - m0);
        for (let c0 = 0; c0 < co; c0 += 4 * nvMax) {
          const vecs = Math.min(nvMax, (co - c0) / 4);
          simd.filterTile(rows, vecs)(
            srcAt + ((n0 * hs + kh) * ws * ci + m0) * 4, dyAt + (n0 * oh * ow * co + c0) * 4, outAt + ((kh * m + m0) * co + c0) * 4,
            images, oh, ow, sw * ci * 4, sh * ws * ci * 4, hs * ws * ci * 4, co * 4, co * 4,
          );
        }
      }
    }
  }
  p.release();
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
