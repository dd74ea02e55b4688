// Hand-assembled WebAssembly SIMD loops that run directly on the wasm backend's heap: the module
// imports tfjs's own WebAssembly.Memory, so tensors are read and written where they lie (byte
// offsets from getMemoryOffset), with no copies and no JS views to re-create after the heap
// grows. Emscripten gives no way to link new C++ into the shipped binary, and no compiler to
// wasm is available here, hence the small assembler. Each loop is one pass where the shipped
// kernels take several (transposes, broadcasts, im2col) for the shapes of a small CNN.
// A module is built per Memory (plain or shared, for the threaded build); null when the engine
// lacks WebAssembly SIMD or the backend's memory cannot be reached, and callers fall back.
// Loops are counted down and run at least once: callers never pass a zero count (empty tensors
// return before reaching here).
import type * as tf from '@tensorflow/tfjs';

import { I32, V128, section, sleb, uleb, vec } from '../wasmBinary';

type Code = number[];
const cat = (...parts: Code[]): Code => parts.flat();

// Control and integer instructions.
const loop = (...body: Code[]): Code => [0x03, 0x40, ...cat(...body), 0x0b];
const block = (...body: Code[]): Code => [0x02, 0x40, ...cat(...body), 0x0b];
const brIf = (depth: number): Code => [0x0d, ...uleb(depth)];
const i32 = (v: number): Code => [0x41, ...sleb(v | 0)];
const iadd: Code = [0x6a];
const isub: Code = [0x6b];
const ine: Code = [0x47];
const ieqz: Code = [0x45];
const iltU: Code = [0x49];
const select: Code = [0x1b];

// SIMD instructions (0xfd prefix); memory immediates are (log2 alignment, static byte offset).
const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
const vload = (offset = 0): Code => simd(0x00, 4, ...uleb(offset));
const vsplat32 = (offset = 0): Code => simd(0x09, 2, ...uleb(offset));
const vstore = (offset = 0): Code => simd(0x0b, 4, ...uleb(offset));
const vconst = (bytes: number[]): Code => simd(0x0c, ...bytes);
const vzero = vconst(new Array(16).fill(0));
const vnegInf = vconst([0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff, 0, 0, 0x80, 0xff]);
const vand = simd(0x4e);
const vandnot = simd(0x4f);
const vor = simd(0x50);
const vbitselect = simd(0x52);
const fgt = simd(0x44);
const fpmax = simd(0xeb);
const fadd = simd(0xe4);
const fmul = simd(0xe6);

/** One exported function: i32 parameters by name, locals by name, a body. */
class Fn {
  private readonly index = new Map<string, number>();
  private readonly localTypes: number[] = [];

  constructor(readonly name: string, readonly params: string[]) {
    params.forEach((p, i) => this.index.set(p, i));
  }

  /** Declares locals (i32 or v128); returns the function for chaining. */
  locals(type: number, ...names: string[]): this {
    for (const n of names) {
      this.index.set(n, this.params.length + this.localTypes.length);
      this.localTypes.push(type);
    }
    return this;
  }

  private at(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`heapSimd ${this.name}: no local '${name}'`);
    return i;
  }

  get = (name: string): Code => [0x20, ...uleb(this.at(name))];
  set = (name: string): Code => [0x21, ...uleb(this.at(name))];
  tee = (name: string): Code => [0x22, ...uleb(this.at(name))];
  /** name += step (both locals, or a constant step). */
  inc = (name: string, step: string | number): Code => cat(this.get(name), typeof step === 'number' ? i32(step) : this.get(step), iadd, this.set(name));
  /** name -= 1, then branch to `depth` while it is not zero (a counted loop of at least one pass). */
  countDown = (name: string, depth = 0): Code => cat(this.get(name), i32(1), isub, this.tee(name), brIf(depth));

  encode(body: Code): Code {
    const groups: number[][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const fn = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t]), ...body, 0x0b];
    return [...uleb(fn.length), ...fn];
  }
}

/** Register-tile shapes generated for the convolution filter gradient (rows × 4-float vectors). */
export const FILTER_TILE_ROWS = 4;
export const FILTER_TILE_VECS = 4;
/** Register-tile shapes generated for the forward convolution (output pixels × 4-channel vectors). */
export const CONV_TILE_PIXELS = 4;
export const CONV_TILE_VECS = 4;
/** Widest column tile of the column sum, in 4-float vectors. */
export const COLSUM_VECS = 8;
/** Rows summed in registers before adding into the output (bounds float32 error growth). */
const COLSUM_BLOCK = 128;

