// The Adam update as a tiny hand-assembled WebAssembly function over f32x4 lanes. WebAssembly's
// float32 add/mul/div/sqrt are IEEE single-precision operations, correctly rounded and never
// fused, so four lanes at a time give bit for bit what the scalar loop (and tfjs's chain of
// float32 ops) gives; the scalar JS loop rounds with Math.fround after each operation and runs
// about 4× slower. The state (m, v) and the scratch copies of gradient and value live in this
// module's own memory; null when the engine lacks WebAssembly SIMD.

import { F32, I32, V128, section, uleb, vec } from '../backend/wasmBinary';

const name = (s: string) => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];

// Opcodes.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const simd = (op: number) => [0xfd, ...uleb(op)];
const load = (align = 4) => [...simd(0x00), align, 0];
const store = (align = 4) => [...simd(0x0b), align, 0];
const splat = simd(0x13);
const fsqrt = simd(227);
const fadd = simd(228);
const fmul = simd(230);
const fdiv = simd(231);

// Parameters: m, v, g, x byte offsets, n (a multiple of 4), then the float32 constants.
const [M, V, G, X, N, B1, OMB1, B2, OMB2, CORR1, CORR2, EPS, NEGLR, DECAY] = Array.from({ length: 14 }, (_, i) => i);
// Locals: byte index, byte end, the constants splatted, g, m', v'.
const I = 14;
const END = 15;
const SPLAT0 = 16; // B1..DECAY splats at SPLAT0 + (param − B1)
const GK = 25;
const MK = 26;
const VK = 27;
const sp = (param: number) => SPLAT0 + (param - B1);

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const params = [I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32, F32];
  const types = section(1, vec([[0x60, ...uleb(params.length), ...params, 0]]));
  const funcs = section(3, vec([uleb(0)]));
  const memory = section(5, vec([[0x00, ...uleb(1)]]));
  const exports = section(7, vec([[...name('memory'), 0x02, 0], [...name('adam'), 0x00, 0]]));
  const addr = (base: number) => [...get(base), ...get(I), 0x6a /* i32.add */];
  const code = [
    // end = n·4
    ...get(N), 0x41, 2, 0x74 /* i32.shl */, ...set(END),
    ...[B1, OMB1, B2, OMB2, CORR1, CORR2, EPS, NEGLR, DECAY].flatMap((p) => [...get(p), ...splat, ...set(sp(p))]),
    0x41, 0, ...set(I),
    0x02, 0x40, // block
    0x03, 0x40, // loop
    ...get(I), ...get(END), 0x4f /* i32.ge_u */, 0x0d, 1, // br_if out
    ...addr(G), ...load(), ...set(GK),
    // m' = m·β1 + g·(1 − β1)
    ...addr(M), ...load(), ...get(sp(B1)), ...fmul, ...get(GK), ...get(sp(OMB1)), ...fmul, ...fadd, ...set(MK),
    ...addr(M), ...get(MK), ...store(),
    // v' = v·β2 + g²·(1 − β2)
    ...addr(V), ...load(), ...get(sp(B2)), ...fmul, ...get(GK), ...get(GK), ...fmul, ...get(sp(OMB2)), ...fmul, ...fadd, ...set(VK),
    ...addr(V), ...get(VK), ...store(),
    // x' = ((m'/c1) / (sqrt(v'/c2) + ε) · (−lr) + x) · decay
    ...addr(X),
    ...get(MK), ...get(sp(CORR1)), ...fdiv,
    ...get(VK), ...get(sp(CORR2)), ...fdiv, ...fsqrt, ...get(sp(EPS)), ...fadd,
    ...fdiv, ...get(sp(NEGLR)), ...fmul,
    ...addr(X), ...load(), ...fadd,
    ...get(sp(DECAY)), ...fmul,
    ...store(),
    ...get(I), 0x41, 16, 0x6a, ...set(I),
    0x0c, 0, // br loop
    0x0b, 0x0b, // end loop, end block
    0x0b, // end function
  ];
  const locals = vec([[...uleb(2), I32], [...uleb(12), V128]]);
  const body = [...locals, ...code];
  const codeSection = section(10, vec([[...uleb(body.length), ...body]]));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...funcs, ...memory, ...exports, ...codeSection]);
}

export type AdamFn = (m: number, v: number, g: number, x: number, n: number, b1: number, oneMinusB1: number, b2: number, oneMinusB2: number, corr1: number, corr2: number, eps: number, negLr: number, decay: number) => void;

export interface AdamSimd { memory: WebAssembly.Memory; adam: AdamFn }

/** A fresh instance (own memory), or null without WebAssembly SIMD. */
export function instantiateAdamSimd(): AdamSimd | null {
  try {
    const bytes = moduleBytes();
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
    const e = instance.exports as unknown as { memory: WebAssembly.Memory; adam: AdamFn };
    return { memory: e.memory, adam: e.adam };
  } catch {
    return null;
  }
}
