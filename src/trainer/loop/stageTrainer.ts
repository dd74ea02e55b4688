// One training stage (teacher, baseline or distill): the epoch/step loop with LR schedule,
// throttled step events, epoch events, checkpoints, stop requests and NaN detection.
// No value is read back from the backend on ordinary steps: loss terms stay as tensors and
// are read only for the (throttled) step events, and running sums are read once per epoch.
import * as tf from '@tensorflow/tfjs';
import type { LrScheduleConfig } from '../../core/config/types';
import type { EpochEvent, Stage, TermValue } from '../../core/protocol/events';
import type { EventSink } from '../run/eventSink';
import { batchIndices, epochOrder, stepsPerEpoch } from './batches';
import type { CheckpointPosition } from './checkpoint';
import { learningRateAt } from './lrSchedule';
import type { StageOptimizer } from './optimizers';

/** What a stage's loss produces at one step (inside the gradient tape). */
export interface StepLoss {
  total: tf.Scalar;
  /** Unweighted value of each term, in `termIds` order, shape [terms]. */
  values: tf.Tensor1D;
  /** Student logits, for the running train accuracy. */
  logits: tf.Tensor2D;
}

export interface StepInfo { epoch: number; step: number; epochProgress: number }

export interface StageModel {
  /** Loss ids, in the order of `StepLoss.values`. */
  termIds: string[];
  /** Every variable the stage trains (model + loss-term projections). */
  variables: tf.Variable[];
  /** Forward + loss for a batch given by example indices (int32 [B] into the train split). */
  loss(indices: tf.Tensor1D, labels: tf.Tensor1D, info: StepInfo): StepLoss;
  /** After the optimizer step (e.g. a discriminator update); may return step metrics. */
  afterStep?(indices: tf.Tensor1D, labels: tf.Tensor1D, info: StepInfo): Record<string, number> | undefined;
  /** Current weight of each term (schedules, adaptive weighting). */
  weights(info: StepInfo): Record<string, number>;
  /** Validation metrics for the epoch event; run with no gradient. */
  validate?(epoch: number): Promise<EpochEvent['validation']>;
  /** Extra per-epoch metrics (e.g. learned log-variances). */
  epochMetrics?(): Record<string, number> | undefined;
  /**
   * When set, steps run here instead of through the tfjs tape and optimizer (the native
   * engine); `sync` copies its weights into the tfjs model before validation and checkpoints.
   */
  native?: {
    step(indices: Int32Array, info: StepInfo): { values: ArrayLike<number>; total: number; correct: number };
    sync(): void;
  };
}

export interface StageOptions {
  stage: Stage;
  epochs: number;
  batchSize: number;
  trainLabels: Int32Array;
  seed: number;
  baseLr: number;
  schedule: LrScheduleConfig;
  optimizer: StageOptimizer;
  sink: EventSink;
  /** Validate every N epochs (the last epoch always). */
  validateEvery: number;
  /** Continue from here (resume). */
  start?: { epoch: number; stepInEpoch: number; stageStep: number };
  shouldStop(): boolean;
  /** Writes a checkpoint at `pos`; called at each epoch end and when stopping. */
  checkpoint(pos: CheckpointPosition): Promise<void>;
  /** Minimum ms between step events (the last step of an epoch is always sent). */
  stepEventIntervalMs?: number;
}

export type StageResult = { status: 'completed' } | { status: 'stopped'; pos: CheckpointPosition };

/** A loss term became NaN or infinite; `term` names it (or `total`). */
export class NonFiniteLossError extends Error {
  constructor(readonly term: string, readonly stage: Stage, readonly epoch: number, readonly step: number, value: number) {
    super(`The ${term === 'total' ? 'total loss' : `loss term "${term}"`} became ${Number.isNaN(value) ? 'NaN' : value > 0 ? '+Infinity' : '-Infinity'} in the ${stage} stage at epoch ${epoch + 1}, step ${step}. Lower the learning rate or this term's weight, or check the data for extreme values.`);
    this.name = 'NonFiniteLossError';
  }
}