/**
 * dW rows [m0, m0+MR) × cols [c0, c0+4·NV) of one filter row kh:
 * out[i·outStride + j] += Σ_{n,oh,ow} A[n,oh,ow][i] · dy[n,oh,ow][j], A's row at
 * a + n·aStepN + oh·aStepOh + ow·aStepOw (a strided view of the padded input), dy contiguous.
 */
function filterTile(mr: number, nv: number): { fn: Fn; body: Code } {
  const f = new Fn(`filter_${mr}x${nv}`, ['a', 'b', 'out', 'N', 'OH', 'OW', 'aStepOw', 'aStepOh', 'aStepN', 'bStep', 'outStride']);
  const acc = (i: number, j: number) => `acc${i}_${j}`;
  const accs: string[] = [];
  for (let i = 0; i < mr; i++) for (let j = 0; j < nv; j++) accs.push(acc(i, j));
  const bv = Array.from({ length: nv }, (_, j) => `b${j}`);
  f.locals(I32, 'n', 'oh', 'ow', 'aN', 'aR', 'ap', 'bp', 'op').locals(V128, ...accs, ...bv, 's');
  const inner: Code[] = [];
  for (let j = 0; j < nv; j++) inner.push(f.get('bp'), vload(16 * j), f.set(bv[j]));
  for (let i = 0; i < mr; i++) {
    inner.push(f.get('ap'), vsplat32(4 * i), f.set('s'));
    for (let j = 0; j < nv; j++) inner.push(f.get(acc(i, j)), f.get('s'), f.get(bv[j]), fmul, fadd, f.set(acc(i, j)));
  }
  const stores: Code[] = [f.get('out'), f.set('ap')];
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nv; j++) stores.push(f.get('ap'), f.get(acc(i, j)), vstore(16 * j));
    stores.push(f.inc('ap', 'outStride'));
  }
  const loads: Code[] = [f.get('out'), f.set('op')];
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nv; j++) loads.push(f.get('op'), vload(16 * j), f.set(acc(i, j)));
    loads.push(f.inc('op', 'outStride'));
  }
  const body = cat(
    ...loads,
    f.get('b'), f.set('bp'), f.get('a'), f.set('aN'),
    loop(
      f.get('aN'), f.set('aR'), f.get('OH'), f.set('oh'),
      loop(
        f.get('aR'), f.set('ap'), f.get('OW'), f.set('ow'),
        loop(...inner, f.inc('ap', 'aStepOw'), f.inc('bp', 'bStep'), f.countDown('ow')),
        f.inc('aR', 'aStepOh'), f.countDown('oh'),
      ),
      f.inc('aN', 'aStepN'), f.countDown('N'),
    ),
    ...stores,
  );
  return { fn: f, body };
}

/**
 * Forward convolution over a rectangle of output pixels (OH rows of T tiles of MR pixels, in
 * each of N images) × channels [c0, c0+4·NV):
 * out[p, j] = Σ_{kh<FH, m<M} x[pixel p's window origin + kh·row + m] · w[kh, m][j], where a
 * window row's M = kw·Ci taps are contiguous in an NHWC row (rowSkip bytes to the next row) and
 * w advances wB bytes per tap and wSkip more per window row (taps outside the rectangle's valid
 * range are skipped that way, so padding is never read). outNSkip: rows of other rectangles.
 */
