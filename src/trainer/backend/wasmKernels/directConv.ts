// Conv2D (NHWC, dilation 1, output channels a multiple of 4) as register-tiled SIMD loops over
// the heap (heapSimd.ts convTile): no im2col and no weight packing, which XNNPACK redoes on
// every training step because the weights change, and no padded copy: border rows and columns
// run with only their valid taps. Conv2DBackpropInput reaches it too, since it runs as a
// forward Conv2D with 'full' padding. Other shapes, dtypes and layouts go to the shipped kernel.
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

/**
 * Runs of output positions along one axis whose windows share the same range of valid taps
 * [k0, k1): border positions (whose windows reach into padding) each form their own run, the
 * interior one run. Padding is thereby never read nor multiplied.
 */
function tapRuns(outSize: number, inSize: number, f: number, stride: number, pad: number): Array<{ o0: number; o1: number; k0: number; k1: number }> {
  const runs: Array<{ o0: number; o1: number; k0: number; k1: number }> = [];
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - pad;
    const k0 = Math.max(0, -start), k1 = Math.min(f, inSize - start);
    const last = runs[runs.length - 1];
    if (last && last.k0 === k0 && last.k1 === k1) last.o1 = o + 1;
    else runs.push({ o0: o, o1: o + 1, k0, k1 });
  }
  return runs;
}

/** The direct convolution, or null when the shape does not suit it. */
export function directConv2D(backend: unknown, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  if (!heapSimdSwitches.conv || info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || info.outChannels % 4 !== 0 || info.inChannels === 0) return null;
  const simd = heapSimd(backend);
  if (!simd) return null;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co, filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const b = backend as HeapBackend;
  const out = b.makeOutput([n, oh, ow, co], 'float32');
  if (n * oh * ow * co === 0) return out;
  const rows = tapRuns(oh, h, fh, sh, info.padInfo.top);
  const cols = tapRuns(ow, w, fw, sw, info.padInfo.left);
  // Outputs whose window lies wholly in the padding are 0 (no tap is ever run for them).
  if ([...rows, ...cols].some((r) => r.k0 >= r.k1)) b.typedArrayFromHeap(out).fill(0);
  const [xAt, wAt, outAt] = [heapOffset(backend, x), heapOffset(backend, filter), heapOffset(backend, out)];
  const { pixels, vecs: nvMax } = tileShape(co);
  const rowB = w * ci * 4;
  for (const r of rows) {
    if (r.k0 >= r.k1) continue;
    for (const c of cols) {
      if (c.k0 >= c.k1) continue;
      const m = (c.k1 - c.k0) * ci;
      const width = c.o1 - c.o0;
      const full = Math.floor(width / pixels);
      const tail = width - full * pixels;
      // Input and filter at the rectangle's first pixel and first valid tap.
      const x0 = xAt + (((r.o0 * sh - info.padInfo.top + r.k0) * w + c.o0 * sw - info.padInfo.left + c.k0) * ci) * 4;
      const w0 = wAt + ((r.k0 * fw + c.k0) * ci * co) * 4;
      for (let c0 = 0; c0 < co; c0 += 4 * nvMax) {
        const vecs = Math.min(nvMax, (co - c0) / 4);
        const run = (px: number, tiles: number, first: number) => simd.convTile(px, vecs)(
          x0 + first * sw * ci * 4, w0 + c0 * 4, outAt + (((r.o0 * ow) + c.o0 + first) * co + c0) * 4,
          n, r.o1 - r.o0, tiles, r.k1 - r.k0, m, rowB - m * 4, sw * ci * 4, px * sw * ci * 4, sh * rowB, h * rowB,
          co * 4, (fw * ci - m) * co * 4, co * 4, px * co * 4, ow * co * 4, (oh - (r.o1 - r.o0)) * ow * co * 4,
        );
        if (full > 0) run(pixels, full, 0);
        if (tail > 0) run(tail, 1, full * pixels);
      }
    }
  }
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
      1, 1, tiles, 1, k, 0, k * 4, px * k * 4, 0, 0, n * 4, 0, n * 4, px * n * 4, 0, 0,
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
