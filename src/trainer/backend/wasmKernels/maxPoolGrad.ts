// MaxPoolGrad as one pass in JavaScript over views of the wasm heap (no copies). The shipped
// wasm kernel took ~30% of the default CNN teacher's training step (28 ms per call for
// 64×26×26×16 under load, against ~3 ms here). Gradient goes to the first maximum of each
// window in row-major order, as on the cpu backend; padding cells never win.
import * as tf from '@tensorflow/tfjs';

interface HeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

export function maxPoolGrad({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const b = backend as unknown as HeapBackend;
  const out = b.makeOutput(input.shape, input.dtype);
  // Views after makeOutput: allocating may grow (and so move) the heap.
  const x = b.typedArrayFromHeap(input);
  const g = b.typedArrayFromHeap(dy);
  const dx = b.typedArrayFromHeap(out);
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  if (padTop === 0 && padLeft === 0 && dilationHeight === 1 && dilationWidth === 1 && effectiveFilterHeight === 2 && effectiveFilterWidth === 2
    && (outHeight - 1) * strideHeight + 2 <= inHeight && (outWidth - 1) * strideWidth + 2 <= inWidth) {
    pool2x2(x, g, dx, batchSize, inHeight, inWidth, C, outHeight, outWidth, strideHeight, strideWidth);
    return out;
  }
  let gi = 0;
  for (let n = 0; n < batchSize; n++) {
    const xBatch = n * inHeight * inWidth * C;
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = yr * strideHeight - padTop;
      for (let yc = 0; yc < outWidth; yc++) {
        const c0 = yc * strideWidth - padLeft;
        for (let c = 0; c < C; c++, gi++) {
          let best = -Infinity;
          let at = -1;
          for (let wr = 0; wr < effectiveFilterHeight; wr += dilationHeight) {
            const r = r0 + wr;
            if (r < 0 || r >= inHeight) continue;
            const row = xBatch + r * inWidth * C + c;
            for (let wc = 0; wc < effectiveFilterWidth; wc += dilationWidth) {
              const col = c0 + wc;
              if (col < 0 || col >= inWidth) continue;
              const v = x[row + col * C];
              if (v > best) { best = v; at = row + col * C; }
            }
          }
          if (at >= 0) dx[at] += g[gi];
        }
      }
    }
  }
  return out;
}

/** The common 2×2 window with every window inside the input: no bounds checks, unrolled. */
function pool2x2(x: Float32Array, g: Float32Array, dx: Float32Array, batch: number, inH: number, inW: number, C: number, outH: number, outW: number, sh: number, sw: number): void {
  const rowStride = inW * C;
  let gi = 0;
  for (let n = 0; n < batch; n++) {
    const xBatch = n * inH * rowStride;
    for (let yr = 0; yr < outH; yr++) {
      for (let yc = 0; yc < outW; yc++) {
        const i0 = xBatch + yr * sh * rowStride + yc * sw * C;
        for (let c = 0; c < C; c++, gi++) {
          const a = i0 + c;
          // Row-major order, first maximum wins (strict >), as on the cpu backend; NaN never wins.
          let at = -1;
          let best = -Infinity;
          if (x[a] > best) { best = x[a]; at = a; }
          if (x[a + C] > best) { best = x[a + C]; at = a + C; }
          if (x[a + rowStride] > best) { best = x[a + rowStride]; at = a + rowStride; }
          if (x[a + rowStride + C] > best) { at = a + rowStride + C; }
          if (at >= 0) dx[at] += g[gi];
        }
      }
    }
  }
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
