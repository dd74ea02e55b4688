// Reader for NumPy's .npy format (versions 1–3), C order, little-endian.
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
import { DataError } from './types';

export type NpyDtype = 'float32' | 'float64' | 'uint8' | 'int32' | 'int64';
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** int64 arrays are read into a Float64Array (exact below 2^53). */
  data: Float32Array | Float64Array | Uint8Array | Int32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DTYPES: Record<string, { dtype: NpyDtype; size: number }> = {
  f4: { dtype: 'float32', size: 4 }, f8: { dtype: 'float64', size: 8 }, u1: { dtype: 'uint8', size: 1 },
  i4: { dtype: 'int32', size: 4 }, i8: { dtype: 'int64', size: 8 },
};
const MAX_SAFE = 2 ** 53;

export function parseNpy(bytes: Buffer, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new DataError(`not an NPY file: it does not start with the magic bytes "\\x93NUMPY" (save arrays with numpy.save)`, { file });
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new DataError(`unsupported NPY format version ${major}.${bytes[7]} (supported: 1, 2, 3)`, { file });
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) throw new DataError('truncated NPY header', { file });
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw new DataError(`truncated NPY header: it declares ${headerLength} bytes, the file has ${bytes.length - headerStart} after the preamble`, { file });
  const header = bytes.toString(major === 3 ? 'utf8' : 'latin1', headerStart, dataStart);

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header)?.[1];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DataError(`malformed NPY header (expected 'descr', 'fortran_order' and 'shape'): ${JSON.stringify(header.trim().slice(0, 200))}`, { file });
  }
  if (fortran === 'True') throw new DataError('Fortran-order arrays are not supported; save a C-order array (numpy.ascontiguousarray)', { file });
  const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  const type = m ? DTYPES[`${m[2]}${m[3]}`] : undefined;
  if (!m || !type) {
    throw new DataError(`unsupported dtype '${descr}'; supported: float32 (<f4), float64 (<f8), uint8 (|u1), int32 (<i4), int64 (<i8)`, { file });
  }
  if (m[1] === '>' && type.size > 1) throw new DataError(`big-endian dtype '${descr}' is not supported; save with little-endian order (array.astype('<${m[2]}${m[3]}'))`, { file });
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    const n = Number(s.replace(/L$/, ''));
    if (!Number.isInteger(n) || n < 0) throw new DataError(`malformed shape (${shapeText}) in the NPY header`, { file });
    return n;
  });
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = count * type.size;
  const found = bytes.length - dataStart;
  if (found < expected) {
    throw new DataError(`truncated data: shape (${shape.join(', ')}) of ${type.dtype} needs ${expected} bytes, the file has ${found}`, { file });
  }
  if (found > expected) throw new DataError(`${found - expected} bytes after the data that shape (${shape.join(', ')}) of ${type.dtype} declares; the file is not a single array`, { file });

  // Copy so that the typed array is aligned whatever the Buffer's offset in its pool.
  const raw = new Uint8Array(expected);
  raw.set(bytes.subarray(dataStart, dataStart + expected));
  switch (type.dtype) {
    case 'float32': return { dtype: 'float32', shape, data: new Float32Array(raw.buffer) };
    case 'float64': return { dtype: 'float64', shape, data: new Float64Array(raw.buffer) };
    case 'uint8': return { dtype: 'uint8', shape, data: raw };
    case 'int32': return { dtype: 'int32', shape, data: new Int32Array(raw.buffer) };
    case 'int64': {
      const big = new BigInt64Array(raw.buffer);
      const data = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = Number(big[i]);
        if (v > MAX_SAFE || v < -MAX_SAFE) throw new DataError(`int64 value ${big[i]} at element ${i} is too large to represent exactly (limit 2^53)`, { file });
        data[i] = v;
      }
      return { dtype: 'int64', shape, data };
    }
  }
}
