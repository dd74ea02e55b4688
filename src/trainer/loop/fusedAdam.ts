// Adam (and AdamW) as one pass per variable (a WebAssembly SIMD loop, adamSimd.ts; a scalar
// JS loop without SIMD) instead of tf.train.adam's ~16 ops per variable per step: on a small
// model the per-op cost of that chain was a fifth of the training step. The arithmetic is
// tf.train.adam's, rounded as its float32 ops round (ε from the backend, 1e-7; bias correction
// from β^t kept in float32; the rate read at each step), and so are the state layout and names
// (`iter`, then `<var>/m`…, `<var>/v`…, matched to gradients by position), so checkpoints move
// between the two.
//
// The new value always goes in as a new tensor (`assign`), never written over the old data:
// the wasm backend caches XNNPACK operators with the weights packed, keyed by the weight
// tensor's id, so a matmul or convolution would go on using the old weights (measured: the
// teacher diverged from tf.train.adam after one step); and cpu hands out its stored arrays
// from dataSync, so callers' arrays would change under them.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../../core/config/types';
import { instantiateAdamSimd, type AdamSimd } from './adamSimd';
import type { StageOptimizer } from './optimizers';

type NamedTensor = { name: string; tensor: tf.Tensor };

interface WasmHeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/** One variable's moments: byte offsets of m and v (each `padded` floats) in the state memory. */
interface Slot { name: string; shape: number[]; n: number; padded: number; m: number; v: number }

const f32 = Math.fround;
const PAGE = 65536;
const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * One Adam step over n values, rounding to float32 after each operation as tfjs's chain of
 * float32 ops does (the SIMD loop computes the same, four lanes at a time).
 */
function adamLoop(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, b1: number, oneMinusB1: number, b2: number, oneMinusB2: number, corr1: number, corr2: number, eps: number, negLr: number, decay: number): void {
  for (let k = 0; k < n; k++) {
    const gk = g[k];
    const mk = f32(f32(m[k] * b1) + f32(gk * oneMinusB1));
    const vk = f32(f32(v[k] * b2) + f32(f32(gk * gk) * oneMinusB2));
    m[k] = mk;
    v[k] = vk;
    const step = f32(f32(f32(mk / corr1) / f32(f32(Math.sqrt(f32(vk / corr2))) + eps)) * negLr);
    // AdamW's decoupled decay multiplies the updated value (decay = 1: plain Adam, exact).
    x[k] = f32(step + x[k]) * decay;
  }
}

/** Bump allocation of 16-byte-aligned float arrays in one WebAssembly memory (new pages are zero). */
class StateMemory {
  private used = 0;
  /** Scratch copies of the current gradient and value (the SIMD loop works in its own memory). */
  private scratch = { g: 0, x: 0, capacity: 0 };

  constructor(readonly memory: WebAssembly.Memory) {}

  alloc(floats: number): number {
    const at = this.used;
    this.used += pad4(floats) * 4;
    const missing = this.used - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE));
    return at;
  }

  scratchFor(padded: number): { g: number; x: number } {
    if (this.scratch.capacity < padded) this.scratch = { g: this.alloc(padded), x: this.alloc(padded), capacity: padded };
    return this.scratch;
  }

  /** A view; valid until the next allocation. */
  view(byteOffset: number, floats: number): Float32Array {
    return new Float32Array(this.memory.buffer, byteOffset, floats);
  }
}

export class FusedAdam implements StageOptimizer {
  private lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  /** β1^(t+1) and β2^(t+1), rounded to float32 after each product as tfjs's accBeta variables are. */
  private accBeta1: number;
  private accBeta2: number;
  private iterations = 0;
  private slots: Slot[] = [];
  private readonly useSimd: boolean;
  private simd: AdamSimd | null = null;
  private state!: StateMemory;

  constructor(readonly name: OptimizerName, lr: number, private readonly weightDecay = 0, opts: { beta1?: number; beta2?: number; epsilon?: number; simd?: boolean } = {}) {
    this.lr = lr;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? tf.backend().epsilon();
    this.accBeta1 = f32(this.beta1);
    this.accBeta2 = f32(this.beta2);
    this.useSimd = opts.simd ?? true;
    this.resetState();
  }

  /** Whether the update runs as WebAssembly SIMD (else the scalar JS loop). */
  get usesSimd(): boolean {
    return this.simd !== null;
  }

  /** Empty state in fresh memory: the SIMD function works on its own instance's memory, so a reset takes a new instance. */
  private resetState(): void {
    this.simd = this.useSimd ? instantiateAdamSimd() : null;
    this.state = new StateMemory(this.simd?.memory ?? new WebAssembly.Memory({ initial: 1 }));
    this.slots = [];
  }

  setLearningRate(lr: number): void {
    this.lr = lr;
  }

