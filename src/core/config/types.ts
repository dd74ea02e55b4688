// The typed, defaulted experiment config that every process works from.
// Produced by `validateConfig` (src/core/config) from `*.distill.yaml` text; the YAML
// shape is described in schemas/distill.schema.json and docs/config.md.

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'selu' | 'gelu' | 'swish' | 'linear' | 'leaky_relu' | 'softplus';
export type Padding = 'same' | 'valid';

interface LayerBase {
  /** Optional; makes the layer addressable by feature losses (`teacher_layer`, `student_layer`, `pairs`). */
  name?: string;
}
export interface DenseLayer extends LayerBase { type: 'dense'; units: number; activation: Activation; use_bias: boolean }
export interface Conv1dLayer extends LayerBase { type: 'conv1d'; filters: number; kernel: number; stride: number; padding: Padding; activation: Activation }
export interface Conv2dLayer extends LayerBase { type: 'conv2d'; filters: number; kernel: number; stride: number; padding: Padding; activation: Activation }
export interface MaxPool1dLayer extends LayerBase { type: 'maxpool1d'; pool: number; stride?: number }
export interface MaxPool2dLayer extends LayerBase { type: 'maxpool2d'; pool: number; stride?: number }
export interface AvgPool2dLayer extends LayerBase { type: 'avgpool2d'; pool: number; stride?: number }
export interface GlobalAvgPool1dLayer extends LayerBase { type: 'global_avg_pool1d' }
export interface GlobalAvgPool2dLayer extends LayerBase { type: 'global_avg_pool2d' }
export interface FlattenLayer extends LayerBase { type: 'flatten' }
export interface DropoutLayer extends LayerBase { type: 'dropout'; rate: number }
export interface BatchNormLayer extends LayerBase { type: 'batchnorm'; momentum: number; epsilon: number }
export interface EmbeddingLayer extends LayerBase { type: 'embedding'; dim: number }
export interface LstmLayer extends LayerBase { type: 'lstm'; units: number; return_sequences: boolean }
export interface GruLayer extends LayerBase { type: 'gru'; units: number; return_sequences: boolean }
export interface ReshapeLayer extends LayerBase { type: 'reshape'; shape: number[] }
export interface ActivationLayer extends LayerBase { type: 'activation'; fn: Activation }

export type LayerConfig =
  | DenseLayer | Conv1dLayer | Conv2dLayer | MaxPool1dLayer | MaxPool2dLayer | AvgPool2dLayer
  | GlobalAvgPool1dLayer | GlobalAvgPool2dLayer | FlattenLayer | DropoutLayer | BatchNormLayer
  | EmbeddingLayer | LstmLayer | GruLayer | ReshapeLayer | ActivationLayer;
export type LayerType = LayerConfig['type'];

export type BuiltinDataset = 'mnist' | 'spam-assassin';
export type DatasetConfig =
  | { format: 'builtin'; name: BuiltinDataset }
  | { format: 'csv'; path: string; label: string; features?: string[] }
  | { format: 'jsonl'; path: string; text: string; label: string }
  | { format: 'images'; path: string; width?: number; height?: number; grayscale: boolean }
  | { format: 'npy'; inputs: string; labels: string };

/** Counts (>= 1) or fractions (< 1) of the dataset. */
export interface SplitConfig { train: number; test: number; validation?: number }
export interface TextConfig { tokenizer: 'word'; vocab_size: number; max_length: number; lowercase: boolean }
export interface DataConfig { dataset: DatasetConfig; split: SplitConfig; text?: TextConfig }

export type OptimizerName = 'adam' | 'sgd' | 'adamw';
export interface OptimizerConfig { name: OptimizerName; learning_rate: number; momentum?: number; weight_decay?: number }
export type LrScheduleConfig =
  | { name: 'constant'; warmup_epochs: number }
  | { name: 'step'; warmup_epochs: number; step_epochs: number; gamma: number }
  | { name: 'cosine'; warmup_epochs: number; min_lr: number };

export interface TrainConfig { epochs: number; batch_size: number; optimizer: OptimizerConfig; lr_schedule: LrScheduleConfig }

export interface TeacherConfig {
  /** Absolute path of a saved tfjs LayersModel (`model.json`), resolved against the config file. */
  path?: string;
  layers?: LayerConfig[];
  train: TrainConfig;
}
export interface StudentConfig { layers: LayerConfig[] }

/** A term's weight over time; `constant` is the plain number form. */
export type WeightSchedule =
  | { kind: 'constant'; value: number }
  | { kind: 'ramp'; from: number; to: number; shape: 'linear' | 'cosine'; over: 'epochs' | 'steps'; length?: number }
  | { kind: 'warmup'; value: number; warmup_epochs: number };

interface LossBase {
  /** A unique label for the term in events and charts; defaults to `kind` (suffixed `_2`, `_3` when repeated). */
  id: string;
  weight: WeightSchedule;
}
export interface LayerPair { teacher_layer: string; student_layer: string }
export interface CrossEntropyLoss extends LossBase { kind: 'cross_entropy'; label_smoothing: number }
export interface SoftKdLoss extends LossBase { kind: 'soft_kd'; temperature: number }
export interface HardKdLoss extends LossBase { kind: 'hard_kd' }
export interface HintLoss extends LossBase, LayerPair { kind: 'hint'; projection: 'linear' | 'conv1x1' | 'none'; distance: 'mse' | 'l1' | 'cosine' }
export interface AttentionLoss extends LossBase { kind: 'attention'; pairs: LayerPair[]; p: number }
export interface SimilarityLoss extends LossBase, LayerPair { kind: 'similarity' }
/** Relational and PKT default to the logits when no layers are named. */
export interface RelationalLoss extends LossBase, Partial<LayerPair> { kind: 'relational'; distance_weight: number; angle_weight: number }
export interface PktLoss extends LossBase, Partial<LayerPair> { kind: 'pkt' }
export interface DkdLoss extends LossBase { kind: 'dkd'; alpha: number; beta: number; temperature: number; warmup_epochs: number }
export interface AdversarialLoss extends LossBase {
  kind: 'adversarial';
  /** `logits`, or a pair of named layers (the student side is projected to the teacher's width). */
  on: 'logits' | LayerPair;
  hidden_units: number[];
  discriminator_learning_rate: number;
}
export type LossConfig =
  | CrossEntropyLoss | SoftKdLoss | HardKdLoss | HintLoss | AttentionLoss | SimilarityLoss
  | RelationalLoss | PktLoss | DkdLoss | AdversarialLoss;
export type LossKind = LossConfig['kind'];

export type WeightingMode = 'fixed' | 'uncertainty' | 'confidence';
export interface DistillationConfig { losses: LossConfig[]; weighting: WeightingMode }

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export interface TrainingConfig extends TrainConfig { baseline: boolean; backend: BackendName }
export interface EvaluationConfig { every: number; examples: number; latency: boolean }

export interface ExperimentConfig {
  version: 1;
  name: string;
  seed: number;
  data: DataConfig;
  teacher: TeacherConfig;
  student: StudentConfig;
  distillation: DistillationConfig;
  training: TrainingConfig;
  evaluation: EvaluationConfig;
  /** Absolute path of the config file, when it came from one; relative paths above are resolved against its folder. */
  source?: string;
}
