// The contract between the training loop and each distillation method.
// One file per method in this folder exports a `LossDefinition`; `registry.ts` maps `kind` to it.
import type * as tf from '@tensorflow/tfjs';
import type { LossConfig } from '../../core/config/types';

/** What a term sees at one training step. Tensors are owned by the loop; terms must not dispose them. */
export interface LossContext {
  /** B×C student logits (inside the gradient tape). */
  studentLogits: tf.Tensor2D;
  /** B×C teacher logits (constants: no gradient flows to the teacher). */
  teacherLogits: tf.Tensor2D;
  /** B int32 true labels. */
  labels: tf.Tensor1D;
  /** Student activation of a named layer (inside the tape). */
  studentFeature(layer: string): tf.Tensor;
  /** Teacher activation of a named layer (constant). */
  teacherFeature(layer: string): tf.Tensor;
  /** Per-example weights in [0,1] from `confidence` weighting, for terms marked `perExampleSoft`. */
  exampleWeights?: tf.Tensor1D;
  numClasses: number;
  /** 0-based epoch and step within the distill stage; `epochProgress` = epoch + fraction done. */
  epoch: number;
  step: number;
  epochProgress: number;
  training: boolean;
}

/** A tensor under a stable name, as checkpoints store it. */
export interface NamedTensor { name: string; tensor: tf.Tensor }

/**
 * State a term keeps beyond `trainableVariables` (a discriminator and its optimizer), so that a
 * resumed run continues with it rather than with a fresh one.
 */
export interface TermState {
  /** Copies of the state, under names the term chooses; the tensors belong to the caller. */
  save(): Promise<NamedTensor[]>;
  /** Restores what `save` returned, into a term just created; the tensors stay the caller's. */
  load(tensors: NamedTensor[]): Promise<void>;
}

export interface LossTerm {
  /** Variables the term owns and that train with the student (projections). Not saved with the student. */
  readonly trainableVariables: tf.Variable[];
  /** The unweighted loss, a scalar. Called inside the student's gradient tape. */
  compute(ctx: LossContext): tf.Scalar;
  /** Runs after the student's update (e.g. a discriminator step); returns metrics for the step event. */
  afterStep?(ctx: LossContext): Record<string, number>;
  /** State outside `trainableVariables` that checkpoints must keep. */
  readonly state?: TermState;
  /** Multiplier applied by the term itself over time (DKD warm-up); default 1. */
  dispose(): void;
}

/** Shapes of named layers (without the batch dimension), to size projections. */
export interface LayerShapes {
  teacher(layer: string): number[];
  student(layer: string): number[];
}

export interface LossOption {
  name: string;
  description: string;
  default?: unknown;
}

export interface LossDefinition<C extends LossConfig = LossConfig> {
  kind: C['kind'];
  title: string;
  /** Citation shown in hover and docs/methods.md. */
  paper?: string;
  /** Plain-text formula for hover. */
  formula: string;
  options: LossOption[];
  /** Needs a teacher (every kind but cross_entropy). */
  needsTeacher: boolean;
  /** Scaled per example under `confidence` weighting. */
  perExampleSoft: boolean;
  /** Layers whose activations the term reads; the loop taps (and caches) exactly these. */
  teacherLayers(config: C): string[];
  studentLayers(config: C): string[];
  create(config: C, shapes: LayerShapes): LossTerm;
}
