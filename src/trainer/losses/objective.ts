// The training objective the loop calls inside its gradient tape: every configured term,
// its weight schedule, and the weighting mode that combines them.
import * as tf from '@tensorflow/tfjs';
import type { DistillationConfig, LossConfig } from '../../core/config/types';
import type { LayerShapes, LossContext, LossDefinition, LossTerm, NamedTensor, TermState } from './types';
import { getLossDefinition } from './registry';
import { createWeightSchedule, type WeightFunction } from './schedule';
import { createWeighting } from './weighting';
import { fusedLogitLoss, fusedLogitLossAvailable, type LogitTerm } from './fusedLogitLoss';

export interface ObjectiveOptions {
  stepsPerEpoch: number;
  totalEpochs: number;
  /** Compute cross_entropy + soft_kd terms as one fused kernel where that is exact (default true). */
  fuse?: boolean;
}

export interface TermResult { value: tf.Scalar; weight: number }

export interface Objective {
  /** Variables that train with the student but are not saved with it: projections, uncertainty log-variances. */
  trainableVariables: tf.Variable[];
  /** Union over terms, for the loop's feature taps and teacher-output caching. */
  teacherLayers: string[];
  studentLayers: string[];
  /**
   * Inside the tape: the total and each term's unweighted value and current weight. All returned
   * tensors are new and belong to the caller's scope (inside tf.variableGrads, tf.keep the term
   * values you want to read afterwards, and dispose them).
   */
  compute(ctx: LossContext): { total: tf.Scalar; terms: Record<string, TermResult> };
  /** After the student's update: discriminator steps etc.; returns metrics for the step event. */
  afterStep(ctx: LossContext): Record<string, number>;
  /** Each term's scheduled weight at this point of the stage. */
  weights(epochProgress: number, step: number): Record<string, number>;
  /** Weighting metrics, e.g. `log_var/<id>` under uncertainty weighting. */
  metrics(): Record<string, number>;
  /** Every term's `state` (discriminators and their optimizers), each name prefixed `<term id>/`. */
  state: TermState;
  dispose(): void;
}

interface ActiveTerm { id: string; definition: LossDefinition; term: LossTerm; weight: WeightFunction }

/** The same context, with `exampleWeights` replaced (kept prototype so class-based contexts keep their methods). */
function withExampleWeights(ctx: LossContext, exampleWeights: tf.Tensor1D | undefined): LossContext {
  if (ctx.exampleWeights === exampleWeights) return ctx;
  return Object.assign(Object.create(ctx) as LossContext, { exampleWeights });
}

const unique = (xs: string[]) => [...new Set(xs)];

