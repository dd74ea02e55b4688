// Conv2D (NHWC, dilation 1, output channels a multiple of 4) as register-tiled SIMD loops over
// the heap (heapSimd.ts convTile): no im2col and no weight packing, which XNNPACK redoes on
// every training step because the weights change. Conv2DBackpropInput reaches it too, since it
// runs as a forward Conv2D. Other shapes, dtypes and layouts go to the shipped kernel.
import * as tf from '@tensorflow/tfjs';
import { CONV_TILE_PIXELS, CONV_TILE_VECS, heapOffset, heapSimd, heapSimdSwitches, type HeapSimd } from './heapSimd';
import { KernelCalls } from './kernelCalls';

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  disposeData(dataId: tf.DataId): void;
}

export interface PaddedInput {
  /** x itself, or a zero-padded scratch copy (free with `release`). */
  src: tf.TensorInfo;
  /** src's height and width. */
  h: number;
  w: number;
  release(): void;
}

/**
 * The input as the windows read it: rows [−top, hp − top) and columns [−left, wp − left) of x,
 * zeros outside. x itself when no padding is read (rows/columns past hp/wp are simply unused).
 */
export function paddedInput(backend: unknown, x: tf.TensorInfo, top: number, left: number, hp: number, wp: number): PaddedInput {
  const [n, h, w, c] = x.shape;
  if (top === 0 && left === 0 && hp <= h && wp <= w) return { src: x, h, w, release: () => {} };
  const b = backend as HeapBackend;
  const scratch = b.makeOutput([n, hp, wp, c], 'float32');
  // Views after the allocation: makeOutput may grow (and so move) the heap.
  const xv = b.typedArrayFromHeap(x);
  const pv = b.typedArrayFromHeap(scratch);
  pv.fill(0);
  const r0 = Math.max(0, top), r1 = Math.min(hp, h + top);
  const c0 = Math.max(0, left), c1 = Math.min(wp, w + left);
  if (c1 > c0) {
    for (let i = 0; i < n; i++) {
      for (let r = r0; r < r1; r++) {
        const from = ((i * h + r - top) * w + c0 - left) * c;
        pv.set(xv.subarray(from, from + (c1 - c0) * c), ((i * hp + r) * wp + c0) * c);
      }
    }
  }
  return { src: scratch, h: hp, w: wp, release: () => b.disposeData(scratch.dataId) };
}

/** Output pixels per register tile: 2 × 16 channels (8 accumulators) measured best. */
function tileShape(co: number): { pixels: number; vecs: number } {
  const vecs = Math.min(CONV_TILE_VECS, co / 4);
  return { pixels: Math.min(CONV_TILE_PIXELS, Math.max(1, Math.floor(8 / vecs))), vecs };
}

/** The direct convolution, or null when the shape does not suit it. */
export function directConv2D(backend: unknown, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  if (!heapSimdSwitches.conv || info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || info.outChannels % 4 !== 0) return null;
  const simd = heapSimd(backend);
  if (!simd) return null;
  const { batchSize: n, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const b = backend as HeapBackend;
  const out = b.makeOutput([n, oh, ow, co], 'float32');
  if (n * oh * ow * co === 0) return out;
  const hp = (oh - 1) * sh + fh;
  const wp = (ow - 1) * sw + fw;
  const p = paddedInput(backend, x, info.padInfo.top, info.padInfo.left, hp, wp);
  const [xAt, wAt, outAt] = [heapOffset(backend, p.src), heapOffset(backend, filter), heapOffset(backend, out)];
  const m = fw * ci;
  const rowB = p.w * ci * 4;
  const { pixels, vecs: nvMax } = tileShape(co);
  const full = Math.floor(ow / pixels);
  const tail = ow - full * pixels;
  for (let c0 = 0; c0 < co; c0 += 4 * nvMax) {
    const vecs = Math.min(nvMax, (co - c0) / 4);
    const run = (px: number, tiles: number, first: number) => simd.convTile(px, vecs)(
      xAt + first * sw * ci * 4, wAt + c0 * 4, outAt + (first * co + c0) * 4,
      n, oh, tiles, fh, m, rowB - m * 4, sw * ci * 4, px * sw * ci * 4, sh * rowB, p.h * rowB, co * 4,
      co * 4, px * co * 4, ow * co * 4,
    );
    if (full > 0) run(pixels, full, 0);
    if (tail > 0) run(tail, 1, full * pixels);
  }
  p.release();
  return out;
}

/**
 * out[M, N] = x[M, K] · w[K, N], all row-major, as a 1×1 convolution over M pixels of K channels
 * (N a multiple of 4).
 */
function matMulTiles(simd: HeapSimd, xAt: number, wAt: number, outAt: number, m: number, k: number, n: number): void {
  const { pixels, vecs: nvMax } = tileShape(n);
  const full = Math.floor(m / pixels);
  const tail = m - full * pixels;
  for (let c0 = 0; c0 < n; c0 += 4 * nvMax) {
    const vecs = Math.min(nvMax, (n - c0) / 4);
    const run = (px: number, tiles: number, first: number) => simd.convTile(px, vecs)(
      xAt + first * k * 4, wAt + c0 * 4, outAt + (first * n + c0) * 4,
      1, 1, tiles, 1, k, 0, k * 4, px * k * 4, 0, 0, n * 4, n * 4, px * n * 4, 0,
    );
    if (full > 0) run(pixels, full, 0);
    if (tail > 0) run(tail, 1, full * pixels);
  }
}

/**
 * BatchMatMul with a single batch on each side and N a multiple of 4 as the direct SIMD loop,
 * transposed operands transposed explicitly first; null for anything else.
 */
export function directMatMul(backend: unknown, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo | null {
  if (!heapSimdSwitches.matMul || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const ra = a.shape.length, rb = b.shape.length;
  if (ra < 2 || rb < 2 || tf.util.sizeFromShape(a.shape.slice(0, -2)) !== 1 || tf.util.sizeFromShape(b.shape.slice(0, -2)) !== 1) return null;
  const [m, k] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (n % 4 !== 0 || m * n * k === 0) return null;
  const simd = heapSimd(backend);
  if (!simd) return null;
  const calls = new KernelCalls(backend);
  const a2 = transposeA ? calls.transpose(calls.reshape(a, [k, m]), [1, 0]) : a;
  const b2 = transposeB ? calls.transpose(calls.reshape(b, [n, k]), [1, 0]) : b;
  const batch = ra > rb ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
  const out = (backend as HeapBackend).makeOutput([...batch, m, n], 'float32');
  matMulTiles(simd, heapOffset(backend, a2), heapOffset(backend, b2), heapOffset(backend, out), m, k, n);
  calls.finish(out);
  return out;
}

export function makeConv2D(native: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as tf.Conv2DAttrs;
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations, pad,
      dimRoundingMode, false, tf.backend_util.convertConv2DDataFormat(dataFormat),
    );
    return directConv2D(args.backend, x, filter, info) ?? native(args);
  };
}

export function conv2DConfig(native: tf.KernelFunc): tf.KernelConfig {
  return { kernelName: tf.Conv2D, backendName: 'wasm', kernelFunc: makeConv2D(native) };
}
