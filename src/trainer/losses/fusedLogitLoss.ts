// Cross-entropy and soft-KD terms computed together as one kernel, with a hand-written gradient
// kernel: for a batch of logits, the general path runs ~40 small ops forward and as many
// backward, and on a small student that per-op cost dominates the step. Here one JS pass over
// the rows (log-softmax of s, of s/T and of t/T, then KL and CE) gives the total and each term's
// value; one pass gives the gradient. Used by the objective only where it is exactly the same
// function as the general path: fixed weights, no example weights, cross_entropy and soft_kd
// terms only, on the wasm and cpu backends (the kernels read and write their memory directly).
import * as tf from '@tensorflow/tfjs';
import { kernelMemory, type FusedBackendName, type KernelMemory } from '../backend/tensorMemory';

/** One term of the fused loss. */
export type LogitTerm =
  | { kind: 'cross_entropy'; labelSmoothing: number }
  | { kind: 'soft_kd'; temperature: number };

/** Logits + teacher logits + labels → [total, term 0, term 1, ...] (scalars). */
export const LOGIT_LOSS = 'DistilleryLogitLoss';
/** The same without the teacher input, for cross-entropy terms only. */
export const LABEL_LOSS = 'DistilleryLabelLoss';
/** Gradient of either with respect to the student (or, with `wrt: 1`, the teacher) logits. */
export const LOGIT_LOSS_GRAD = 'DistilleryLogitLossGrad';

const CE = 0;
const KD = 1;

interface Attrs {
  /** Per term: 0 = cross-entropy, 1 = soft KD. */
  kinds: number[];
  /** Per term: label smoothing ε (cross-entropy) or temperature T (soft KD). */
  params: number[];
  /** Per term: its weight in the total. */
  weights: number[];
  /** Gradient kernel only: 0 = student logits, 1 = teacher logits. */
  wrt?: number;
}

/** Row b of softmax(x/T) into `prob` and its logarithm into `logProb` (double precision, C exps and one log). */
function softmaxRow(x: Float32Array, base: number, C: number, invT: number, prob: Float64Array, logProb: Float64Array): void {
  let max = -Infinity;
  for (let j = 0; j < C; j++) { const v = x[base + j] * invT; if (v > max) max = v; }
  let sum = 0;
  for (let j = 0; j < C; j++) { const e = Math.exp(x[base + j] * invT - max); prob[j] = e; sum += e; }
  const logSum = Math.log(sum);
  for (let j = 0; j < C; j++) { prob[j] /= sum; logProb[j] = x[base + j] * invT - max - logSum; }
}

/** The label of row b as oneHot(cast(labels, int32)) reads it: -1 when no class is hot. */
function labelOf(labels: ArrayLike<number>, b: number, C: number): number {
  const l = Math.trunc(labels[b]);
  return l >= 0 && l < C ? l : -1;
}

interface Shapes { B: number; C: number }

function checkInputs(logits: tf.TensorInfo, labels: tf.TensorInfo, teacher: tf.TensorInfo | undefined, a: Attrs): Shapes {
  if (logits.shape.length !== 2) throw new Error(`${LOGIT_LOSS}: logits must be [batch, classes], got ${JSON.stringify(logits.shape)}`);
  const [B, C] = logits.shape;
  if (labels.shape.length !== 1 || labels.shape[0] !== B) throw new Error(`${LOGIT_LOSS}: labels must be [${B}], got ${JSON.stringify(labels.shape)}`);
  if (teacher && (teacher.shape.length !== 2 || teacher.shape[0] !== B || teacher.shape[1] !== C)) {
    throw new Error(`${LOGIT_LOSS}: teacher logits must be [${B}, ${C}], got ${JSON.stringify(teacher.shape)}`);
  }
  if (!teacher && a.kinds.some((k) => k === KD)) throw new Error(`${LOGIT_LOSS}: soft_kd terms need the teacher logits`);
  return { B, C };
}

