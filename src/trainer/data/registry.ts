// Dataset registry (by built-in name or file format) and the shared pipeline that turns
// any loader's examples into a split, packed Dataset.
import type { DataConfig, DatasetConfig, TextConfig } from '../../core/config/types';
import { DataError, type Dataset, type DatasetLoader, type LogFn, type SourceExamples, type SplitData, type SplitName } from './types';
import { splitIndices, type SplitIndices } from './split';
import { tokenize, Vocabulary } from './tokenizer';
import { sha256 } from './sourceFiles';
import { mnist } from './mnist';
import { csv } from './csv';
import { spamAssassin } from './spamAssassin';
import { jsonl } from './jsonl';
import { npy } from './npy';
import { images } from './images';

/** Every loader, by the name the config uses (`dataset: mnist`, `format: csv`, ...). */
export const datasetLoaders: ReadonlyMap<string, DatasetLoader<any>> = new Map<string, DatasetLoader<any>>(
  [mnist, spamAssassin, csv, jsonl, npy, images].map((l) => [l.id, l]),
);

export const DEFAULT_TEXT: TextConfig = { tokenizer: 'word', vocab_size: 20000, max_length: 200, lowercase: true };
/** Characters of text shown for an example in the comparison view. */
const SNIPPET_CHARS = 400;

export function loaderId(dataset: DatasetConfig): string {
  return dataset.format === 'builtin' ? dataset.name : dataset.format;
}

export interface LoadOptions { baseDir: string; seed: number; log?: LogFn }

export async function loadDataset(data: DataConfig, opts: LoadOptions): Promise<Dataset> {
  const log: LogFn = opts.log ?? (() => undefined);
  const id = loaderId(data.dataset);
  const loader = datasetLoaders.get(id);
  if (!loader) throw new DataError(`unknown dataset "${id}"; known: ${[...datasetLoaders.keys()].join(', ')}`);
  const source = await loader.load(data.dataset, { baseDir: opts.baseDir, log });
  const numClasses = source.classNames.length;
  if (source.labels.length === 0) throw new DataError(`dataset "${source.name}" has no examples`);
  if (numClasses < 2) throw new DataError(`dataset "${source.name}" has ${numClasses} class${numClasses === 1 ? ` (${source.classNames[0]})` : 'es'}; classification needs at least 2`);

  const parts = splitIndices(source.labels, numClasses, data.split, opts.seed);
  checkClassCoverage(source, parts, log);

  const text = data.text ?? DEFAULT_TEXT;
  const packed = pack(source, parts, text);
  const fingerprint = sha256(JSON.stringify({
    dataset: withoutPaths(data.dataset),
    split: data.split,
    seed: opts.seed,
    text: source.kind === 'text' ? text : undefined,
    content: source.contentHash,
  }));
  return { name: source.name, numClasses, classNames: source.classNames, fingerprint, ...packed };
}

/** File locations do not change the data; moving a file should keep the teacher cache. */
function withoutPaths(d: DatasetConfig): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...d };
  delete copy.path;
  if (d.format === 'npy') { delete copy.inputs; delete copy.labels; }
  return copy;
}

function checkClassCoverage(source: SourceExamples, parts: SplitIndices, log: LogFn): void {
  const count = (idx: Int32Array) => {
    const c = new Array<number>(source.classNames.length).fill(0);
    for (const i of idx) c[source.labels[i]]++;
    return c;
  };
  const total = count(Int32Array.from(source.labels.keys()));
  const empty = source.classNames.filter((_, c) => total[c] === 0);
  if (empty.length) log('warn', `dataset "${source.name}": class${empty.length > 1 ? 'es' : ''} ${empty.join(', ')} ha${empty.length > 1 ? 've' : 's'} no examples at all`);
  const train = count(parts.train);
  const missingTrain = source.classNames.filter((_, c) => total[c] > 0 && train[c] === 0);
  if (missingTrain.length) {
    throw new DataError(`dataset "${source.name}": after splitting, the train split has no examples of class ${missingTrain.join(', ')} (${missingTrain.map((n) => `${n}: ${total[source.classNames.indexOf(n)]} in all`).join('; ')}); use a larger train split or more data`);
  }
  for (const name of ['validation', 'test'] as const) {
    const idx = parts[name];
    if (!idx) continue;
    const c = count(idx);
    const missing = source.classNames.filter((_, k) => total[k] > 0 && c[k] === 0);
    if (missing.length) log('warn', `dataset "${source.name}": the ${name} split (${idx.length} examples) has no examples of class ${missing.join(', ')}; its accuracy will not cover them`);
  }
}

type Packed = Pick<Dataset, 'kind' | 'inputShape' | 'inputDtype' | 'vocabSize' | 'train' | 'validation' | 'test' | 'describe'>;

