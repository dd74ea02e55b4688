// The data layer's contract with the training loop: every dataset, whatever its source,
// arrives as pre-packed typed arrays split into train / validation / test.
import type { ExampleInput } from '../../core/protocol/events';
import type { DataConfig, DatasetConfig } from '../../core/config/types';

export type SplitName = 'train' | 'validation' | 'test';
export type DatasetKind = 'image' | 'text' | 'tabular';

export interface SplitData {
  /** Row-major, `count × product(inputShape)`. */
  x: Float32Array | Int32Array;
  y: Int32Array;
  count: number;
  /** Raw source index per example, for display. */
  index: Int32Array;
}

export interface Dataset {
  name: string;
  kind: DatasetKind;
  /** Without the batch axis: mnist [28,28,1], text [max_length], csv [features]. */
  inputShape: number[];
  inputDtype: 'float32' | 'int32';
  numClasses: number;
  classNames: string[];
  /** Token-id inputs only: ids are < vocabSize (0 = padding, 1 = unknown for tokenised text). */
  vocabSize?: number;
  train: SplitData;
  validation?: SplitData;
  test: SplitData;
  /** The example as a person sees it, for the comparison view's disagreements. */
  describe(split: SplitName, i: number): ExampleInput;
  /** Content hash of the data + split + seed + text settings, for the teacher cache key. */
  fingerprint: string;
}

/** A data problem the user can fix: the message names the file and, where known, line and entry. */
export class DataError extends Error {
  file?: string;
  line?: number;
  entry?: string;
  constructor(message: string, where: { file?: string; line?: number; entry?: string } = {}) {
    // `file:line: message`, the form editors and terminals turn into links; the message names the entry.
    const loc = where.file ? `${where.file}${where.line !== undefined ? `:${where.line}` : ''}: ` : '';
    super(loc + message);
    this.name = 'DataError';
    this.file = where.file;
    this.line = where.line;
    this.entry = where.entry;
  }
}

export type LogFn = (level: 'info' | 'warn', message: string) => void;

export interface LoadContext {
  /** Folder that relative paths in the config are resolved against. */
  baseDir: string;
  log: LogFn;
}

/**
 * What a loader returns: every example of the source, before splitting. The shared
 * pipeline (registry.ts) splits, tokenises or standardises, and packs.
 */
export type SourceExamples = {
  name: string;
  classNames: string[];
  /** Class index per example. */
  labels: Int32Array;
  /** Hash of the bytes read, so that the fingerprint changes when the data does. */
  contentHash: string;
} & (
  | { kind: 'image'; shape: [number, number, number]; values: Float32Array; /** value range shown as 0..255; default [0, 1] */ displayRange?: [number, number] }
  | { kind: 'tabular'; shape: [number]; values: Float32Array; featureNames: string[]; standardise: boolean }
  | { kind: 'tokens'; shape: number[]; values: Int32Array; vocabSize: number }
  | { kind: 'text'; texts: string[]; /** What describe() shows; defaults to the text itself. */ snippet?: (i: number) => string }
);

/** One entry of the dataset registry: a built-in dataset or a file format. */
export interface DatasetLoader<C extends DatasetConfig = DatasetConfig> {
  /** The name the config uses: a built-in dataset's name or a `format`. */
  id: string;
  description: string;
  load(config: C, ctx: LoadContext): Promise<SourceExamples>;
}

export type { DataConfig, DatasetConfig };