function convTile(mr: number, nv: number): { fn: Fn; body: Code } {
  const f = new Fn(`conv_${mr}x${nv}`, ['x', 'w', 'out', 'N', 'OH', 'T', 'FH', 'M', 'rowSkip', 'pixB', 'tileB', 'ohB', 'nB', 'wB', 'wSkip', 'outPixB', 'outTileB', 'outRowB', 'outNSkip']);
  const acc = (i: number, j: number) => `acc${i}_${j}`;
  const accs: string[] = [];
  for (let i = 0; i < mr; i++) for (let j = 0; j < nv; j++) accs.push(acc(i, j));
  const bv = Array.from({ length: nv }, (_, j) => `b${j}`);
  const off = Array.from({ length: mr }, (_, i) => `off${i}`);
  f.locals(I32, 'oh', 't', 'kh', 'm', 'xn', 'xr', 'xt', 'ap', 'wp', 'outRow', 'op', ...off).locals(V128, ...accs, ...bv, 's');
  const inner: Code[] = [];
  for (let j = 0; j < nv; j++) inner.push(f.get('wp'), vload(16 * j), f.set(bv[j]));
  for (let i = 0; i < mr; i++) {
    inner.push(f.get('ap'), ...(i > 0 ? [f.get(off[i]), iadd] : []), vsplat32(), f.set('s'));
    for (let j = 0; j < nv; j++) inner.push(f.get(acc(i, j)), f.get('s'), f.get(bv[j]), fmul, fadd, f.set(acc(i, j)));
  }
  const stores: Code[] = [f.get('op'), f.set('ap')];
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nv; j++) stores.push(f.get('ap'), f.get(acc(i, j)), vstore(16 * j));
    if (i < mr - 1) stores.push(f.inc('ap', 'outPixB'));
  }
  const offsets: Code[] = [];
  for (let i = 1; i < mr; i++) offsets.push(f.get(i === 1 ? 'pixB' : off[i - 1]), ...(i > 1 ? [f.get('pixB'), iadd] : []), f.set(off[i]));
  const body = cat(
    ...offsets,
    f.get('out'), f.set('outRow'), f.get('x'), f.set('xn'),
    loop(
      f.get('xn'), f.set('xr'), f.get('OH'), f.set('oh'),
      loop(
        f.get('xr'), f.set('xt'), f.get('outRow'), f.set('op'), f.get('T'), f.set('t'),
        loop(
          ...accs.map((a) => cat(vzero, f.set(a))),
          f.get('xt'), f.set('ap'), f.get('w'), f.set('wp'), f.get('FH'), f.set('kh'),
          loop(
            f.get('M'), f.set('m'),
            loop(...inner, f.inc('ap', 4), f.inc('wp', 'wB'), f.countDown('m')),
            f.inc('ap', 'rowSkip'), f.inc('wp', 'wSkip'), f.countDown('kh'),
          ),
          ...stores,
          f.inc('xt', 'tileB'), f.inc('op', 'outTileB'), f.countDown('t'),
        ),
        f.inc('xr', 'ohB'), f.inc('outRow', 'outRowB'), f.countDown('oh'),
      ),
      f.inc('xn', 'nB'), f.inc('outRow', 'outNSkip'), f.countDown('N'),
    ),
  );
  return { fn: f, body };
}

/**
 * Max-pool gradient for 2×2 windows at stride 2 (each input cell in at most one window), C a
 * multiple of 4: each cell gets the window's dy if it is the window's first maximum in
 * row-major order (strict >, so NaN and −∞ never win), else 0. Cells outside every window
 * (an odd last row/column) are not written.
 */
function maxPoolGrad2x2(): { fn: Fn; body: Code } {
  const f = new Fn('maxpool_grad_2x2', ['x', 'g', 'dx', 'N', 'OH', 'OW', 'cb', 'rowB', 'imgB']);
  f.locals(I32, 'delta', 'xn', 'xr', 'xp', 'oh', 'ow', 'o', 'pa', 'pc', 'cb2', 'rowB2')
    .locals(V128, 'va', 'vb', 'vc', 'vd', 'best', 'ca', 'cb_', 'cc', 'cd', 'won', 'gv');
  // best = cand > best ? cand : best, remembering the mask.
  const pick = (cand: string, mask: string): Code => cat(
    f.get(cand), f.get('best'), f.get(cand), f.get('best'), fgt, f.tee(mask), vbitselect, f.set('best'),
  );
  // Stores g where `mask` and no later candidate won: g & mask & ~won.
  const put = (addr: Code, offset: Code, mask: string, first: boolean): Code => cat(
    addr, offset, iadd, f.get('delta'), iadd,
    f.get('gv'), f.get(mask), vand, ...(first ? [] : [f.get('won'), vandnot]),
    vstore(),
    ...(first ? [f.get(mask), f.set('won')] : [f.get('won'), f.get(mask), vor, f.set('won')]),
  );
  const body = cat(
    f.get('dx'), f.get('x'), isub, f.set('delta'),
    windows2x2(f,
      f.get('xp'), f.get('o'), iadd, f.tee('pa'), vload(), f.set('va'),
      f.get('pa'), f.get('cb'), iadd, vload(), f.set('vb'),
      f.get('pa'), f.get('rowB'), iadd, f.tee('pc'), vload(), f.set('vc'),
      f.get('pc'), f.get('cb'), iadd, vload(), f.set('vd'),
      f.get('g'), vload(), f.set('gv'),
      vnegInf, f.set('best'),
      pick('va', 'ca'), pick('vb', 'cb_'), pick('vc', 'cc'), pick('vd', 'cd'),
      // Later candidates override earlier ones (they only won with a strictly greater value).
      put(f.get('pc'), f.get('cb'), 'cd', true),
      put(f.get('pc'), i32(0), 'cc', false),
      put(f.get('pa'), f.get('cb'), 'cb_', false),
      put(f.get('pa'), i32(0), 'ca', false),
      f.inc('g', 16),
    ),
  );
  return { fn: f, body };
}