function forward(mem: KernelMemory, inputs: tf.NamedTensorInfoMap, a: Attrs): tf.TensorInfo[] {
  const { logits, labels, teacher } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo; teacher?: tf.TensorInfo };
  const { B, C } = checkInputs(logits, labels, teacher, a);
  const K = a.kinds.length;
  const outs = Array.from({ length: K + 1 }, () => mem.allocFloat([]));
  // Views after allocating: allocation may move the wasm heap.
  const s = mem.view(logits) as Float32Array;
  const t = teacher ? mem.view(teacher) as Float32Array : undefined;
  const y = mem.view(labels);
  const sums = new Float64Array(K);
  const [q1, logQ1, q, logQ, p, logP] = Array.from({ length: 6 }, () => new Float64Array(C));
  const hasCe = a.kinds.includes(CE);
  for (let b = 0; b < B; b++) {
    const base = b * C;
    if (hasCe) softmaxRow(s, base, C, 1, q1, logQ1);
    const label = labelOf(y, b, C);
    for (let k = 0; k < K; k++) {
      if (a.kinds[k] === CE) {
        // −Σ_c target_c·log q_c with target = (1 − ε)·onehot + ε/C.
        const eps = a.params[k];
        let row = label >= 0 ? (1 - eps) * logQ1[label] : 0;
        if (eps > 0) {
          let all = 0;
          for (let j = 0; j < C; j++) all += logQ1[j];
          row += (eps / C) * all;
        }
        sums[k] -= row;
      } else {
        const T = a.params[k];
        softmaxRow(t!, base, C, 1 / T, p, logP);
        softmaxRow(s, base, C, 1 / T, q, logQ);
        let kl = 0;
        for (let j = 0; j < C; j++) kl += p[j] * (logP[j] - logQ[j]);
        sums[k] += T * T * kl;
      }
    }
  }
  let total = 0;
  for (let k = 0; k < K; k++) {
    const value = sums[k] / B;
    (mem.view(outs[k + 1]) as Float32Array)[0] = value;
    // The general path rounds each term to float32 before weighting it.
    total += Math.fround(value) * a.weights[k];
  }
  (mem.view(outs[0]) as Float32Array)[0] = total;
  return outs;
}

function gradient(mem: KernelMemory, inputs: tf.NamedTensorInfoMap, a: Attrs): tf.TensorInfo {
  const { logits, labels, teacher } = inputs as { logits: tf.TensorInfo; labels: tf.TensorInfo; teacher?: tf.TensorInfo };
  const { B, C } = checkInputs(logits, labels, teacher, a);
  const K = a.kinds.length;
  const wrtTeacher = a.wrt === 1;
  if (wrtTeacher && !teacher) throw new Error(`${LOGIT_LOSS_GRAD}: no teacher logits to differentiate`);
  const out = mem.allocFloat([B, C]);
  const s = mem.view(logits) as Float32Array;
  const t = teacher ? mem.view(teacher) as Float32Array : undefined;
  const y = mem.view(labels);
  const dx = mem.view(out) as Float32Array;
  // Each term's upstream gradient: through the total (times its weight) and through its own output.
  const dyTotal = (mem.view(inputs.dy0!) as Float32Array)[0];
  const coef = new Float64Array(K);
  for (let k = 0; k < K; k++) coef[k] = (dyTotal * a.weights[k] + (mem.view(inputs[`dy${k + 1}`]!) as Float32Array)[0]) / B;
  const g = new Float64Array(C);
  const [q1, logQ1, q, logQ, p, logP] = Array.from({ length: 6 }, () => new Float64Array(C));
  const hasCe = !wrtTeacher && a.kinds.includes(CE);
  for (let b = 0; b < B; b++) {
    const base = b * C;
    g.fill(0);
    if (hasCe) softmaxRow(s, base, C, 1, q1, logQ1);
    const label = labelOf(y, b, C);
    for (let k = 0; k < K; k++) {
      const c = coef[k];
      if (a.kinds[k] === CE) {
        if (wrtTeacher) continue;
        // d/ds_j of −Σ target·log softmax(s) = softmax(s)_j·Σ target − target_j.
        const eps = a.params[k];
        const hot = label >= 0 ? 1 - eps : 0;
        const mass = hot + eps;
        const spread = eps / C;
        for (let j = 0; j < C; j++) g[j] += c * (q1[j] * mass - spread - (j === label ? hot : 0));
      } else {
        const T = a.params[k];
        softmaxRow(t!, base, C, 1 / T, p, logP);
        softmaxRow(s, base, C, 1 / T, q, logQ);
        if (!wrtTeacher) {
          // d/ds_j of T²·KL(p‖q) = T·(q_j − p_j).
          for (let j = 0; j < C; j++) g[j] += c * T * (q[j] - p[j]);
        } else {
          // d/dt_j of T²·KL(p‖q) = T·p_j·((log p_j − log q_j) − KL).
          let kl = 0;
          for (let j = 0; j < C; j++) kl += p[j] * (logP[j] - logQ[j]);
          for (let j = 0; j < C; j++) g[j] += c * T * p[j] * (logP[j] - logQ[j] - kl);
        }
      }
    }
    for (let j = 0; j < C; j++) dx[base + j] = g[j];
  }
  return out;
}

