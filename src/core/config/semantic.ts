// Checks of meaning that a schema cannot express: layer names that losses refer to,
// the teacher's source, output units versus classes, files, split sizes.
// Runs on the raw data (defensively: parts may be schema-invalid) with positions.
import { isAbsolute, relative, resolve, dirname } from 'node:path';
import type { Diagnostic, Range } from './diagnostics';
import type { ConfigHost } from './host';
import type { PathSegment, SourceMap } from './sourceMap';
import { builtinDatasets, isBuiltinDataset } from './datasets';
import { readTeacherTopology } from './teacherModel';
import { closestMatch } from './suggest';
import { formatPath, pathToPointer } from './paths';
import { defaultLossIds } from './normalize';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface SemanticContext { data: Obj; source: SourceMap; host: ConfigHost; configPath?: string }

/** A model's addressable layers: name -> where it is declared (undefined for model.json layers). */
interface ModelNames { names: Map<string, Range | undefined>; known: boolean; origin: string }

const TEACHERLESS = new Set(['cross_entropy']);

export function checkSemantics(ctx: SemanticContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { data } = ctx;
  const teacher = isObj(data.teacher) ? data.teacher : undefined;
  const losses = isObj(data.distillation) && Array.isArray(data.distillation.losses) ? data.distillation.losses : [];

  if (!('teacher' in data)) {
    const needing = losses.map((l, i) => [l, i] as const).filter(([l]) => isObj(l) && typeof l.kind === 'string' && !TEACHERLESS.has(l.kind));
    // The schema also reports the missing `teacher`; validate.ts keeps whichever is more specific.
    for (const [l, i] of needing) out.push(err(ctx, 'needs-teacher', `The \`${(l as Obj).kind}\` loss needs a teacher, and the config has no \`teacher\`.`, ['distillation', 'losses', i, 'kind']));
  }
  if (teacher) {
    const hasPath = 'path' in teacher;
    const hasLayers = 'layers' in teacher;
    if (hasPath === hasLayers) {
      out.push(err(ctx, 'teacher-source', hasPath ? '`teacher` has both `path` and `layers`; give exactly one.' : '`teacher` needs exactly one of `path` (a saved model.json) or `layers`.', hasPath ? ['teacher', 'layers'] : ['teacher'], hasPath ? 'key' : 'value'));
    }
  }

  const classes = datasetClasses(data);
  const studentNames = declaredNames(ctx, ['student', 'layers'], out, 'student', classes);
  const teacherNames = teacher && 'path' in teacher && typeof teacher.path === 'string' && !('layers' in teacher)
    ? modelJsonNames(ctx, teacher.path, out, classes)
    : declaredNames(ctx, ['teacher', 'layers'], out, 'teacher', classes);

  checkLossLayers(ctx, losses, teacherNames, studentNames, out);
  checkLossIds(ctx, losses, out);
  checkData(ctx, out);
  checkFiles(ctx, out);
  return out;
}

function err(ctx: SemanticContext, code: string, message: string, path: readonly PathSegment[], which: 'key' | 'value' = 'value', severity: Diagnostic['severity'] = 'error'): Diagnostic {
  return { severity, code, message, range: which === 'key' ? ctx.source.keyRange(path) : ctx.source.valueRange(path), pointer: pathToPointer(path) };
}

function datasetClasses(data: Obj): number | undefined {
  const ds = isObj(data.data) ? data.data.dataset : undefined;
  return isBuiltinDataset(ds) ? builtinDatasets[ds].classes : undefined;
}

function layerEntry(layer: unknown): [string, Obj] | undefined {
  if (!isObj(layer)) return undefined;
  const entries = Object.entries(layer);
  if (entries.length !== 1) return undefined;
  const [type, options] = entries[0];
  return [type, isObj(options) ? options : {}];
}