/**
 * The loop nest both 2×2 stride-2 pooling kernels run: every image, output row, output column
 * and 16-byte channel vector, with `xp` at the window's top-left cell and `o` the vector's byte
 * offset; `inner` runs once per vector (and advances its own output pointer). Needs the I32
 * locals xn, xr, xp, oh, ow, o, cb2, rowB2 and the params x, N, OH, OW, cb, rowB, imgB.
 */
function windows2x2(f: Fn, ...inner: Code[]): Code {
  return cat(
    f.get('cb'), f.get('cb'), iadd, f.set('cb2'),
    f.get('rowB'), f.get('rowB'), iadd, f.set('rowB2'),
    f.get('x'), f.set('xn'),
    loop(
      f.get('xn'), f.set('xr'), f.get('OH'), f.set('oh'),
      loop(
        f.get('xr'), f.set('xp'), f.get('OW'), f.set('ow'),
        loop(
          i32(0), f.set('o'),
          loop(...inner, f.get('o'), i32(16), iadd, f.tee('o'), f.get('cb'), ine, brIf(0)),
          f.inc('xp', 'cb2'), f.countDown('ow'),
        ),
        f.inc('xr', 'rowB2'), f.countDown('oh'),
      ),
      f.inc('xn', 'imgB'), f.countDown('N'),
    ),
  );
}

/** Max of each 2×2 window at stride 2, C a multiple of 4: strict > from −∞ (NaN never wins), as on cpu. */
function maxPool2x2(): { fn: Fn; body: Code } {
  const f = new Fn('maxpool_2x2', ['x', 'out', 'N', 'OH', 'OW', 'cb', 'rowB', 'imgB']);
  f.locals(I32, 'xn', 'xr', 'xp', 'oh', 'ow', 'o', 'pa', 'pc', 'cb2', 'rowB2').locals(V128, 'best');
  // pmax(best, v) = best < v ? v : best
  const take = (addr: Code): Code => cat(f.get('best'), addr, vload(), fpmax, f.set('best'));
  const body = windows2x2(f,
    f.get('xp'), f.get('o'), iadd, f.set('pa'),
    f.get('pa'), f.get('rowB'), iadd, f.set('pc'),
    vnegInf, f.set('best'),
    take(f.get('pa')), take(cat(f.get('pa'), f.get('cb'), iadd)),
    take(f.get('pc')), take(cat(f.get('pc'), f.get('cb'), iadd)),
    f.get('out'), f.get('best'), vstore(),
    f.inc('out', 16),
  );
  return { fn: f, body };
}

/** out[j] = Σ_r x[r·rowB + j] for NV vectors of columns, in blocks of COLSUM_BLOCK rows. */
function columnSum(nv: number): { fn: Fn; body: Code } {
  const f = new Fn(`colsum_${nv}`, ['x', 'out', 'rows', 'rowB']);
  const acc = Array.from({ length: nv }, (_, j) => `acc${j}`);
  f.locals(I32, 'cnt').locals(V128, ...acc);
  const body = cat(
    ...acc.map((_, j) => cat(f.get('out'), vzero, vstore(16 * j))),
    loop(
      // cnt = min(rows, BLOCK); rows -= cnt
      f.get('rows'), i32(COLSUM_BLOCK), f.get('rows'), i32(COLSUM_BLOCK), iltU, select, f.set('cnt'),
      f.get('rows'), f.get('cnt'), isub, f.set('rows'),
      ...acc.map((a) => cat(vzero, f.set(a))),
      loop(
        ...acc.map((a, j) => cat(f.get(a), f.get('x'), vload(16 * j), fadd, f.set(a))),
        f.inc('x', 'rowB'), f.countDown('cnt'),
      ),
      ...acc.map((a, j) => cat(f.get('out'), f.get('out'), vload(16 * j), f.get(a), fadd, vstore(16 * j))),
      f.get('rows'), ieqz, ieqz, brIf(0),
    ),
  );
  return { fn: f, body };
}