function pack(source: SourceExamples, parts: SplitIndices, text: TextConfig): Packed {
  const splits = (make: (idx: Int32Array) => SplitData) => ({
    train: make(parts.train),
    validation: parts.validation ? make(parts.validation) : undefined,
    test: make(parts.test),
  });
  const labelsOf = (idx: Int32Array) => Int32Array.from(idx, (i) => source.labels[i]);
  const gather = <T extends Float32Array | Int32Array>(values: T, per: number, idx: Int32Array, out: T): T => {
    idx.forEach((src, k) => out.set(values.subarray(src * per, (src + 1) * per), k * per));
    return out;
  };

  switch (source.kind) {
    case 'image': {
      const [h, w, c] = source.shape;
      const per = h * w * c;
      const s = splits((idx) => ({ x: gather(source.values, per, idx, new Float32Array(idx.length * per)), y: labelsOf(idx), count: idx.length, index: idx }));
      return {
        kind: 'image', inputShape: [h, w, c], inputDtype: 'float32', ...s,
        describe: (split, i) => {
          const x = pick(s, split, i).x.subarray(i * per, (i + 1) * per);
          const [lo, hi] = source.displayRange ?? [0, 1];
          const k = hi > lo ? 255 / (hi - lo) : 0;
          return { kind: 'image', width: w, height: h, channels: c, pixels: Array.from(x, (v) => Math.round(Math.min(255, Math.max(0, (v - lo) * k)))) };
        },
      };
    }
    case 'tabular': {
      const per = source.shape[0];
      const s = splits((idx) => ({ x: gather(source.values, per, idx, new Float32Array(idx.length * per)), y: labelsOf(idx), count: idx.length, index: idx }));
      if (source.standardise) standardise(s, per);
      return {
        kind: 'tabular', inputShape: [per], inputDtype: 'float32', ...s,
        // The raw values, as in the user's file, not the standardised ones.
        describe: (split, i) => {
          const src = pick(s, split, i).index[i];
          return { kind: 'features', values: Array.from(source.values.subarray(src * per, (src + 1) * per)) };
        },
      };
    }
    case 'tokens': {
      const per = source.shape.reduce((a, b) => a * b, 1);
      const s = splits((idx) => ({ x: gather(source.values, per, idx, new Int32Array(idx.length * per)), y: labelsOf(idx), count: idx.length, index: idx }));
      return {
        kind: 'text', inputShape: [...source.shape], inputDtype: 'int32', vocabSize: source.vocabSize, ...s,
        describe: (split, i) => ({ kind: 'text', text: Array.from(pick(s, split, i).x.subarray(i * per, (i + 1) * per)).join(' ') }),
      };
    }
    case 'text': {
      if (!Number.isInteger(text.max_length) || text.max_length < 1) throw new DataError(`text.max_length must be a whole number >= 1, got ${text.max_length}`);
      if (!Number.isInteger(text.vocab_size) || text.vocab_size < 3) throw new DataError(`text.vocab_size must be a whole number >= 3 (ids 0 and 1 are padding and unknown), got ${text.vocab_size}`);
      const tokens = new Map<number, string[]>();
      const tokensOf = (i: number) => {
        let t = tokens.get(i);
        if (!t) tokens.set(i, (t = tokenize(source.texts[i], text.lowercase)));
        return t;
      };
      // Built from the train split only: validation and test words must not shape the inputs.
      const vocab = Vocabulary.build(Array.from(parts.train, tokensOf), text.vocab_size);
      const L = text.max_length;
      const s = splits((idx) => {
        const x = new Int32Array(idx.length * L);
        idx.forEach((src, k) => vocab.encodeInto(tokensOf(src), L, x, k * L));
        return { x, y: labelsOf(idx), count: idx.length, index: idx };
      });
      const snippet = source.snippet ?? ((i: number) => source.texts[i]);
      return {
        kind: 'text', inputShape: [L], inputDtype: 'int32', vocabSize: vocab.size, ...s,
        describe: (split, i) => {
          const t = snippet(pick(s, split, i).index[i]);
          return { kind: 'text', text: t.length > SNIPPET_CHARS ? `${t.slice(0, SNIPPET_CHARS)}…` : t };
        },
      };
    }
  }
}

function pick(s: { train: SplitData; validation?: SplitData; test: SplitData }, split: SplitName, i: number): SplitData {
  const d = s[split];
  if (!d) throw new RangeError(`this dataset has no ${split} split`);
  if (!Number.isInteger(i) || i < 0 || i >= d.count) throw new RangeError(`example ${i} is outside the ${split} split (0..${d.count - 1})`);
  return d;
}

/** Zero mean, unit variance per feature, with statistics from the train split only. */
function standardise(s: { train: SplitData; validation?: SplitData; test: SplitData }, per: number): void {
  const mean = new Float64Array(per);
  const sq = new Float64Array(per);
  const xt = s.train.x;
  for (let r = 0; r < s.train.count; r++) for (let j = 0; j < per; j++) mean[j] += xt[r * per + j];
  for (let j = 0; j < per; j++) mean[j] /= s.train.count;
  for (let r = 0; r < s.train.count; r++) for (let j = 0; j < per; j++) sq[j] += (xt[r * per + j] - mean[j]) ** 2;
  // A constant column stays at 0 instead of dividing by zero.
  const scale = Array.from(sq, (v) => { const sd = Math.sqrt(v / s.train.count); return sd > 1e-12 ? 1 / sd : 1; });
  for (const d of [s.train, s.validation, s.test]) {
    if (!d) continue;
    for (let r = 0; r < d.count; r++) for (let j = 0; j < per; j++) d.x[r * per + j] = (d.x[r * per + j] - mean[j]) * scale[j];
  }
}

