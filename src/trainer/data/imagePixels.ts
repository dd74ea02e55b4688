// Pure-JS image decoding (PNG via pngjs, JPEG via jpeg-js) and bilinear resizing.
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { DataError } from './types';

export interface Rgba { width: number; height: number; /** 8-bit RGBA, row-major */ data: Uint8Array }

const isPng = (b: Buffer) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Decodes by content, not by extension, so that a mislabelled file still loads. */
export function decodeImage(bytes: Buffer, file: string): Rgba {
  let img: Rgba;
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(bytes);
      img = { width: png.width, height: png.height, data: png.data };
    } else if (isJpeg(bytes)) {
      const j = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      img = { width: j.width, height: j.height, data: j.data };
    } else {
      throw new DataError('not a PNG or JPEG image (unrecognised file header)', { file });
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`cannot decode the image (corrupt or unsupported ${isPng(bytes) ? 'PNG' : 'JPEG'}): ${(e as Error).message ?? e}`, { file });
  }
  if (!(img.width > 0 && img.height > 0) || img.data.length < img.width * img.height * 4) {
    throw new DataError(`the image decoded to no pixels (${img.width}×${img.height})`, { file });
  }
  return img;
}

/**
 * Writes the image, converted to `channels` (1: luma, 3: RGB; alpha dropped) and scaled
 * to [0, 1], into `out` at `offset`, resized bilinearly (half-pixel centres) to `width`×`height`.
 */
export function writePixels(img: Rgba, width: number, height: number, channels: 1 | 3, out: Float32Array, offset: number): void {
  const { data, width: sw, height: sh } = img;
  const value = (x: number, y: number, ch: number): number => {
    const p = (y * sw + x) * 4;
    return channels === 1 ? (0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2]) / 255 : data[p + ch] / 255;
  };
  if (sw === width && sh === height) {
    for (let y = 0, o = offset; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) out[o++] = value(x, y, c);
    return;
  }
  const fx = sw / width;
  const fy = sh / height;
  let o = offset;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(Math.max((y + 0.5) * fy - 0.5, 0), sh - 1);
    const y0 = Math.floor(sy), y1 = Math.min(y0 + 1, sh - 1), wy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(Math.max((x + 0.5) * fx - 0.5, 0), sw - 1);
      const x0 = Math.floor(sx), x1 = Math.min(x0 + 1, sw - 1), wx = sx - x0;
      for (let c = 0; c < channels; c++) {
        const top = value(x0, y0, c) * (1 - wx) + value(x1, y0, c) * wx;
        const bottom = value(x0, y1, c) * (1 - wx) + value(x1, y1, c) * wx;
        out[o++] = top * (1 - wy) + bottom * wy;
      }
    }
  }
}