/** out[r, :] = a[r, :] + b[:] over rows of cb bytes (a multiple of 16). */
function biasAdd(): { fn: Fn; body: Code } {
  const f = new Fn('bias_add', ['a', 'b', 'out', 'rows', 'cb']);
  f.locals(I32, 'delta', 'o');
  const body = cat(
    f.get('out'), f.get('a'), isub, f.set('delta'),
    loop(
      i32(0), f.set('o'),
      loop(
        f.get('a'), f.get('delta'), iadd,
        f.get('a'), vload(), f.get('b'), f.get('o'), iadd, vload(), fadd,
        vstore(),
        f.inc('a', 16), f.get('o'), i32(16), iadd, f.tee('o'), f.get('cb'), ine, brIf(0),
      ),
      f.countDown('rows'),
    ),
  );
  return { fn: f, body };
}

interface Built { fn: Fn; body: Code }

function kernels(): Built[] {
  const out: Built[] = [];
  for (let mr = 1; mr <= FILTER_TILE_ROWS; mr++) for (let nv = 1; nv <= FILTER_TILE_VECS; nv++) out.push(filterTile(mr, nv));
  for (let mr = 1; mr <= CONV_TILE_PIXELS; mr++) for (let nv = 1; nv <= CONV_TILE_VECS; nv++) out.push(convTile(mr, nv));
  out.push(maxPoolGrad2x2(), maxPool2x2());
  for (let nv = 1; nv <= COLSUM_VECS; nv++) out.push(columnSum(nv));
  out.push(biasAdd());
  return out;
}

function moduleBytes(shared: boolean): Uint8Array<ArrayBuffer> {
  const str = (s: string): Code => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
  const built = kernels();
  // One type per distinct parameter count (every parameter is i32, no results).
  const arities = [...new Set(built.map((b) => b.fn.params.length))];
  const types = section(1, vec(arities.map((n) => [0x60, ...uleb(n), ...new Array(n).fill(I32), 0])));
  // Memory import: shared memories must declare a maximum (65536 pages admits any).
  const limits = shared ? [0x03, 0, ...uleb(65536)] : [0x00, 0];
  const imports = section(2, vec([[...str('env'), ...str('memory'), 0x02, ...limits]]));
  const funcs = section(3, vec(built.map((b) => uleb(arities.indexOf(b.fn.params.length)))));
  const exports = section(7, vec(built.map((b, i) => [...str(b.fn.name), 0x00, ...uleb(i)])));
  const code = section(10, vec(built.map((b) => b.fn.encode(b.body))));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}

type I32Fn = (...args: number[]) => void;

export interface HeapSimd {
  /** See filterTile; tile rows 1..FILTER_TILE_ROWS, vectors 1..FILTER_TILE_VECS. */
  filterTile(rows: number, vecs: number): I32Fn;
  /** See convTile; pixels 1..CONV_TILE_PIXELS, vectors 1..CONV_TILE_VECS. */
  convTile(pixels: number, vecs: number): I32Fn;
  maxPoolGrad2x2: I32Fn;
  maxPool2x2: I32Fn;
  /** Column sum over 1..COLSUM_VECS vectors. */
  columnSum(vecs: number): I32Fn;
  biasAdd: I32Fn;
}

interface WasmModuleLike { asm?: { memory?: unknown }; wasmMemory?: unknown }

const cache = new WeakMap<WebAssembly.Memory, HeapSimd | null>();

/** Turned off by registerWasmTrainingKernels options (for measuring each lever), or in tests. */
export const heapSimdSwitches = { maxPool: true, matMul: true, conv: true, convFilter: true, maxPoolGrad: true, columnSum: true, biasAdd: true };

/** The SIMD loops bound to this wasm backend's heap, or null (then use the other paths). */
export function heapSimd(backend: unknown): HeapSimd | null {
  const wasm = (backend as { wasm?: WasmModuleLike }).wasm;
  const memory = wasm?.asm?.memory ?? wasm?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const hit = cache.get(memory);
  if (hit !== undefined) return hit;
  let made: HeapSimd | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes(shared)), { env: { memory } });
    const e = instance.exports as Record<string, I32Fn>;
    made = {
      filterTile: (rows, vecs) => e[`filter_${rows}x${vecs}`],
      convTile: (pixels, vecs) => e[`conv_${pixels}x${vecs}`],
      maxPoolGrad2x2: e.maxpool_grad_2x2,
      maxPool2x2: e.maxpool_2x2,
      columnSum: (vecs) => e[`colsum_${vecs}`],
      biasAdd: e.bias_add,
    };
  } catch {
    made = null; // no SIMD in this engine: the callers keep their other paths
  }
  cache.set(memory, made);
  return made;
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: unknown, t: tf.TensorInfo): number {
  return (backend as { getMemoryOffset(id: tf.DataId): number }).getMemoryOffset(t.dataId);
}