export async function trainStage(model: StageModel, o: StageOptions): Promise<StageResult> {
  const n = o.trainLabels.length;
  const spe = stepsPerEpoch(n, o.batchSize);
  const interval = o.stepEventIntervalMs ?? 200;
  if (o.shouldStop()) {
    // Stopped between stages: nothing trained here yet, so there is nothing new to checkpoint.
    return { status: 'stopped', pos: { stage: o.stage, epoch: o.start?.epoch ?? 0, stepInEpoch: o.start?.stepInEpoch ?? 0, stageStep: o.start?.stageStep ?? 0 } };
  }
  const labelsAll = tf.tensor1d(o.trainLabels, 'int32');
  let stageStep = o.start?.stageStep ?? 0;
  let lastEventAt = 0;
  try {
    for (let epoch = o.start?.epoch ?? 0; epoch < o.epochs; epoch++) {
      const epochStart = Date.now();
      const order = epochOrder(n, o.seed, epoch);
      const firstStep = epoch === (o.start?.epoch ?? -1) ? o.start!.stepInEpoch : 0;
      // Running sums for the epoch event, kept on the backend until the epoch ends.
      let lossSum: tf.Scalar = tf.keep(tf.scalar(0));
      let correctSum: tf.Scalar = tf.keep(tf.scalar(0));
      let seen = 0;
      let nativeLoss = 0;
      let nativeCorrect = 0;
      let windowStart = Date.now();
      let windowExamples = 0;
      const emitStep = (vals: ArrayLike<number>, tot: number, lr: number, info: StepInfo, extra: Record<string, number> | undefined, now: number) => {
        const weights = model.weights(info);
        const losses: Record<string, TermValue> = {};
        model.termIds.forEach((id, i) => {
          const w = weights[id] ?? 1;
          losses[id] = { value: vals[i], weight: w, weighted: vals[i] * w };
        });
        const secs = Math.max((now - windowStart) / 1000, 1e-6);
        o.sink.emit({ type: 'step', stage: o.stage, epoch, step: info.step, losses, total: tot, lr, examples_per_sec: Math.round(windowExamples / secs), ...(extra && Object.keys(extra).length ? { metrics: extra } : {}) });
        windowStart = now;
        windowExamples = 0;
      };
      for (let s = firstStep; s < spe; s++) {
        const info: StepInfo = { epoch, step: stageStep, epochProgress: epoch + s / spe };
        const lr = learningRateAt(o.schedule, o.baseLr, info.epochProgress, o.epochs);
        o.optimizer.setLearningRate(lr);
        const idxArr = batchIndices(order, s, o.batchSize);
        seen += idxArr.length;
        windowExamples += idxArr.length;
        const lastOfEpoch = s === spe - 1;
        if (model.native) {
          // The engine returns plain numbers, so every step is checked for NaN at no cost.
          const r = model.native.step(idxArr, info);
          checkFinite(model.termIds, r.values, r.total, o.stage, epoch, stageStep);
          nativeLoss += r.total * idxArr.length;
          nativeCorrect += r.correct;
          const now = Date.now();
          if (lastOfEpoch || now - lastEventAt >= interval) {
            emitStep(r.values, r.total, lr, info, undefined, now);
            lastEventAt = now;
          }
        } else {
          const indices = tf.tensor1d(idxArr, 'int32');
          const labels = tf.gather(labelsAll, indices) as tf.Tensor1D;
          let values: tf.Tensor1D | undefined;
          let total: tf.Scalar | undefined;
          const { grads, value } = tf.variableGrads(() => {
            const r = model.loss(indices, labels, info);
            values = tf.keep(r.values);
            const correct = tf.sum(tf.cast(tf.equal(tf.argMax(r.logits, 1), labels), 'float32')) as tf.Scalar;
            const nextCorrect = tf.keep(tf.add(correctSum, correct) as tf.Scalar);
            correctSum.dispose();
            correctSum = nextCorrect;
            return r.total;
          }, model.variables);
          total = value;
          o.optimizer.apply(grads, model.variables);
          tf.dispose(grads);
          const nextLoss = tf.tidy(() => tf.add(lossSum, tf.mul(total!, idxArr.length)) as tf.Scalar);
          lossSum.dispose();
          lossSum = nextLoss;
          const extra = model.afterStep?.(indices, labels, info);
          indices.dispose();
          labels.dispose();
          const now = Date.now();
          if (lastOfEpoch || now - lastEventAt >= interval) {
            const [vals, tot] = await Promise.all([values!.data(), total.data()]);
            checkFinite(model.termIds, vals, tot[0], o.stage, epoch, stageStep);
            emitStep(vals, tot[0], lr, info, extra, now);
            lastEventAt = now;
          }
          values!.dispose();
          total.dispose();
        }
        stageStep++;
        // A macrotask turn, so that signals and IPC messages (a stop request) are delivered:
        // on the cpu/wasm backends every await above resolves as a microtask.
        await new Promise((r) => setImmediate(r));
        if (o.shouldStop() && !lastOfEpoch) {
          tf.dispose([lossSum, correctSum]);
          model.native?.sync();
          const pos: CheckpointPosition = { stage: o.stage, epoch, stepInEpoch: s + 1, stageStep };
          await o.checkpoint(pos);
          return { status: 'stopped', pos };
        }
      }
      const [lossTotal, correct] = model.native
        ? [[nativeLoss], [nativeCorrect]]
        : await Promise.all([lossSum.data(), correctSum.data()]);
      tf.dispose([lossSum, correctSum]);
      model.native?.sync();
      const isLast = epoch === o.epochs - 1;
      const validation = model.validate && (isLast || (epoch + 1) % Math.max(1, o.validateEvery) === 0) ? await model.validate(epoch) : undefined;
      const info: StepInfo = { epoch, step: stageStep, epochProgress: epoch + 1 };
      const metrics = model.epochMetrics?.();
      o.sink.emit({
        type: 'epoch', stage: o.stage, epoch,
        train: { loss: seen ? lossTotal[0] / seen : 0, accuracy: seen ? correct[0] / seen : 0 },
        ...(validation ? { validation } : {}),
        weights: model.weights(info),
        ...(metrics ? { metrics } : {}),
        duration_ms: Date.now() - epochStart,
      });
      const pos: CheckpointPosition = { stage: o.stage, epoch: epoch + 1, stepInEpoch: 0, stageStep };
      await o.checkpoint(pos);
      if (o.shouldStop() && !isLast) return { status: 'stopped', pos };
    }
    return { status: 'completed' };
  } finally {
    labelsAll.dispose();
  }
}

function checkFinite(ids: string[], values: ArrayLike<number>, total: number, stage: Stage, epoch: number, step: number): void {
  for (let i = 0; i < ids.length; i++) {
    if (!Number.isFinite(values[i])) throw new NonFiniteLossError(ids[i], stage, epoch, step, values[i]);
  }
  if (!Number.isFinite(total)) throw new NonFiniteLossError('total', stage, epoch, step, total);
}
