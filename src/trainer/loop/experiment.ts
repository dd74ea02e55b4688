// The whole experiment in one process: teacher → baseline → distill → evaluate, writing the
// run directory as it goes. Used by the forked trainer (main.ts) and the CLI alike.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { BackendName, ExperimentConfig, LayerConfig, TrainConfig } from '../../core/config/types';
import type { FinishedStatus, Stage } from '../../core/protocol/events';
import { createRunDir } from '../../core/runs/createRun';
import { runPaths, type RunPaths } from '../../core/runs/layout';
import { readRunInfo, writeJsonAtomic, writeRunInfo, type RunInfo } from '../../core/runs/runInfo';
import { initBackend } from '../backend/initBackend';
import { loadDataset } from '../data/registry';
import type { Dataset, SplitData } from '../data/types';
import { buildComparison, type ModelOutputs } from '../evaluate/report';
import { measureLatency, splitProbabilities } from '../evaluate/inference';
import { agreement, argmaxRows, meanKl, accuracy } from '../evaluate/metrics';
import { createObjective } from '../losses/objective';
import { getLossDefinition } from '../losses/registry';
import type { LossContext } from '../losses/types';
import { buildModel } from '../models/buildModel';
import { loadModel, saveModel, weightBytes } from '../models/modelFiles';
import { countParams } from '../models/tapModel';
import { EventSink, type EventListener } from '../run/eventSink';
import { checkpointDir, disposeCheckpoint, readCheckpoint, writeCheckpoint, type CheckpointPosition } from './checkpoint';
import { forwardSplit, tapForward, type TappedForward } from './modelOps';
import { crossEntropyObjective, distillationObjective, type StageObjective } from './objective';
import { createOptimizer } from './optimizers';
import { NonFiniteLossError, trainStage, type StageModel, type StageResult } from './stageTrainer';
import { defaultTeacherCacheRoot, TeacherCache, teacherCacheKey } from './teacherCache';
import { loadNative, nativeUnavailableReason } from '../native/load';
import { crossEntropyPlan, distillationPlan, nativeLayers, nativePredict, NativeStage, type NativeLossPlan, type Support } from '../native/nativeStage';
import type { NativeModule } from '../native/types';
import { softmaxRows } from '../evaluate/metrics';

export interface StopSignal { readonly requested: boolean }

export interface ExperimentRequest {
  config: ExperimentConfig;
  /** The exact config text (with --set overrides applied), saved as config.yaml. */
  configText: string;
  runsDir: string;
  /** Continue this run directory from its last checkpoint. */
  resumeDir?: string;
  backend?: BackendName;
  stop: StopSignal;
  onEvent?: EventListener;
  teacherCacheRoot?: string;
  stepEventIntervalMs?: number;
  /** Versions reported in run.json and the started event. */
  versions?: Record<string, string>;
}

export interface ExperimentOutcome { status: FinishedStatus; runDir: string; error?: { message: string; term?: string } }

/** A problem creating the run directory itself: nothing was written, so no events either. */
export class RunSetupError extends Error {}

