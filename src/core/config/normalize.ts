// Schema-valid data -> the typed, defaulted ExperimentConfig. Defaults are read from the
// schema (one source of truth with hover and docs); only the shape changes are written here.
import { basename, dirname, resolve } from 'node:path';
import { distillSchema, effectiveNode, resolveRef, type SchemaNode } from './schemaInfo';
import { builtinDatasets, isBuiltinDataset } from './datasets';
import type {
  DataConfig, DatasetConfig, ExperimentConfig, LayerConfig, LossConfig, LrScheduleConfig, OptimizerConfig, TextConfig, TrainConfig, WeightSchedule,
} from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Fills every missing key that has a schema `default`, recursively (discriminated branches and `oneOf` alternatives included). */
export function applyDefaults(node: SchemaNode, value: unknown): unknown {
  const n = effectiveNode(node, isObj(value) ? value : undefined);
  let v = value === undefined && n.default !== undefined ? structuredClone(n.default) : value;
  if (n.oneOf && v !== undefined) {
    // The alternative the value is: same kind (object or not), most keys in common.
    const alts = n.oneOf.map(resolveRef).filter((a) => (a.type === 'object' || !!a.properties) === isObj(v));
    const shared = (a: SchemaNode) => (isObj(v) ? Object.keys(v).filter((k) => a.properties?.[k]).length : 0);
    const alt = alts.sort((a, b) => shared(b) - shared(a))[0];
    return alt ? applyDefaults(alt, v) : v;
  }
  if (isObj(v) && n.properties) {
    const out: Obj = { ...v };
    const then = effectiveNode(n, out);
    for (const [key, child] of Object.entries(then.properties ?? {})) {
      const filled = applyDefaults(child, out[key]);
      if (filled !== undefined) out[key] = filled;
    }
    v = out;
  } else if (Array.isArray(v) && n.items) {
    v = v.map((item) => applyDefaults(n.items!, item));
  }
  return v;
}

export function normalizeConfig(raw: Obj, configPath?: string): ExperimentConfig {
  const d = applyDefaults(distillSchema, raw) as Obj;
  const baseDir = configPath ? dirname(configPath) : undefined;
  const file = (p: string) => (baseDir ? resolve(baseDir, p) : p);
  const data = d.data as Obj;
  const dataset = normalizeDataset(data.dataset, file);
  const isText = dataset.format === 'jsonl' || (dataset.format === 'builtin' && builtinDatasets[dataset.name].text);
  const textSchema = (distillSchema.properties!.data.properties!.text);
  const normalizedData: DataConfig = {
    dataset,
    split: data.split as DataConfig['split'],
    ...(isText ? { text: applyDefaults(textSchema, data.text ?? {}) as TextConfig } : {}),
  };
  const teacher = d.teacher as Obj;
  const student = d.student as Obj;
  const distillation = d.distillation as Obj;
  const training = d.training as Obj;
  return {
    version: 1,
    name: typeof d.name === 'string' ? d.name : nameFromPath(configPath),
    seed: d.seed as number,
    data: normalizedData,
    teacher: {
      ...(typeof teacher.path === 'string' ? { path: file(teacher.path) } : {}),
      ...(Array.isArray(teacher.layers) ? { layers: teacher.layers.map(normalizeLayer) } : {}),
      train: normalizeTrain(teacher.train as Obj),
    },
    student: { layers: (student.layers as unknown[]).map(normalizeLayer) },
    distillation: { losses: normalizeLosses(distillation.losses as Obj[]), weighting: distillation.weighting as ExperimentConfig['distillation']['weighting'] },
    training: { ...normalizeTrain(training), baseline: training.baseline as boolean, backend: training.backend as ExperimentConfig['training']['backend'] },
    evaluation: d.evaluation as unknown as ExperimentConfig['evaluation'],
    ...(configPath ? { source: resolve(configPath) } : {}),
  };
}