  apply(grads: tf.NamedTensorMap, vars: tf.Variable[]): void {
    const byName = new Map(vars.map((v) => [v.name, v] as const));
    const registered = tf.engine().registeredVariables;
    const wasm = tf.getBackend() === 'wasm' ? tf.backend() as unknown as WasmHeapBackend : undefined;
    // Scalars as tfjs holds them: float32 constants, 1 − β^t in float32.
    const b1 = f32(this.beta1);
    const b2 = f32(this.beta2);
    const oneMinusB1 = f32(1 - this.beta1);
    const oneMinusB2 = f32(1 - this.beta2);
    const corr1 = f32(1 - this.accBeta1);
    const corr2 = f32(1 - this.accBeta2);
    const eps = f32(this.epsilon);
    const negLr = f32(-this.lr);
    const decay = this.weightDecay > 0 ? f32(1 - this.lr * this.weightDecay) : 1;
    const names = Object.keys(grads);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const variable = byName.get(name) ?? registered[name];
      if (!variable) throw new Error(`Adam: no variable named "${name}" for the gradient`);
      const slot = this.slotFor(i, name, variable);
      const gradient = grads[name];
      if (gradient == null) continue;
      // AdamW's decoupled decay, for the variables the stage trains (as TfjsOptimizer applied it).
      const decayThis = decay !== 1 && byName.has(name) && variable.trainable ? decay : 1;
      const { n, padded } = slot;
      const scratch = this.state.scratchFor(padded);
      // Views only after every allocation above (growing a memory moves its buffer).
      const g = this.state.view(scratch.g, padded);
      const x = this.state.view(scratch.x, padded);
      g.set(wasm ? wasm.typedArrayFromHeap(gradient) : gradient.dataSync() as Float32Array);
      g.fill(0, n);
      x.set(wasm ? wasm.typedArrayFromHeap(variable) : variable.dataSync() as Float32Array);
      if (this.simd) {
        this.simd.adam(slot.m, slot.v, scratch.g, scratch.x, padded, b1, oneMinusB1, b2, oneMinusB2, corr1, corr2, eps, negLr, decayThis);
      } else {
        adamLoop(x, g, this.state.view(slot.m, padded), this.state.view(slot.v, padded), n, b1, oneMinusB1, b2, oneMinusB2, corr1, corr2, eps, negLr, decayThis);
      }
      // wasm copies the values into its heap at once; cpu would keep the array, so give it its own.
      const t = tf.tensor(wasm ? x.subarray(0, n) : x.slice(0, n), variable.shape, 'float32');
      variable.assign(t);
      t.dispose();
    }
    this.accBeta1 = f32(this.accBeta1 * f32(this.beta1));
    this.accBeta2 = f32(this.accBeta2 * f32(this.beta2));
    this.iterations++;
  }

  /** The moments of position i, created (zero) on first use as tfjs does. */
  private slotFor(i: number, name: string, variable: tf.Variable): Slot {
    let slot = this.slots[i];
    if (!slot) {
      const n = variable.size;
      const padded = pad4(n);
      slot = this.slots[i] = { name, shape: variable.shape.slice(), n, padded, m: this.state.alloc(padded), v: this.state.alloc(padded) };
    }
    if (slot.n !== variable.size) throw new Error(`Adam: state ${i} (${slot.name}) has ${slot.n} values but variable "${name}" has ${variable.size}`);
    return slot;
  }

  /** Fresh tensors (copies of the state). */
  async getWeights(): Promise<NamedTensor[]> {
    const copy = (offset: number, s: Slot) => tf.tensor(this.state.view(offset, s.n).slice(), s.shape, 'float32');
    return [
      { name: 'iter', tensor: tf.scalar(this.iterations, 'int32') },
      ...this.slots.map((s) => ({ name: `${s.name}/m`, tensor: copy(s.m, s) })),
      ...this.slots.map((s) => ({ name: `${s.name}/v`, tensor: copy(s.v, s) })),
    ];
  }

  async setWeights(weights: NamedTensor[]): Promise<void> {
    if (!weights.length) return;
    const iterations = (await weights[0].tensor.data())[0];
    const rest = weights.slice(1);
    const count = rest.length / 2;
    const values: { name: string; shape: number[]; m: Float32Array; v: Float32Array }[] = [];
    for (let i = 0; i < count; i++) {
      const m = rest[i];
      const v = rest[count + i];
      values.push({ name: m.name.replace(/\/m$/, ''), shape: m.tensor.shape.slice(), m: await m.tensor.data() as Float32Array, v: await v.tensor.data() as Float32Array });
    }
    this.iterations = iterations;
    // tfjs sets accBeta = pow(β, iterations + 1), computed by the backend in float32.
    this.accBeta1 = f32(Math.pow(f32(this.beta1), iterations + 1));
    this.accBeta2 = f32(Math.pow(f32(this.beta2), iterations + 1));
    this.resetState();
    for (const { name, shape, m, v } of values) {
      const n = m.length;
      const padded = pad4(n);
      const slot: Slot = { name, shape, n, padded, m: this.state.alloc(padded), v: this.state.alloc(padded) };
      this.state.view(slot.m, n).set(m);
      this.state.view(slot.v, n).set(v);
      this.slots.push(slot);
    }
  }

  dispose(): void {
    this.slots = [];
    this.simd = null;
  }
}
