// Runs a training stage's steps on the native engine when the stage fits it, keeping the tfjs
// model as the source of truth between steps that matter: weights go native → tfjs before every
// validation, checkpoint and save, and optimizer state is exchanged in tfjs's own checkpoint
// format, so a run can stop on one engine and resume on the other.
import * as tf from '@tensorflow/tfjs';
import type { DistillationConfig, LayerConfig, OptimizerConfig } from '../../core/config/types';
import type { StageOptimizer } from '../loop/optimizers';
import type { StepInfo } from '../loop/stageTrainer';
import type { NativeLayer, NativeModule, NativeNetSpec, NativeOptimizer, NativeTrainer } from './types';

type NamedTensor = { name: string; tensor: tf.Tensor };

/** tfjs's default epsilon for float32 (tf.backend().epsilon()), which tf.train.adam uses. */
const TFJS_EPSILON = 1e-7;

export type Support<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The native layer list for config layers, or why the model does not fit the engine. */
export function nativeLayers(layers: LayerConfig[], inputShape: number[]): Support<NativeLayer[]> {
  const out: NativeLayer[] = [];
  let rank = inputShape.length;
  for (const [i, l] of layers.entries()) {
    const where = `layer ${i + 1} (${l.type})`;
    switch (l.type) {
      case 'dense':
        if (rank !== 1) return { ok: false, reason: `${where} gets a rank-${rank} input (no flatten before it)` };
        if (l.activation !== 'relu' && l.activation !== 'linear') return { ok: false, reason: `${where} uses the ${l.activation} activation` };
        out.push({ type: 'dense', units: l.units, activation: l.activation, useBias: l.use_bias });
        break;
      case 'conv2d':
        if (rank !== 3) return { ok: false, reason: `${where} needs an image input` };
        if (l.activation !== 'relu' && l.activation !== 'linear') return { ok: false, reason: `${where} uses the ${l.activation} activation` };
        out.push({ type: 'conv2d', filters: l.filters, kernel: [l.kernel, l.kernel], stride: [l.stride, l.stride], padding: l.padding, activation: l.activation, useBias: true });
        break;
      case 'maxpool2d': {
        if (rank !== 3) return { ok: false, reason: `${where} needs an image input` };
        const s = l.stride ?? l.pool;
        out.push({ type: 'maxpool2d', pool: [l.pool, l.pool], stride: [s, s], padding: 'valid' });
        break;
      }
      case 'flatten':
        out.push({ type: 'flatten' });
        rank = 1;
        break;
      case 'dropout':
        // Identity at rate 0; otherwise its random mask is tfjs's and the engine has none.
        if (l.rate === 0) break;
        return { ok: false, reason: `${where} has rate ${l.rate}` };
      default:
        return { ok: false, reason: `${where} is not a native layer type` };
    }
  }
  if (rank !== 1) return { ok: false, reason: 'the last layer does not produce logits of rank 1' };
  return { ok: true, value: out };
}

/** How the stage's loss maps onto the engine's CE + soft-KD: the term ids in the objective's order. */
export interface NativeLossPlan { termIds: string[]; ceId?: string; kdId?: string; temperature: number }

/** The teacher and baseline stages: cross-entropy only. */
export const crossEntropyPlan: NativeLossPlan = { termIds: ['cross_entropy'], ceId: 'cross_entropy', temperature: 1 };

export function distillationPlan(d: DistillationConfig): Support<NativeLossPlan> {
  if (d.weighting !== 'fixed') return { ok: false, reason: `weighting "${d.weighting}"` };
  const plan: NativeLossPlan = { termIds: d.losses.map((l) => l.id), temperature: 1 };
  for (const l of d.losses) {
    if (l.kind === 'cross_entropy' && !plan.ceId && l.label_smoothing === 0) plan.ceId = l.id;
    else if (l.kind === 'soft_kd' && !plan.kdId) { plan.kdId = l.id; plan.temperature = l.temperature; }
    else return { ok: false, reason: `loss term "${l.id}" (${l.kind}${l.kind === 'cross_entropy' ? ', label smoothing or a second one' : ''})` };
  }
  return { ok: true, value: plan };
}

export function nativeOptimizerConfig(o: OptimizerConfig): NativeOptimizer {
  if (o.name === 'sgd') return { name: 'sgd', momentum: o.momentum ?? 0 };
  return { name: o.name, beta1: 0.9, beta2: 0.999, epsilon: TFJS_EPSILON, weightDecay: o.name === 'adamw' ? o.weight_decay ?? 0.01 : 0 };
}

export interface NativeStageOptions {
  native: NativeModule;
  model: tf.LayersModel;
  layers: NativeLayer[];
  inputShape: number[];
  threads: number;
  optimizer: OptimizerConfig;
  plan: NativeLossPlan;
  /** The training split. */
  x: Float32Array;
  count: number;
  labels: Int32Array;
  /** Teacher logits over the training split, [count, classes], when the plan has a KD term. */
  teacherLogits?: Float32Array;
  /** Current weight of each term (schedules). */
  weights(info: StepInfo): Record<string, number>;
}