function nameFromPath(configPath?: string): string {
  if (!configPath) return 'experiment';
  return basename(configPath).replace(/\.distill\.ya?ml$/i, '').replace(/\.ya?ml$/i, '') || 'experiment';
}

function normalizeDataset(v: unknown, file: (p: string) => string): DatasetConfig {
  if (typeof v === 'string' && isBuiltinDataset(v)) return { format: 'builtin', name: v };
  const o = v as Obj;
  switch (o.format) {
    case 'csv': return { format: 'csv', path: file(o.path as string), label: o.label as string, ...(Array.isArray(o.features) ? { features: o.features as string[] } : {}) };
    case 'jsonl': return { format: 'jsonl', path: file(o.path as string), text: o.text as string, label: o.label as string };
    case 'images': return { format: 'images', path: file(o.path as string), grayscale: o.grayscale as boolean, ...(o.width ? { width: o.width as number } : {}), ...(o.height ? { height: o.height as number } : {}) };
    default: return { format: 'npy', inputs: file(o.inputs as string), labels: file(o.labels as string) };
  }
}

/** `{conv2d: {filters: 32}}` -> `{type: 'conv2d', filters: 32, kernel: 3, ...}`. */
export function normalizeLayer(v: unknown): LayerConfig {
  const [type, options] = Object.entries(v as Obj)[0];
  return { type, ...((options as Obj | null) ?? {}) } as LayerConfig;
}

function normalizeTrain(t: Obj): TrainConfig {
  const opt = t.optimizer as Obj;
  const optimizer: OptimizerConfig = {
    name: opt.name as OptimizerConfig['name'],
    learning_rate: opt.learning_rate as number,
    ...(opt.momentum !== undefined ? { momentum: opt.momentum as number } : {}),
    ...(opt.weight_decay !== undefined ? { weight_decay: opt.weight_decay as number } : {}),
  };
  const s = t.lr_schedule as Obj;
  const warmup = s.warmup_epochs as number;
  const lr_schedule: LrScheduleConfig = s.name === 'step' ? { name: 'step', warmup_epochs: warmup, step_epochs: s.step_epochs as number, gamma: s.gamma as number }
    : s.name === 'cosine' ? { name: 'cosine', warmup_epochs: warmup, min_lr: s.min_lr as number }
      : { name: 'constant', warmup_epochs: warmup };
  return { epochs: t.epochs as number, batch_size: t.batch_size as number, optimizer, lr_schedule };
}

export function normalizeWeight(w: unknown): WeightSchedule {
  if (typeof w === 'number') return { kind: 'constant', value: w };
  const o = w as Obj;
  if ('from' in o) return { kind: 'ramp', from: o.from as number, to: o.to as number, shape: o.shape as 'linear' | 'cosine', over: o.over as 'epochs' | 'steps', ...(o.length !== undefined ? { length: o.length as number } : {}) };
  return { kind: 'warmup', value: o.value as number, warmup_epochs: o.warmup_epochs as number };
}

/** Loss ids default to the kind, suffixed `_2`, `_3` for repeats, never clashing with explicit ids. */
export function defaultLossIds(losses: readonly Obj[]): string[] {
  const taken = new Set(losses.map((l) => l.id).filter((id): id is string => typeof id === 'string'));
  const counts = new Map<string, number>();
  return losses.map((l) => {
    if (typeof l.id === 'string') return l.id;
    const kind = String(l.kind);
    let n = counts.get(kind) ?? 0;
    let id: string;
    do { n++; id = n === 1 ? kind : `${kind}_${n}`; } while (taken.has(id));
    counts.set(kind, n);
    taken.add(id);
    return id;
  });
}

function normalizeLosses(losses: Obj[]): LossConfig[] {
  const ids = defaultLossIds(losses);
  return losses.map((l, i) => {
    const { weight, id: _id, ...rest } = l;
    const out = { ...rest, id: ids[i], weight: normalizeWeight(weight) } as Obj;
    return out as unknown as LossConfig;
  });
}