export async function runExperiment(req: ExperimentRequest): Promise<ExperimentOutcome> {
  const { config } = req;
  let paths: RunPaths;
  let id: string;
  let info: RunInfo | undefined;
  if (req.resumeDir) {
    paths = runPaths(resolve(req.resumeDir));
    info = readRunInfo(paths.info);
    if (!info) throw new RunSetupError(`${paths.info} is missing or unreadable: ${req.resumeDir} is not a run folder that can be resumed.`);
    if (info.status === 'completed') throw new RunSetupError(`Run ${info.id} already completed; there is nothing to resume.`);
    id = info.id;
  } else {
    try {
      ({ id, paths } = createRunDir(req.runsDir, config.name, req.configText));
    } catch (e) {
      throw new RunSetupError((e as Error).message);
    }
  }
  const sink = new EventSink(paths.events);
  if (req.onEvent) sink.onEvent(req.onEvent);
  const started = Date.now();
  const configHash = createHash('sha256').update(req.configText).digest('hex').slice(0, 16);
  const completed = new Set(info?.completed_stages ?? []);
  info = {
    id, experiment: config.name, status: 'running', seed: config.seed, config_hash: configHash,
    start: info?.start ?? new Date(started).toISOString(), pid: process.pid, source: config.source,
    versions: req.versions, completed_stages: [...completed],
  };
  writeRunInfo(paths.info, info);
  const finish = (status: FinishedStatus, error?: { message: string; stack?: string; term?: string }): ExperimentOutcome => {
    try {
      sink.emit({ type: 'finished', status, ...(error ? { error } : {}), duration_ms: Date.now() - started });
    } catch (e) {
      // The events file could not take its last line (disk full): run.json still records the ending.
      error ??= { message: `could not write the finished event: ${(e as Error).message}` };
      if (status === 'completed') status = 'failed';
    }
    info = { ...info!, status, end: new Date().toISOString(), ...(error ? { error: { message: error.message, term: error.term } } : {}) };
    writeRunInfo(paths.info, info);
    sink.close();
    return { status, runDir: paths.dir, ...(error ? { error: { message: error.message, term: error.term } } : {}) };
  };
  try {
    const backend = await initBackend(req.backend ?? config.training.backend);
    const versions = { tfjs: tf.version_core, node: process.versions.node, ...req.versions };
    info = { ...info, backend: backend.name, versions };
    writeRunInfo(paths.info, info);
    sink.emit({
      type: 'started', run_id: id, experiment: config.name, backend: backend.name, seed: config.seed,
      config_hash: configHash, versions, pid: process.pid,
      run_dir: paths.dir, ...(req.resumeDir ? { resumed: true } : {}),
    });
    sink.log('info', `backend: ${backend.detail}`);
    const markDone = (stage: Stage) => {
      completed.add(stage);
      info = { ...info!, completed_stages: [...completed] };
      writeRunInfo(paths.info, info);
    };
    const pipeline = new Pipeline(req, paths, sink, markDone, completed);
    const status = await pipeline.run();
    return finish(status);
  } catch (e) {
    const err = e as Error;
    const term = e instanceof NonFiniteLossError ? e.term : undefined;
    sink.log('error', `${err.message}\n${err.stack ?? ''}`);
    return finish('failed', { message: err.message, stack: err.stack, ...(term ? { term } : {}) });
  }
}

/** Where the run's folder for a model lives. */
const modelFolder = (paths: RunPaths, stage: 'teacher' | 'baseline' | 'distill') =>
  stage === 'teacher' ? paths.teacher : stage === 'baseline' ? paths.baseline : paths.student;

class Pipeline {
  private readonly config: ExperimentConfig;
  private data!: Dataset;
  private evalSplit!: SplitData;

  constructor(
    private readonly req: ExperimentRequest,
    private readonly paths: RunPaths,
    private readonly sink: EventSink,
    private readonly markDone: (s: Stage) => void,
    private readonly completed: Set<string>,
  ) {
    this.config = req.config;
  }

  async run(): Promise<FinishedStatus> {
    const c = this.config;
    const baseDir = c.source ? dirname(c.source) : process.cwd();
    this.data = await loadDataset(c.data, { baseDir, seed: c.seed, log: (level, message) => this.sink.log(level, message) });
    const d = this.data;
    this.evalSplit = d.validation ?? d.test;
    this.sink.log('info', `data: ${d.name}, ${d.train.count} train / ${d.validation?.count ?? 0} validation / ${d.test.count} test, input ${JSON.stringify(d.inputShape)}, ${d.numClasses} classes`);

    const teacher = await this.teacherStage();
    if (!teacher) return 'stopped';
    try {
      const studentNeeds = distillTermNeeds(c);
      // Teacher outputs over the train set are computed once and reused every epoch (no augmentation).
      const teacherForward = tapForward(teacher, studentNeeds.teacherLayers);
      const t0 = Date.now();
      const nativeTeacher = studentNeeds.teacherLayers.length ? undefined : this.nativeLogits(teacher, c.teacher.layers, d.train.x, d.train.count);
      const trainOut = nativeTeacher
        ? { logits: tf.tensor2d(nativeTeacher, [d.train.count, d.numClasses]), features: new Map<string, tf.Tensor>() }
        : await forwardSplit(teacherForward, d.train.x, d.train.count, d.inputShape, d.inputDtype);
      this.sink.log('info', `teacher outputs cached for ${d.train.count} training examples in ${Date.now() - t0} ms${nativeTeacher ? ' (native engine)' : ''}`);
      const teacherEvalProbs = await this.probabilities(teacher, c.teacher.layers, this.evalSplit);
      try {
        let baseline: tf.LayersModel | undefined;
        if (c.training.baseline) {
          baseline = await this.studentStage('baseline', teacherEvalProbs, undefined);
          if (!baseline) return 'stopped';
        }
        const student = await this.studentStage('distill', teacherEvalProbs, { forward: teacherForward, out: trainOut });
        if (!student) { baseline?.dispose(); return 'stopped'; }
        await this.evaluate(teacher, student, baseline);
        student.dispose();
        baseline?.dispose();
      } finally {
        tf.dispose([trainOut.logits, ...trainOut.features.values()]);
      }
    } finally {
      teacher.dispose();
    }
    return 'completed';
  }

