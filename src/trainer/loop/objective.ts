// What a training stage needs from its losses, whichever stage it is: the teacher and the
// baseline train with cross-entropy alone, distillation with the configured terms.
import * as tf from '@tensorflow/tfjs';
import type { CrossEntropyLoss } from '../../core/config/types';
import { crossEntropy } from '../losses/crossEntropy';
import { fusedLogitLoss, fusedLogitLossAvailable } from '../losses/fusedLogitLoss';
import type { LossContext, TermState } from '../losses/types';
import type { Objective } from '../losses/objective';

export interface StageObjective {
  termIds: string[];
  /** Variables owned by the terms that train with the student (projections, learned weights). */
  variables: tf.Variable[];
  teacherLayers: string[];
  studentLayers: string[];
  needsTeacher: boolean;
  /** Total and each term's unweighted value, in `termIds` order. Runs inside the gradient tape. */
  compute(ctx: LossContext): { total: tf.Scalar; values: tf.Tensor1D };
  afterStep?(ctx: LossContext): Record<string, number> | undefined;
  weights(epochProgress: number, step: number): Record<string, number>;
  metrics?(): Record<string, number> | undefined;
  /** Term state outside `variables` (a discriminator and its optimizer), kept in checkpoints. */
  state?: TermState;
  dispose(): void;
}

/**
 * Plain cross-entropy against the labels: the teacher's and the baseline's objective. With
 * `fuse` (default) it runs as one fused kernel (and one for its gradient) where the backend has it.
 */
export function crossEntropyObjective(opts: { fuse?: boolean } = {}): StageObjective {
  const config: CrossEntropyLoss = { kind: 'cross_entropy', id: 'cross_entropy', weight: { kind: 'constant', value: 1 }, label_smoothing: 0 };
  const term = crossEntropy.create(config, { teacher: () => [], student: () => [] });
  return {
    termIds: ['cross_entropy'],
    variables: [],
    teacherLayers: [],
    studentLayers: [],
    needsTeacher: false,
    compute(ctx) {
      if (opts.fuse !== false && ctx.studentLogits.shape[1] === ctx.numClasses && fusedLogitLossAvailable()) {
        const { total } = fusedLogitLoss(ctx.studentLogits, undefined, ctx.labels, [{ kind: 'cross_entropy', labelSmoothing: 0 }], [1]);
        return { total, values: tf.reshape(total, [1]) as tf.Tensor1D };
      }
      const v = term.compute(ctx);
      return { total: v, values: tf.reshape(v, [1]) as tf.Tensor1D };
    },
    weights: () => ({ cross_entropy: 1 }),
    dispose: () => term.dispose(),
  };
}

/** The configured distillation terms (src/trainer/losses/objective.ts) as a stage objective. */
export function distillationObjective(objective: Objective, termIds: string[], needsTeacher: boolean): StageObjective {
  return {
    termIds,
    variables: objective.trainableVariables,
    teacherLayers: objective.teacherLayers,
    studentLayers: objective.studentLayers,
    needsTeacher,
    compute(ctx) {
      const { total, terms } = objective.compute(ctx);
      return { total, values: tf.stack(termIds.map((id) => terms[id].value)) as tf.Tensor1D };
    },
    afterStep(ctx) {
      const m = objective.afterStep(ctx);
      return Object.keys(m).length ? m : undefined;
    },
    weights: (p, s) => objective.weights(p, s),
    metrics: () => {
      const m = objective.metrics();
      return Object.keys(m).length ? m : undefined;
    },
    state: objective.state,
    dispose: () => objective.dispose(),
  };
}