/** One stage on the native engine. */
export class NativeStage {
  readonly optimizer: StageOptimizer;
  private readonly trainer: NativeTrainer;
  /** Parameter shapes, the engine's and the model's alike (checked on construction). */
  private readonly shapes: number[][];
  private lr = 0;

  constructor(private readonly o: NativeStageOptions) {
    const spec: NativeNetSpec = { inputShape: o.inputShape, layers: o.layers, threads: o.threads };
    this.trainer = o.native.createTrainer(spec);
    try {
      this.shapes = copyModelParams(this.trainer, o.model);
      this.trainer.setOptimizer(nativeOptimizerConfig(o.optimizer));
      this.trainer.setData(o.x, o.count, o.labels, o.plan.kdId ? o.teacherLogits : undefined);
    } catch (e) {
      this.trainer.dispose();
      throw e;
    }
    this.optimizer = this.makeOptimizer();
  }

  /** tfjs model → engine (after a resume put checkpointed weights into the model). */
  pull(): void {
    copyModelParams(this.trainer, this.o.model);
  }

  /** Engine → tfjs model: before validation, checkpoints and saving. */
  push(): void {
    const tensors = this.trainer.getParams().map((p, i) => tf.tensor(p, this.shapes[i]));
    this.o.model.setWeights(tensors);
    tf.dispose(tensors);
  }

  step(indices: Int32Array, info: StepInfo): { values: number[]; total: number; correct: number } {
    const { plan } = this.o;
    const w = this.o.weights(info);
    const ceWeight = plan.ceId ? w[plan.ceId] ?? 1 : 0;
    const kdWeight = plan.kdId ? w[plan.kdId] ?? 1 : 0;
    const r = this.trainer.step(indices, this.lr, { ceWeight, kdWeight, temperature: plan.temperature });
    const values = plan.termIds.map((id) => (id === plan.ceId ? r.ce : id === plan.kdId ? r.kd : 0));
    return { values, total: r.total, correct: r.correct };
  }

  /** Logits for `count` examples. */
  predict(x: Float32Array, count: number): Float32Array {
    return this.trainer.predict(x, count);
  }

  dispose(): void {
    this.trainer.dispose();
  }

  /** The stage's optimizer as the loop and checkpoints see it: the rate goes to the engine, state in tfjs's format. */
  private makeOptimizer(): StageOptimizer {
    const stage = this;
    const trainer = this.trainer;
    const name = this.o.optimizer.name;
    const varNames = this.o.model.trainableWeights.map((w) => w.originalName);
    const slotSuffixes = name === 'sgd' ? (this.o.optimizer.momentum ? ['momentum'] : []) : ['m', 'v'];
    const shapes = this.shapes;
    return {
      name,
      setLearningRate(lr: number) { stage.lr = lr; },
      apply() { throw new Error('the native stage applies its own updates'); },
      async getWeights(): Promise<NamedTensor[]> {
        const s = trainer.getOptimizerState();
        const out: NamedTensor[] = [{ name: 'iter', tensor: tf.scalar(s.iterations, 'int32') }];
        slotSuffixes.forEach((suffix, k) => varNames.forEach((v, i) => {
          out.push({ name: `${v}/${suffix}`, tensor: tf.tensor(s.slots[k * varNames.length + i], shapes[i]) });
        }));
        return out;
      },
      async setWeights(weights: NamedTensor[]) {
        if (!weights.length) return;
        const iter = weights.find((w) => w.name === 'iter');
        const slots = weights.filter((w) => w !== iter).map((w) => w.tensor.dataSync() as Float32Array);
        trainer.setOptimizerState({ iterations: iter ? iter.tensor.dataSync()[0] : 0, slots });
      },
      dispose() { /* the engine owns the state */ },
    };
  }
}

/** Logits of `model` (built from `layers`) for `count` examples, computed by the engine. */
export function nativePredict(native: NativeModule, layers: NativeLayer[], inputShape: number[], threads: number, model: tf.LayersModel, x: Float32Array, count: number): Float32Array {
  const trainer = native.createTrainer({ inputShape, layers, threads });
  try {
    copyModelParams(trainer, model);
    return trainer.predict(x, count);
  } finally {
    trainer.dispose();
  }
}

/**
 * Copies the tfjs model's weights into the engine after checking they have the shapes the engine
 * derived from the layer configs (a mismatch means the config and the model disagree); returns them.
 */
function copyModelParams(trainer: NativeTrainer, model: tf.LayersModel): number[][] {
  const want = trainer.paramShapes();
  const weights = model.getWeights();
  if (want.length !== weights.length || want.some((s, i) => s.join('x') !== weights[i].shape.join('x'))) {
    throw new Error(`native engine parameter shapes ${JSON.stringify(want)} do not match the model's ${JSON.stringify(weights.map((w) => w.shape))}`);
  }
  trainer.setParams(weights.map((w) => w.dataSync() as Float32Array));
  return want;
}