  // ---- teacher ----

  private async teacherStage(): Promise<tf.LayersModel | undefined> {
    const c = this.config;
    const d = this.data;
    if (this.completed.has('teacher') && existsSync(join(this.paths.teacher, 'model.json'))) {
      this.sink.emit({ type: 'stage', stage: 'teacher', skipped: 'loaded' });
      this.sink.log('info', `teacher: already trained in this run, loaded from ${this.paths.teacher}`);
      return loadModel(this.paths.teacher);
    }
    if (c.teacher.path) {
      const model = await loadModel(c.teacher.path);
      this.sink.emit({ type: 'stage', stage: 'teacher', skipped: 'loaded' });
      this.sink.log('info', `teacher: loaded from ${c.teacher.path}`);
      await saveModel(model, this.paths.teacher);
      this.markDone('teacher');
      return model;
    }
    const layers = c.teacher.layers as LayerConfig[];
    const cache = new TeacherCache(this.req.teacherCacheRoot ?? defaultTeacherCacheRoot(this.req.runsDir));
    const key = teacherCacheKey({ dataFingerprint: d.fingerprint, layers, train: c.teacher.train, seed: c.seed, inputShape: d.inputShape, numClasses: d.numClasses });
    const fromCache = async (dir: string) => {
      const model = await loadModel(dir);
      this.sink.emit({ type: 'stage', stage: 'teacher', skipped: 'cached' });
      this.sink.log('info', `teacher: reusing the cached teacher ${key} (same data, layers, training settings and seed) from ${dir}`);
      await saveModel(model, this.paths.teacher);
      this.markDone('teacher');
      return model;
    };
    const hit = cache.lookup(key);
    if (hit) return fromCache(hit);
    const release = await cache.lock(key);
    try {
      const again = cache.lookup(key);
      if (again) return await fromCache(again);
      if (!release) this.sink.log('warn', `teacher cache entry ${key} is locked by another process; training without caching`);
      const model = buildModel(layers, { name: 'teacher', inputShape: d.inputShape, vocabSize: d.vocabSize, seed: c.seed });
      const result = await this.trainWith('teacher', model, crossEntropyObjective(), c.teacher.train, undefined, undefined, { layers, plan: { ok: true, value: crossEntropyPlan } });
      if (result.status === 'stopped') { model.dispose(); return undefined; }
      await saveModel(model, this.paths.teacher);
      if (release) {
        const dir = await cache.store(key, (tmp) => saveModel(model, tmp));
        this.sink.log('info', `teacher: cached as ${key} in ${dir}`);
      }
      this.markDone('teacher');
      return model;
    } finally {
      release?.();
    }
  }

  // ---- baseline and distill ----

  private async studentStage(stage: 'baseline' | 'distill', teacherEvalProbs: Float32Array, teacher: { forward: TappedForward; out: { logits: tf.Tensor2D; features: Map<string, tf.Tensor> } } | undefined): Promise<tf.LayersModel | undefined> {
    const c = this.config;
    const d = this.data;
    const folder = modelFolder(this.paths, stage);
    if (this.completed.has(stage) && existsSync(join(folder, 'model.json'))) {
      this.sink.emit({ type: 'stage', stage, skipped: 'loaded' });
      this.sink.log('info', `${stage}: already trained in this run, loaded from ${folder}`);
      return loadModel(folder);
    }
    // The baseline and the distilled student start from the same initial weights.
    const model = buildModel(c.student.layers, { name: 'student', inputShape: d.inputShape, vocabSize: d.vocabSize, seed: c.seed + 1 });
    let objective: StageObjective;
    let plan: Support<NativeLossPlan> = { ok: true, value: crossEntropyPlan };
    if (stage === 'baseline') objective = crossEntropyObjective();
    else {
      plan = distillationPlan(c.distillation);
      const spe = Math.max(1, Math.ceil(d.train.count / c.training.batch_size));
      const needs = distillTermNeeds(c);
      const shapes = {
        teacher: (n: string) => teacher!.forward.shape(n),
        student: (n: string) => tapForward(model, [n]).shape(n),
      };
      objective = distillationObjective(createObjective(c.distillation, shapes, { stepsPerEpoch: spe, totalEpochs: c.training.epochs }), c.distillation.losses.map((l) => l.id), needs.needsTeacher);
    }
    const result = await this.trainWith(stage, model, objective, c.training, teacher, teacherEvalProbs, { layers: c.student.layers, plan });
    objective.dispose();
    if (result.status === 'stopped') { model.dispose(); return undefined; }
    await saveModel(model, folder);
    this.markDone(stage);
    return model;
  }

