// NumPy arrays: `inputs` (N, ...) and `labels` (N,) of class ids 0..K-1, saved with numpy.save.
//   (N, F) float       -> tabular features, used as saved (no standardisation)
//   (N, H, W[, C])     -> images (H, W, 1 when C is absent); uint8 scaled to [0, 1]
//   (N, L) int32/int64 -> token ids, for embedding layers (vocabulary size = max id + 1)
import type { DatasetConfig } from '../../core/config/types';
import { DataError, type DatasetLoader, type SourceExamples } from './types';
import { readDataFile, resolveDataPath, sha256 } from './sourceFiles';
import { parseNpy, type NpyArray } from './npyFormat';

type NpyConfig = Extract<DatasetConfig, { format: 'npy' }>;

function shapeText(a: NpyArray): string {
  return `(${a.shape.join(', ')}${a.shape.length === 1 ? ',' : ''})`;
}

function readLabels(labels: NpyArray, file: string, count: number, inputsFile: string): { labels: Int32Array; numClasses: number } {
  const rank = labels.shape.length;
  if (!(rank === 1 || (rank === 2 && labels.shape[1] === 1))) {
    throw new DataError(`labels must be a 1-D array of class ids, got shape ${shapeText(labels)}${rank === 2 ? ' (one-hot labels? save numpy.argmax(labels, axis=1))' : ''}`, { file });
  }
  if (labels.shape[0] !== count) throw new DataError(`has ${labels.shape[0]} labels but ${inputsFile} has ${count} examples`, { file });
  const out = new Int32Array(count);
  let max = -1;
  for (let i = 0; i < count; i++) {
    const v = labels.data[i];
    if (!Number.isInteger(v) || v < 0) throw new DataError(`label ${i} is ${v}; labels must be class ids 0, 1, 2, ...`, { file, entry: `index ${i}` });
    out[i] = v;
    if (v > max) max = v;
  }
  return { labels: out, numClasses: max + 1 };
}

export const npy: DatasetLoader<NpyConfig> = {
  id: 'npy',
  description: 'NumPy .npy arrays: inputs (N, features), (N, H, W[, C]) images or (N, L) token ids, and labels (N,) of class ids.',
  async load(config, ctx): Promise<SourceExamples> {
    const inputsFile = resolveDataPath(ctx.baseDir, config.inputs);
    const labelsFile = resolveDataPath(ctx.baseDir, config.labels);
    const inputBytes = await readDataFile(inputsFile, 'NPY inputs file');
    const labelBytes = await readDataFile(labelsFile, 'NPY labels file');
    const inputs = parseNpy(inputBytes, inputsFile);
    const labelArray = parseNpy(labelBytes, labelsFile);
    if (inputs.shape.length < 2 || inputs.shape.length > 4) {
      throw new DataError(`inputs must have shape (N, features), (N, H, W), (N, H, W, C) or (N, length); got ${shapeText(inputs)}`, { file: inputsFile });
    }
    const count = inputs.shape[0];
    if (count === 0) throw new DataError('inputs hold no examples (first dimension is 0)', { file: inputsFile });
    const { labels, numClasses } = readLabels(labelArray, labelsFile, count, inputsFile);
    const common = {
      name: config.inputs,
      labels,
      classNames: Array.from({ length: numClasses }, (_, i) => String(i)),
      contentHash: sha256(inputBytes, labelBytes),
    };
    const rest = inputs.shape.slice(1);

    if ((inputs.dtype === 'int32' || inputs.dtype === 'int64') && rest.length === 1) {
      let max = 0;
      const values = new Int32Array(inputs.data.length);
      for (let i = 0; i < values.length; i++) {
        const v = inputs.data[i];
        if (v < 0 || v > 0x7fffffff) throw new DataError(`token id ${v} at element ${i} is outside 0..2^31-1`, { file: inputsFile });
        values[i] = v;
        if (v > max) max = v;
      }
      return { ...common, kind: 'tokens', shape: rest, values, vocabSize: max + 1 };
    }

    const values = new Float32Array(inputs.data.length);
    const scale = inputs.dtype === 'uint8' ? 1 / 255 : 1;
    for (let i = 0; i < values.length; i++) {
      const v = inputs.data[i] * scale;
      if (!Number.isFinite(v)) {
        const per = values.length / count;
        throw new DataError(`value ${inputs.data[i]} at element ${i} (example ${Math.floor(i / per)}) is not a finite number`, { file: inputsFile });
      }
      values[i] = v;
    }
    if (rest.length === 1) {
      return { ...common, kind: 'tabular', shape: [rest[0]], values, featureNames: Array.from({ length: rest[0] }, (_, i) => `x${i}`), standardise: false };
    }
    const [h, w, c = 1] = rest;
    if (c !== 1 && c !== 3 && c !== 4) ctx.log('warn', `${inputsFile}: images with ${c} channels; the comparison view shows only 1, 3 or 4`);
    let lo = Infinity, hi = -Infinity;
    for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
    // Float images saved as 0..255 or standardised still display sensibly.
    const displayRange: [number, number] = lo >= 0 && hi <= 1 ? [0, 1] : [lo, hi];
    return { ...common, kind: 'image', shape: [h, w, c], values, displayRange };
  },
};