function declaredNames(ctx: SemanticContext, path: PathSegment[], out: Diagnostic[], who: string, classes: number | undefined): ModelNames {
  const owner = isObj(ctx.data[path[0]]) ? (ctx.data[path[0]] as Obj) : undefined;
  const layers = owner && Array.isArray(owner.layers) ? owner.layers : undefined;
  const names = new Map<string, Range | undefined>();
  if (!layers) return { names, known: false, origin: who };
  layers.forEach((layer, i) => {
    const entry = layerEntry(layer);
    if (!entry) return;
    const [type, options] = entry;
    if (typeof options.name === 'string') {
      const namePath = [...path, i, type, 'name'];
      const range = ctx.source.valueRange(namePath);
      if (names.has(options.name)) {
        out.push({ ...err(ctx, 'duplicate-layer-name', `The ${who} has two layers named \`${options.name}\`; names must be unique within a model.`, namePath), related: [{ message: 'first use', range: names.get(options.name)! }] });
      } else {
        names.set(options.name, range);
      }
    }
    if (type === 'embedding') {
      const ds = isObj(ctx.data.data) ? ctx.data.data.dataset : undefined;
      if (isBuiltinDataset(ds) && !builtinDatasets[ds].text || (isObj(ds) && ['csv', 'images', 'npy'].includes(String(ds.format)))) {
        out.push(err(ctx, 'embedding-needs-text', `An \`embedding\` layer needs text data (token ids); the dataset is \`${isObj(ds) ? ds.format : ds}\`.`, [...path, i], 'value'));
      }
    }
  });
  const last = layerEntry(layers[layers.length - 1]);
  if (classes !== undefined && last) {
    const [type, options] = last;
    if (type !== 'dense') {
      out.push(err(ctx, 'output-units', `The ${who}'s last layer must be \`dense\` with ${classes} units (one logit per class); it is \`${type}\`.`, [...path, layers.length - 1]));
    } else if (typeof options.units === 'number' && options.units !== classes) {
      out.push(err(ctx, 'output-units', `The ${who}'s last layer has ${options.units} units, but the dataset has ${classes} classes.`, [...path, layers.length - 1, 'dense', 'units']));
    }
  }
  return { names, known: true, origin: who };
}

function modelJsonNames(ctx: SemanticContext, relPath: string, out: Diagnostic[], classes: number | undefined): ModelNames {
  const names = new Map<string, Range | undefined>();
  const abs = resolveAgainstConfig(ctx, relPath);
  if (!abs || !ctx.host.exists(abs)) return { names, known: false, origin: 'teacher' };
  const text = ctx.host.readText(abs);
  const topo = text === undefined ? { error: 'unreadable' } : readTeacherTopology(text);
  if ('error' in topo) {
    out.push(err(ctx, 'teacher-model', `The teacher ${relPath} is not a tfjs LayersModel: ${topo.error}.`, ['teacher', 'path']));
    return { names, known: false, origin: 'teacher' };
  }
  for (const n of topo.layerNames) names.set(n, undefined);
  if (classes !== undefined && topo.outputUnits !== undefined && topo.outputUnits !== classes) {
    out.push(err(ctx, 'output-units', `The teacher model's last layer has ${topo.outputUnits} units, but the dataset has ${classes} classes.`, ['teacher', 'path']));
  }
  return { names, known: true, origin: `teacher (${relPath})` };
}

function checkLossLayers(ctx: SemanticContext, losses: unknown[], teacher: ModelNames, student: ModelNames, out: Diagnostic[]) {
  const check = (side: 'teacher' | 'student', value: unknown, path: PathSegment[]) => {
    const model = side === 'teacher' ? teacher : student;
    if (typeof value !== 'string' || !model.known || model.names.has(value)) return;
    const candidates = [...model.names.keys()];
    const suggestion = closestMatch(value, candidates);
    const range = ctx.source.valueRange(path);
    const listed = candidates.length ? `Named layers: ${candidates.slice(0, 12).join(', ')}${candidates.length > 12 ? ', …' : ''}.` : `The ${side} has no named layers; add \`name: ...\` to a layer's options.`;
    out.push({
      severity: 'error',
      code: 'unknown-layer',
      message: `${formatPath(path)}: the ${model.origin} has no layer named \`${value}\`.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''} ${listed}`,
      range,
      pointer: pathToPointer(path),
      related: [...model.names.entries()].filter(([, r]) => r).map(([n, r]) => ({ message: `${side} layer \`${n}\``, range: r! })),
      fixes: suggestion ? [{ title: `Change to \`${suggestion}\``, preferred: true, edits: [{ range, newText: suggestion }] }] : [],
    });
  };
  losses.forEach((loss, i) => {
    if (!isObj(loss)) return;
    const base: PathSegment[] = ['distillation', 'losses', i];
    const pair = (o: Obj, p: PathSegment[]) => {
      check('teacher', o.teacher_layer, [...p, 'teacher_layer']);
      check('student', o.student_layer, [...p, 'student_layer']);
    };
    switch (loss.kind) {
      case 'hint': case 'similarity': pair(loss, base); break;
      case 'relational': case 'pkt':
        pair(loss, base);
        if (('teacher_layer' in loss) !== ('student_layer' in loss)) {
          const missing = 'teacher_layer' in loss ? 'student_layer' : 'teacher_layer';
          out.push(err(ctx, 'missing-key', `${formatPath(base)} names one layer; \`${loss.kind}\` needs both \`teacher_layer\` and \`student_layer\` (or neither, to use the logits). \`${missing}\` is missing.`, [...base, 'teacher_layer' in loss ? 'teacher_layer' : 'student_layer'], 'key'));
        }
        break;
      case 'attention':
        if (Array.isArray(loss.pairs)) loss.pairs.forEach((p, j) => { if (isObj(p)) pair(p, [...base, 'pairs', j]); });
        break;
      case 'adversarial':
        if (isObj(loss.on)) pair(loss.on, [...base, 'on']);
        break;
    }
  });
}