  /** Trains `model` for one stage, with checkpoints under checkpoints/<stage>, resuming from one when present. */
  private async trainWith(
    stage: Exclude<Stage, 'evaluate'>,
    model: tf.LayersModel,
    objective: StageObjective,
    train: TrainConfig,
    teacher: { forward: TappedForward; out: { logits: tf.Tensor2D; features: Map<string, tf.Tensor> } } | undefined,
    teacherEvalProbs: Float32Array | undefined,
    nativeRequest: { layers: LayerConfig[]; plan: Support<NativeLossPlan> },
  ): Promise<StageResult> {
    const c = this.config;
    const d = this.data;
    const spe = Math.max(1, Math.ceil(d.train.count / train.batch_size));
    const native = this.nativeStage(stage, model, objective, train, teacher, nativeRequest);
    const optimizer = native?.optimizer ?? createOptimizer(train.optimizer);
    const studentForward = tapForward(model, objective.studentLayers);
    const variables = [...(model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)), ...objective.variables];
    const ckDir = checkpointDir(this.paths.checkpoints, stage);
    let start: { epoch: number; stepInEpoch: number; stageStep: number } | undefined;
    const saved = readCheckpoint(ckDir);
    if (saved) {
      model.setWeights(saved.model);
      saved.terms.forEach((t, i) => objective.variables[i]?.assign(t));
      await optimizer.setWeights(saved.optimizer);
      await objective.state?.load(saved.state);
      start = { epoch: saved.epoch, stepInEpoch: saved.stepInEpoch, stageStep: saved.stageStep };
      disposeCheckpoint(saved);
      native?.pull();
      this.sink.log('info', `${stage}: resuming from the checkpoint at epoch ${start.epoch + 1}, step ${start.stepInEpoch} of ${spe}`);
    }
    this.sink.emit({ type: 'stage', stage, epochs: train.epochs, steps_per_epoch: spe });
    const xAll = tf.tensor(d.train.x, [d.train.count, ...d.inputShape], d.inputDtype);
    const evalProbsOf = async () => native && this.evalSplit.x instanceof Float32Array
      ? softmaxRows(native.predict(this.evalSplit.x, this.evalSplit.count), d.numClasses)
      : splitProbabilities(model, this.evalSplit.x, this.evalSplit.count, d.inputShape, d.inputDtype);
    const contextFor = (indices: tf.Tensor1D, labels: tf.Tensor1D, info: { epoch: number; step: number; epochProgress: number }, training: boolean): LossContext => {
      const xb = tf.gather(xAll, indices);
      const { logits, features } = studentForward.apply(xb, training);
      const teacherLogits = teacher ? tf.gather(teacher.out.logits, indices) as tf.Tensor2D : logits;
      const teacherFeatures = new Map<string, tf.Tensor>();
      return {
        studentLogits: logits,
        teacherLogits,
        labels,
        studentFeature: (n) => {
          const f = features.get(n);
          if (!f) throw new Error(`student layer "${n}" is not tapped`);
          return f;
        },
        teacherFeature: (n) => {
          let f = teacherFeatures.get(n);
          if (!f) {
            const all = teacher?.out.features.get(n);
            if (!all) throw new Error(`teacher layer "${n}" is not tapped`);
            f = tf.gather(all, indices);
            teacherFeatures.set(n, f);
          }
          return f;
        },
        numClasses: d.numClasses,
        epoch: info.epoch,
        step: info.step,
        epochProgress: info.epochProgress,
        training,
      };
    };
    const stageModel: StageModel = {
      termIds: objective.termIds,
      variables,
      loss: (indices, labels, info) => {
        const ctx = contextFor(indices, labels, info, true);
        const { total, values } = objective.compute(ctx);
        return { total, values, logits: ctx.studentLogits };
      },
      afterStep: objective.afterStep
        ? (indices, labels, info) => {
          const out = { m: undefined as Record<string, number> | undefined };
          tf.tidy(() => { out.m = objective.afterStep!(contextFor(indices, labels, info, true)); });
          return out.m;
        }
        : undefined,
      weights: (info) => objective.weights(info.epochProgress, info.step),
      epochMetrics: objective.metrics ? () => objective.metrics!() : undefined,
      native: native ? { step: (indices, info) => native.step(indices, info), sync: () => native.push() } : undefined,
      validate: async () => {
        const probs = await evalProbsOf();
        const preds = argmaxRows(probs, d.numClasses);
        const acc = accuracy(preds, this.evalSplit.y);
        if (stage === 'teacher') return { accuracy: acc, teacher_accuracy: acc };
        const v: { student_accuracy: number; accuracy: number; teacher_accuracy?: number; agreement?: number; kl?: number } = { student_accuracy: acc, accuracy: acc };
        if (teacherEvalProbs) {
          v.teacher_accuracy = accuracy(argmaxRows(teacherEvalProbs, d.numClasses), this.evalSplit.y);
          v.agreement = agreement(preds, argmaxRows(teacherEvalProbs, d.numClasses));
          v.kl = meanKl(teacherEvalProbs, probs, d.numClasses);
        }
        return v;
      },
    };
    const checkpoint = async (pos: CheckpointPosition) => {
      const optimizerState = await optimizer.getWeights();
      const termState = (await objective.state?.save()) ?? [];
      try {
        await writeCheckpoint(ckDir, pos, { model: model.getWeights(), terms: objective.variables, optimizer: optimizerState, state: termState });
      } finally {
        // getWeights hands out the optimizer's own variables plus a fresh iteration-count scalar.
        tf.dispose(optimizerState.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
        tf.dispose(termState.map((w) => w.tensor));
      }
      this.sink.emit({ type: 'checkpoint', stage, epoch: pos.epoch, step: pos.stageStep, path: join('checkpoints', stage) });
    };
    try {
      return await trainStage(stageModel, {
        stage, epochs: train.epochs, batchSize: train.batch_size, trainLabels: d.train.y, seed: c.seed,
        baseLr: train.optimizer.learning_rate, schedule: train.lr_schedule, optimizer, sink: this.sink,
        validateEvery: c.evaluation.every, start, shouldStop: () => this.req.stop.requested, checkpoint,
        stepEventIntervalMs: this.req.stepEventIntervalMs,
      });
    } finally {
      xAll.dispose();
      optimizer.dispose();
      native?.dispose();
    }
  }