export function createObjective(d: DistillationConfig, shapes: LayerShapes, opts: ObjectiveOptions): Objective {
  if (d.losses.length === 0) throw new Error('distillation.losses: at least one loss term is needed');
  const seen = new Set<string>();
  for (const c of d.losses) {
    if (seen.has(c.id)) throw new Error(`distillation.losses: two terms have the id "${c.id}"; give one of them a different id`);
    seen.add(c.id);
  }
  const active: ActiveTerm[] = [];
  try {
    for (const c of d.losses) {
      const definition = getLossDefinition(c.kind) as unknown as LossDefinition<LossConfig>;
      active.push({ id: c.id, definition, term: definition.create(c, shapes), weight: createWeightSchedule(c.weight, opts) });
    }
  } catch (e) {
    // Free what the earlier terms already allocated before reporting the bad one.
    active.forEach((a) => a.term.dispose());
    throw e;
  }
  const weighting = createWeighting(d.weighting, active.map((a) => a.id));
  const configs = new Map(d.losses.map((c) => [c.id, c] as const));

  const contextFor = (a: ActiveTerm, ctx: LossContext, exampleWeights: tf.Tensor1D | undefined) =>
    withExampleWeights(ctx, a.definition.perExampleSoft ? exampleWeights : undefined);
  const fused = opts.fuse === false ? undefined : fusableTerms(d);

  const computeFused = (ctx: LossContext, terms: LogitTerm[], weights: number[]) => {
    const needsTeacher = terms.some((t) => t.kind === 'soft_kd');
    return fusedLogitLoss(ctx.studentLogits, needsTeacher ? ctx.teacherLogits : undefined, ctx.labels, terms, weights);
  };

  return {
    trainableVariables: [...active.flatMap((a) => a.term.trainableVariables), ...weighting.trainableVariables],
    teacherLayers: unique(active.flatMap((a) => a.definition.teacherLayers(configs.get(a.id)!))),
    studentLayers: unique(active.flatMap((a) => a.definition.studentLayers(configs.get(a.id)!))),

    compute(ctx) {
      const weights = active.map((a) => a.weight(ctx.epochProgress, ctx.step));
      if (fused && ctx.studentLogits.shape[1] === ctx.numClasses && fusedLogitLossAvailable()) {
        const { total, values } = computeFused(ctx, fused, weights);
        const terms: Record<string, TermResult> = {};
        active.forEach((a, i) => { terms[a.id] = { value: values[i], weight: weights[i] }; });
        return { total, terms };
      }
      const result = tf.tidy(() => {
        const exampleWeights = weighting.exampleWeights(ctx);
        const values: Record<string, tf.Scalar> = {};
        active.forEach((a) => { values[a.id] = a.term.compute(contextFor(a, ctx, exampleWeights)); });
        const total = weighting.combine(active.map((a, i) => ({ id: a.id, value: values[a.id], weight: weights[i] })));
        return { total, values };
      });
      const terms: Record<string, TermResult> = {};
      active.forEach((a, i) => { terms[a.id] = { value: result.values[a.id], weight: weights[i] }; });
      return { total: result.total, terms };
    },

    afterStep(ctx) {
      const perTerm = active.filter((a) => a.term.afterStep).map((a) => {
        const exampleWeights = a.definition.perExampleSoft ? weighting.exampleWeights(ctx) : undefined;
        const m = a.term.afterStep!(contextFor(a, ctx, exampleWeights));
        exampleWeights?.dispose();
        return { id: a.id, metrics: m };
      });
      // A metric name produced by one term only stays as it is (`discriminator_accuracy`);
      // when several terms produce it, each copy is suffixed with its term's id.
      const count = new Map<string, number>();
      perTerm.forEach((p) => Object.keys(p.metrics).forEach((k) => count.set(k, (count.get(k) ?? 0) + 1)));
      const out: Record<string, number> = {};
      perTerm.forEach((p) => Object.entries(p.metrics).forEach(([k, v]) => { out[count.get(k)! > 1 ? `${k}/${p.id}` : k] = v; }));
      return out;
    },

    weights(epochProgress, step) {
      return Object.fromEntries(active.map((a) => [a.id, a.weight(epochProgress, step)]));
    },

    metrics: () => weighting.metrics(),

    state: {
      async save() {
        const out: NamedTensor[] = [];
        for (const a of active) {
          for (const t of (await a.term.state?.save()) ?? []) out.push({ name: `${a.id}/${t.name}`, tensor: t.tensor });
        }
        return out;
      },
      async load(tensors) {
        // Term ids cannot contain "/", so the prefix names one term. A checkpoint written before
        // terms saved state has none for them: they keep their fresh state.
        for (const a of active) {
          const prefix = `${a.id}/`;
          const mine = tensors.filter((t) => t.name.startsWith(prefix)).map((t) => ({ name: t.name.slice(prefix.length), tensor: t.tensor }));
          if (a.term.state && mine.length) await a.term.state.load(mine);
        }
      },
    },

    dispose() {
      active.forEach((a) => a.term.dispose());
      weighting.dispose();
    },
  };
}

/**
 * The terms as fused-kernel terms when the whole objective is exactly what the fused kernel
 * computes: fixed weighting (so no example weights and a plain weighted sum) over
 * cross_entropy and soft_kd terms only. Undefined otherwise (the general path).
 */
export function fusableTerms(d: DistillationConfig): LogitTerm[] | undefined {
  if (d.weighting !== 'fixed') return undefined;
  const terms: LogitTerm[] = [];
  for (const c of d.losses) {
    if (c.kind === 'cross_entropy') terms.push({ kind: 'cross_entropy', labelSmoothing: c.label_smoothing });
    else if (c.kind === 'soft_kd') terms.push({ kind: 'soft_kd', temperature: c.temperature });
    else return undefined;
  }
  return terms;
}
