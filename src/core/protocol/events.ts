// Trainer events: one JSON object per line in `events.jsonl`, and the same objects over IPC.
// Documented for other trainers in docs/events.md (with a JSON schema). Bump EVENTS_VERSION
// on any incompatible change.

export const EVENTS_VERSION = 1;

export type Stage = 'teacher' | 'baseline' | 'distill' | 'evaluate';
export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted';
export type FinishedStatus = Exclude<RunStatus, 'running' | 'interrupted'>;

interface EventBase {
  v: typeof EVENTS_VERSION;
  /** Wall-clock time, ms since the Unix epoch. */
  t: number;
}

export interface StartedEvent extends EventBase {
  type: 'started';
  run_id: string;
  experiment: string;
  backend: string;
  seed: number;
  config_hash: string;
  versions: Record<string, string>;
  pid: number;
  /** Absolute path of the run directory. */
  run_dir: string;
  /** True when this process continues an earlier run (`--resume`). */
  resumed?: boolean;
}

export interface StageEvent extends EventBase {
  type: 'stage';
  stage: Stage;
  epochs?: number;
  steps_per_epoch?: number;
  /** Set on the teacher stage when the trained teacher came from the cache (or a saved model). */
  skipped?: 'cached' | 'loaded';
}

/** One loss term's value at a step: unweighted, its current weight, and their product. */
export interface TermValue { value: number; weight: number; weighted: number }

export interface StepEvent extends EventBase {
  type: 'step';
  stage: Stage;
  epoch: number;
  /** Step within the stage, counted from 0 across epochs. */
  step: number;
  losses: Record<string, TermValue>;
  total: number;
  lr: number;
  examples_per_sec: number;
  /** Extra scalars, e.g. `discriminator_accuracy`, `log_var/soft_kd`. */
  metrics?: Record<string, number>;
}

export interface EvalMetrics { loss?: number; accuracy: number }

export interface EpochEvent extends EventBase {
  type: 'epoch';
  stage: Stage;
  epoch: number;
  train: EvalMetrics;
  validation?: {
    student_accuracy?: number;
    teacher_accuracy?: number;
    accuracy?: number;
    /** Top-1 agreement of student and teacher. */
    agreement?: number;
    /** Mean KL(teacher || student) at T=1. */
    kl?: number;
    loss?: number;
  };
  /** Each term's weight at the end of the epoch (schedules and adaptive weighting change them). */
  weights?: Record<string, number>;
  metrics?: Record<string, number>;
  duration_ms: number;
}

export interface CheckpointEvent extends EventBase { type: 'checkpoint'; stage: Stage; epoch: number; step: number; path: string }

export interface ComparisonEvent extends EventBase {
  type: 'comparison';
  /** Relative to the run directory. */
  path: string;
  summary: ComparisonSummary;
}

export interface LogEvent extends EventBase { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string }

export interface FinishedEvent extends EventBase {
  type: 'finished';
  status: FinishedStatus;
  error?: { message: string; stack?: string; term?: string };
  duration_ms: number;
}

export type TrainerEvent =
  | StartedEvent | StageEvent | StepEvent | EpochEvent | CheckpointEvent | ComparisonEvent | LogEvent | FinishedEvent;
export type TrainerEventType = TrainerEvent['type'];

/** The headline numbers, repeated in the `comparison` event so that views need not read comparison.json. */
export interface ComparisonSummary {
  teacher_accuracy: number;
  student_accuracy: number;
  baseline_accuracy?: number;
  /** student - baseline, in accuracy points (0..1 scale). */
  kd_gain?: number;
  agreement: number;
  /** teacher params / student params. */
  compression: number;
  /** teacher latency / student latency at batch 1. */
  speedup?: number;
}

// ---- comparison.json ----

export interface ReliabilityBin { lo: number; hi: number; count: number; confidence: number; accuracy: number }

export interface ModelReport {
  accuracy: number;
  per_class_accuracy: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  ece: number;
  reliability: ReliabilityBin[];
  /** Mean KL(teacher || student); 0 for the teacher itself. */
  kl_to_teacher: number;
  /** Top-1 agreement with the teacher; 1 for the teacher itself. */
  agreement: number;
  params: number;
  weight_bytes: number;
  latency_ms: { batch1: number; batch64: number } | null;
}

export type ExampleInput =
  | { kind: 'image'; width: number; height: number; channels: number; /** 0..255 row-major, channels last */ pixels: number[] }
  | { kind: 'text'; text: string }
  | { kind: 'features'; values: number[] };

export interface Disagreement {
  index: number;
  label: number;
  teacher: { pred: number; confidence: number };
  student: { pred: number; confidence: number };
  input: ExampleInput;
}

export interface Comparison {
  v: typeof EVENTS_VERSION;
  experiment: string;
  run_id: string;
  dataset: { name: string; test_examples: number };
  class_names: string[];
  teacher: ModelReport;
  student: ModelReport;
  baseline?: ModelReport;
  summary: ComparisonSummary;
  disagreements: Disagreement[];
}

// ---- IPC between the extension host and a forked trainer (dist/trainer.js) ----
// The trainer sends every TrainerEvent as-is over `process.send`; the host sends these.
export type HostToTrainerMessage = { type: 'stop' };