  /** The native engine when it may run here (built, backend \`auto\`, float inputs) with the float training inputs, else why not. */
  private nativeModule(): { mod: NativeModule; trainX: Float32Array; reason?: undefined } | { mod?: undefined; reason: string } {
    const requested = this.req.backend ?? this.config.training.backend;
    if (requested !== 'auto') return { reason: `training.backend is ${requested}` };
    const mod = loadNative();
    if (!mod) return { reason: `native engine unavailable: ${nativeUnavailableReason()}` };
    const trainX = this.data.train.x;
    if (this.data.inputDtype !== 'float32' || !(trainX instanceof Float32Array)) return { reason: 'integer inputs' };
    return { mod, trainX };
  }

  /** Logits from the native engine when it covers `layers`, else undefined (the caller uses tfjs). */
  private nativeLogits(model: tf.LayersModel, layers: LayerConfig[] | undefined, x: Float32Array | Int32Array, count: number): Float32Array | undefined {
    const { mod } = this.nativeModule();
    if (!mod || !layers || !(x instanceof Float32Array)) return undefined;
    const spec = nativeLayers(layers, this.data.inputShape);
    if (!spec.ok) return undefined;
    try {
      return nativePredict(mod, spec.value, this.data.inputShape, nativeThreads(), model, x, count);
    } catch (e) {
      this.sink.log('warn', `native inference failed, using tfjs: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Softmax probabilities over a split: native engine when it covers the model, else tfjs. */
  private async probabilities(model: tf.LayersModel, layers: LayerConfig[] | undefined, split: SplitData): Promise<Float32Array> {
    const d = this.data;
    const logits = this.nativeLogits(model, layers, split.x, split.count);
    return logits ? softmaxRows(logits, d.numClasses) : splitProbabilities(model, split.x, split.count, d.inputShape, d.inputDtype);
  }

  /**
   * The native engine for this stage when it is built, the backend is left on `auto`, and the
   * stage fits it (float inputs, dense/conv2d/maxpool2d/flatten, relu/linear, cross-entropy and
   * soft-KD with fixed weighting); otherwise undefined, with the reason in the log.
   */
  private nativeStage(
    stage: Exclude<Stage, 'evaluate'>, model: tf.LayersModel, objective: StageObjective, train: TrainConfig,
    teacher: { out: { logits: tf.Tensor2D } } | undefined,
    request: { layers: LayerConfig[]; plan: Support<NativeLossPlan> },
  ): NativeStage | undefined {
    const d = this.data;
    const skip = (reason: string) => { this.sink.log('info', `${stage}: tfjs engine (${reason})`); return undefined; };
    const available = this.nativeModule();
    if (!available.mod) return skip(available.reason);
    const { mod, trainX } = available;
    if (!request.plan.ok) return skip(`native engine does not cover ${request.plan.reason}`);
    // The plan admits only cross-entropy and soft-KD, which own no variables and do nothing after a step.
    if (objective.variables.length) return skip('loss terms with their own variables');
    const layers = nativeLayers(request.layers, d.inputShape);
    if (!layers.ok) return skip(`native engine does not cover ${layers.reason}`);
    const threads = nativeThreads();
    try {
      const n = new NativeStage({
        native: mod, model, layers: layers.value, inputShape: d.inputShape, threads, optimizer: train.optimizer,
        plan: request.plan.value, x: trainX, count: d.train.count, labels: d.train.y,
        teacherLogits: teacher ? teacher.out.logits.dataSync() as Float32Array : undefined,
        weights: (info) => objective.weights(info.epochProgress, info.step),
      });
      this.sink.log('info', `${stage}: native engine, ${threads} thread${threads === 1 ? '' : 's'} (${mod.describe()})`);
      return n;
    } catch (e) {
      return skip(`native engine failed to start: ${(e as Error).message}`);
    }
  }

  // ---- evaluate ----

  private async evaluate(teacher: tf.LayersModel, student: tf.LayersModel, baseline: tf.LayersModel | undefined): Promise<void> {
    const c = this.config;
    const d = this.data;
    const t = d.test;
    this.sink.emit({ type: 'stage', stage: 'evaluate' });
    const outputs = async (model: tf.LayersModel, folder: string): Promise<ModelOutputs> => ({
      probs: await this.probabilities(model, model === teacher ? c.teacher.layers : c.student.layers, t),
      params: countParams(model),
      weightBytes: weightBytes(folder),
      latency: c.evaluation.latency ? await measureLatency(model, t.x, t.count, d.inputShape, d.inputDtype) : null,
    });
    const comparison = buildComparison({
      experiment: c.name,
      runId: this.paths.dir.split(/[\\/]/).pop()!,
      datasetName: d.name,
      classNames: d.classNames,
      labels: t.y,
      teacher: await outputs(teacher, this.paths.teacher),
      student: await outputs(student, this.paths.student),
      baseline: baseline ? await outputs(baseline, this.paths.baseline) : undefined,
      examples: c.evaluation.examples,
      describe: (i) => d.describe('test', i),
    });
    writeJsonAtomic(this.paths.comparison, comparison);
    this.sink.emit({ type: 'comparison', path: 'comparison.json', summary: comparison.summary });
    this.markDone('evaluate');
  }
}

/** Threads for the native engine: DISTILLERY_THREADS, else every core. */
function nativeThreads(): number {
  const env = Number(process.env.DISTILLERY_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 64);
  return Math.max(1, availableParallelism());
}

/** Which teacher layers the distillation terms read, and whether any term needs the teacher. */
function distillTermNeeds(c: ExperimentConfig): { teacherLayers: string[]; needsTeacher: boolean } {
  const layers = new Set<string>();
  let needsTeacher = false;
  for (const l of c.distillation.losses) {
    const def = getLossDefinition(l.kind) as unknown as { teacherLayers(x: unknown): string[]; needsTeacher: boolean };
    def.teacherLayers(l).forEach((n) => layers.add(n));
    needsTeacher ||= def.needsTeacher;
  }
  return { teacherLayers: [...layers], needsTeacher };
}