function gradConfig(kernelName: string): tf.GradConfig {
  const withTeacher = kernelName === LOGIT_LOSS;
  return {
    kernelName,
    inputsToSave: withTeacher ? ['logits', 'labels', 'teacher'] : ['logits', 'labels'],
    gradFunc: (dy, saved, attrs) => {
      const dys = Array.isArray(dy) ? dy : [dy];
      const [logits, labels, teacher] = saved;
      const inputs: tf.NamedTensorMap = { logits, labels };
      if (withTeacher) inputs.teacher = teacher;
      dys.forEach((d, i) => { inputs[`dy${i}`] = d; });
      const run = (wrt: number) => tf.engine().runKernel(LOGIT_LOSS_GRAD, inputs, { ...(attrs as unknown as Attrs), wrt } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const grads: Record<string, () => tf.Tensor> = {
        logits: () => run(0),
        labels: () => tf.zeros(labels.shape),
      };
      if (withTeacher) grads.teacher = () => run(1);
      return grads;
    },
  };
}

let registered = false;

/** Registers the kernels on wasm and cpu, and their gradient (idempotent). */
export function registerFusedLogitLoss(): void {
  if (registered) return;
  registered = true;
  for (const backendName of ['wasm', 'cpu'] as FusedBackendName[]) {
    const add = (kernelName: string, f: (mem: KernelMemory, inputs: tf.NamedTensorInfoMap, a: Attrs) => tf.TensorInfo | tf.TensorInfo[]) => {
      if (tf.getKernel(kernelName, backendName)) return;
      tf.registerKernel({ kernelName, backendName, kernelFunc: ({ inputs, backend, attrs }) => f(kernelMemory(backend, backendName), inputs, attrs as unknown as Attrs) });
    };
    add(LOGIT_LOSS, forward);
    add(LABEL_LOSS, forward);
    add(LOGIT_LOSS_GRAD, gradient);
  }
  tf.registerGradient(gradConfig(LOGIT_LOSS));
  tf.registerGradient(gradConfig(LABEL_LOSS));
}

/** Whether the active backend runs the fused kernels (wasm and cpu do; others take the general path). */
export function fusedLogitLossAvailable(): boolean {
  registerFusedLogitLoss();
  return tf.getKernel(LOGIT_LOSS, tf.getBackend()) !== undefined;
}

/**
 * total = Σ_k weights[k]·term_k and each term's unweighted value, as one kernel call (and one
 * for the gradient). `teacherLogits` may be omitted when every term is cross-entropy.
 */
export function fusedLogitLoss(studentLogits: tf.Tensor2D, teacherLogits: tf.Tensor2D | undefined, labels: tf.Tensor1D, terms: LogitTerm[], weights: number[]): { total: tf.Scalar; values: tf.Scalar[] } {
  registerFusedLogitLoss();
  if (weights.length !== terms.length) throw new Error(`fusedLogitLoss: ${terms.length} terms but ${weights.length} weights`);
  const attrs: Attrs = {
    kinds: terms.map((t) => (t.kind === 'cross_entropy' ? CE : KD)),
    params: terms.map((t) => (t.kind === 'cross_entropy' ? t.labelSmoothing : t.temperature)),
    weights,
  };
  const inputs: tf.NamedTensorMap = { logits: studentLogits, labels };
  if (teacherLogits) inputs.teacher = teacherLogits;
  const outs = tf.engine().runKernel(teacherLogits ? LOGIT_LOSS : LABEL_LOSS, inputs, attrs as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
  return { total: outs[0] as tf.Scalar, values: outs.slice(1) as tf.Scalar[] };
}
