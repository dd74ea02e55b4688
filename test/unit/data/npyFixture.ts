// Writes .npy bytes the way numpy.save does, for tests (fixtures are generated, not stored).
export function npyBytes(descr: string, shape: number[], data: ArrayLike<number | bigint>, opts: { version?: 1 | 2; fortran?: boolean } = {}): Buffer {
  const version = opts.version ?? 1;
  const shapeText = `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const pre = version === 1 ? 10 : 12;
  // numpy pads the header with spaces and a newline so that data starts on a 64-byte boundary.
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const head = Buffer.alloc(pre);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(header.length, 8); else head.writeUInt32LE(header.length, 8);
  const kind = descr.slice(1);
  let body: Buffer;
  switch (kind) {
    case 'f4': body = Buffer.from(Float32Array.from(data as ArrayLike<number>).buffer); break;
    case 'f8': body = Buffer.from(Float64Array.from(data as ArrayLike<number>).buffer); break;
    case 'u1': body = Buffer.from(Uint8Array.from(data as ArrayLike<number>).buffer); break;
    case 'i4': body = Buffer.from(Int32Array.from(data as ArrayLike<number>).buffer); break;
    case 'i8': body = Buffer.from(BigInt64Array.from(Array.from(data, (v) => BigInt(v))).buffer); break;
    default: body = Buffer.alloc(shape.reduce((a, b) => a * b, 1) * Number(kind.slice(1)));
  }
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}
