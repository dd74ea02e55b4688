// Shared test scaffolding for the loss tests: contexts, configs and shapes built from plain arrays.
import * as tf from '@tensorflow/tfjs';
import type { LossConfig, LossKind, WeightSchedule } from '../../../src/core/config/types';
import type { LayerShapes, LossContext, LossDefinition } from '../../../src/trainer/losses/types';
import { getLossDefinition } from '../../../src/trainer/losses/registry';

/** The cpu backend: exact float32, starts at once. Silences tfjs' "install tfjs-node" hint. */
export async function useCpu(): Promise<void> {
  const warn = console.warn;
  console.warn = () => undefined;
  await tf.setBackend('cpu');
  await tf.ready();
  console.warn = warn;
}

export interface ContextInput {
  studentLogits?: tf.Tensor2D;
  teacherLogits?: tf.Tensor2D;
  labels?: tf.Tensor1D;
  studentFeatures?: Record<string, tf.Tensor>;
  teacherFeatures?: Record<string, tf.Tensor>;
  numClasses?: number;
  epochProgress?: number;
  step?: number;
}

export function context(input: ContextInput): LossContext {
  const studentLogits = input.studentLogits ?? tf.zeros([1, 2]) as tf.Tensor2D;
  const lookup = (side: string, m: Record<string, tf.Tensor> | undefined, layer: string) => {
    const t = m?.[layer];
    if (!t) throw new Error(`test context: no ${side} feature "${layer}"`);
    return t;
  };
  return {
    studentLogits,
    teacherLogits: input.teacherLogits ?? tf.zerosLike(studentLogits),
    labels: input.labels ?? tf.zeros([studentLogits.shape[0]], 'int32') as tf.Tensor1D,
    studentFeature: (l) => lookup('student', input.studentFeatures, l),
    teacherFeature: (l) => lookup('teacher', input.teacherFeatures, l),
    numClasses: input.numClasses ?? studentLogits.shape[1],
    epoch: Math.floor(input.epochProgress ?? 0),
    step: input.step ?? 0,
    epochProgress: input.epochProgress ?? 0,
    training: true,
  };
}

export function shapes(student: Record<string, number[]>, teacher: Record<string, number[]>): LayerShapes {
  return {
    student: (l) => { if (!student[l]) throw new Error(`no student layer ${l}`); return student[l]; },
    teacher: (l) => { if (!teacher[l]) throw new Error(`no teacher layer ${l}`); return teacher[l]; },
  };
}

/** The option defaults each definition documents, as the validator would fill them in. */
export function defaultsOf(kind: LossKind): Record<string, unknown> {
  const def = getLossDefinition(kind) as unknown as LossDefinition;
  return Object.fromEntries(def.options.filter((o) => o.default !== undefined).map((o) => [o.name, o.default]));
}

export function lossConfig<K extends LossKind>(kind: K, options: Record<string, unknown> = {}, weight: WeightSchedule | number = 1): Extract<LossConfig, { kind: K }> {
  const w: WeightSchedule = typeof weight === 'number' ? { kind: 'constant', value: weight } : weight;
  return { kind, id: kind, ...defaultsOf(kind), ...options, weight: w } as unknown as Extract<LossConfig, { kind: K }>;
}

/** Creates the term of a kind and evaluates it once. */
export function evaluate(kind: LossKind, options: Record<string, unknown>, ctx: LossContext, layerShapes: LayerShapes = shapes({}, {})): number {
  const def = getLossDefinition(kind) as unknown as LossDefinition;
  const term = def.create(lossConfig(kind, options), layerShapes);
  try {
    const v = term.compute(ctx);
    const out = v.dataSync()[0];
    v.dispose();
    return out;
  } finally {
    term.dispose();
  }
}

export const t2 = (rows: number[][]) => tf.tensor2d(rows);
export const labelsOf = (xs: number[]) => tf.tensor1d(xs, 'int32');

/** Relative L2 error between tf.grad and central differences (float32: h = 1e-2, tolerance 1e-2). */
export function gradientError(f: (x: tf.Tensor) => tf.Scalar, x0: tf.Tensor, h = 1e-2): { error: number; norm: number } {
  const analytic = tf.tidy(() => tf.grad(f)(x0).dataSync());
  const base = x0.dataSync();
  const numeric = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const at = (delta: number) => tf.tidy(() => {
      const x = Float32Array.from(base);
      x[i] += delta;
      return f(tf.tensor(x, x0.shape)).dataSync()[0];
    });
    numeric[i] = (at(h) - at(-h)) / (2 * h);
  }
  let diff = 0;
  let norm = 0;
  numeric.forEach((n, i) => { diff += (analytic[i] - n) ** 2; norm += n * n; });
  return { error: Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-8), norm: Math.sqrt(norm) };
}