function checkLossIds(ctx: SemanticContext, losses: unknown[], out: Diagnostic[]) {
  const objs = losses.filter(isObj);
  if (objs.length !== losses.length) return;
  const ids = defaultLossIds(objs);
  const first = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!first.has(id)) { first.set(id, i); return; }
    out.push(err(ctx, 'duplicate-loss-id', `Two loss terms have the id \`${id}\`; ids label the terms in charts and must be unique.`, ['distillation', 'losses', i, 'id']));
  });
}

function checkData(ctx: SemanticContext, out: Diagnostic[]) {
  const data = isObj(ctx.data.data) ? ctx.data.data : undefined;
  if (!data) return;
  const ds = data.dataset;
  const facts = isBuiltinDataset(ds) ? builtinDatasets[ds] : undefined;
  if (isObj(data.text) && ((facts && !facts.text) || (isObj(ds) && ['csv', 'images', 'npy'].includes(String(ds.format))))) {
    out.push(err(ctx, 'text-unused', `\`data.text\` applies to text datasets only; \`${isObj(ds) ? ds.format : ds}\` is not text, so it is ignored.`, ['data', 'text'], 'key', 'warning'));
  }
  const split = isObj(data.split) ? data.split : undefined;
  if (!split) return;
  const parts = (['train', 'validation', 'test'] as const).filter((k) => typeof split[k] === 'number' && (split[k] as number) > 0);
  let fractionSum = 0;
  let total = 0;
  for (const k of parts) {
    const v = split[k] as number;
    if (v >= 1 && !Number.isInteger(v)) {
      out.push(err(ctx, 'split-count', `data.split.${k} is ${v}: a count must be a whole number (or use a fraction below 1).`, ['data', 'split', k]));
      continue;
    }
    if (v < 1) fractionSum += v;
    total += v < 1 ? Math.floor(v * (facts?.examples ?? 0)) : v;
    if (facts && v >= 1 && v > facts.examples) {
      out.push(err(ctx, 'split-too-large', `data.split.${k} asks for ${v} examples; \`${ds}\` has ${facts.examples}.`, ['data', 'split', k]));
      return;
    }
  }
  if (fractionSum > 1 + 1e-9) {
    out.push(err(ctx, 'split-too-large', `The split fractions add up to ${+fractionSum.toFixed(4)}, more than the whole dataset.`, ['data', 'split']));
  } else if (facts && total > facts.examples) {
    out.push(err(ctx, 'split-too-large', `The split asks for ${total} examples in all; \`${ds}\` has ${facts.examples}.`, ['data', 'split']));
  }
}

function resolveAgainstConfig(ctx: SemanticContext, p: string): string | undefined {
  if (isAbsolute(p)) return p;
  return ctx.configPath ? resolve(dirname(ctx.configPath), p) : undefined;
}

function checkFiles(ctx: SemanticContext, out: Diagnostic[]) {
  const files: { value: unknown; path: PathSegment[] }[] = [];
  const teacher = ctx.data.teacher;
  if (isObj(teacher)) files.push({ value: teacher.path, path: ['teacher', 'path'] });
  const ds = isObj(ctx.data.data) ? ctx.data.data.dataset : undefined;
  if (isObj(ds)) for (const key of ['path', 'inputs', 'labels']) files.push({ value: ds[key], path: ['data', 'dataset', key] });
  const root = ctx.configPath ? dirname(resolve(ctx.configPath)) : undefined;
  for (const { value, path } of files) {
    if (typeof value !== 'string' || value === '') continue;
    const abs = resolveAgainstConfig(ctx, value);
    if (!abs) continue; // unsaved text with a relative path: nothing to resolve against
    if (!ctx.host.exists(abs)) {
      out.push(err(ctx, 'file-not-found', `${formatPath(path)}: ${value} does not exist${root && !isAbsolute(value) ? ` (looked in ${abs})` : ''}.`, path));
    }
    if (root) {
      const rel = relative(root, abs);
      if (rel.startsWith('..') || isAbsolute(rel)) {
        out.push(err(ctx, 'path-outside', `${formatPath(path)}: ${value} is outside the config's folder; the experiment is not self-contained.`, path, 'value', 'warning'));
      }
    }
  }
}
