// Shape validation against schemas/distill.schema.json (ajv), with each error mapped to
// the exact key or value range, worded for people, and given a fix where one is clear.
import type { ErrorObject } from 'ajv';
import * as compiled from './schemaValidator.generated';
import type { Diagnostic, DiagnosticFix } from './diagnostics';
import { distillSchema, enumOptions, layerTypes, propertiesOf, resolveRef, schemaAtInDocument, type SchemaNode } from './schemaInfo';
import type { PathSegment, SourceMap } from './sourceMap';
import { formatPath, pathToPointer, pointerToPath } from './paths';
import { closestMatch } from './suggest';

export function checkSchema(data: unknown, source: SourceMap): Diagnostic[] {
  // Precompiled at build time (schemaValidatorCodegen.ts): compiling at run time costs 0.3-1 s.
  const root = compiled.root;
  if (root(data)) return [];
  const errors = resolveOneOf(root.errors ?? [], data);
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // A layer with two keys (options outside the braces) explains the odd errors beneath it.
  const badLayers = errors.filter((e) => e.keyword === 'maxProperties' && isLayerItem(e.instancePath)).map((e) => e.instancePath + '/');
  for (const e of errors) {
    if (e.keyword === 'if') continue; // the `then` branch's own errors say what is wrong
    if (badLayers.some((p) => e.instancePath.startsWith(p))) continue;
    const d = toDiagnostic(e, data, source);
    const key = `${d.code}|${d.pointer}|${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/**
 * ajv reports every failing alternative of a `oneOf` (number vs ramp vs warm-up). Replace
 * them by the errors of the one alternative that the value evidently meant (matching type,
 * most keys in common), or by one type error when no alternative has the value's type.
 */
function resolveOneOf(errors: ErrorObject[], data: unknown): ErrorObject[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  if (oneOfs.length === 0) return errors;
  let result = errors;
  for (const o of oneOfs) {
    const under = (e: ErrorObject) => e.instancePath === o.instancePath || e.instancePath.startsWith(o.instancePath + '/');
    result = result.filter((e) => !under(e) || (e !== o && !isBranchError(e, o, errors)));
    const path = pointerToPath(o.instancePath);
    const value = valueAt(data, path);
    const node = schemaAtInDocument(path, data);
    const branches = (node?.oneOf ?? []).map((b, i) => ({ i, raw: b, schema: resolveRef(b) }));
    const scored = branches
      .filter(({ schema }) => typeMatches(schema, value))
      .map((b) => ({ ...b, score: value && typeof value === 'object' ? Object.keys(value).filter((k) => b.schema.properties?.[k]).length : 0 }))
      .sort((a, b) => b.score - a.score);
    if (scored.length === 0) {
      result.push({ ...o, keyword: 'type', params: { type: branches.map((b) => describeType(b.schema)) }, message: 'wrong type' });
      continue;
    }
    const pointer = schemaPointers().get(scored[0].raw);
    const exportName = pointer !== undefined ? compiled.branchExports[pointer] : undefined;
    const branchValidate = exportName ? (compiled as unknown as Record<string, compiled.CompiledValidator>)[exportName] : undefined;
    if (branchValidate && !branchValidate(value)) {
      for (const e of branchValidate.errors ?? []) result.push({ ...e, instancePath: o.instancePath + e.instancePath });
    }
  }
  return result;
}

/** ajv emits the alternatives' errors right before the `oneOf` error, at or under its path. */
function isBranchError(e: ErrorObject, o: ErrorObject, all: ErrorObject[]): boolean {
  return all.indexOf(e) < all.indexOf(o);
}

let pointers: Map<object, string> | undefined;
/** Where each sub-schema object sits in the schema (ajv inlines refs, so its schemaPath cannot be used for this). */
function schemaPointers(): Map<object, string> {
  if (!pointers) {
    pointers = new Map();
    const walk = (node: unknown, pointer: string) => {
      if (!node || typeof node !== 'object') return;
      pointers!.set(node, pointer);
      for (const [k, v] of Object.entries(node)) walk(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    };
    walk(distillSchema, '');
  }
  return pointers;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(schema: SchemaNode, value: unknown): boolean {
  const types = schema.type === undefined ? (schema.const !== undefined ? [jsonType(schema.const)] : []) : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return true;
  const t = jsonType(value);
  return types.includes(t) || (t === 'integer' && types.includes('number'));
}

function describeType(schema: SchemaNode): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.type === 'object' && schema.properties) return `mapping {${Object.keys(schema.properties).join(', ')}}`;
  return String(schema.type ?? 'a value');
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const s of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[s as string] : undefined;
  return v;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null (empty)';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v).slice(0, 40)}`;
}

function placeholderFor(schema: SchemaNode | undefined): string {
  if (!schema) return '';
  if (schema.default !== undefined) return yamlInline(schema.default);
  if (schema.const !== undefined) return yamlInline(schema.const);
  if (schema.enum?.length) return yamlInline(schema.enum[0]);
  switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
    case 'integer': case 'number': return schema.minimum !== undefined ? String(schema.minimum) : '1';
    case 'boolean': return 'true';
    case 'array': return '[]';
    case 'object': return '{}';
    default: return '""';
  }
}

function yamlInline(v: unknown): string {
  if (typeof v === 'string') return /^[A-Za-z_][\w.-]*$/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(yamlInline).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${yamlInline(x)}`).join(', ')}}`;
  return String(v);
}

function toDiagnostic(e: ErrorObject, data: unknown, source: SourceMap): Diagnostic {
  const path = pointerToPath(e.instancePath);
  const where = formatPath(path);
  const base = { severity: 'error' as const };
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const keyPath = [...path, key];
      const isLayer = isLayerItem(e.instancePath);
      const candidates = isLayer ? [...layerTypes] : propertiesOf(schemaAtInDocument(path, data) ?? {}, valueAt(data, path) as Record<string, unknown>).map((p) => p.name);
      const present = Object.keys((valueAt(data, path) as object) ?? {});
      const suggestion = closestMatch(key, candidates.filter((c) => !present.includes(c)));
      const range = source.keyRange(keyPath);
      const fixes: DiagnosticFix[] = suggestion ? [{ title: `Change to \`${suggestion}\``, preferred: true, edits: [{ range, newText: suggestion }] }] : [];
      const hint = suggestion ? ` Did you mean \`${suggestion}\`?` : isLayer ? ` Layer types: ${candidates.join(', ')}.` : candidates.length ? ` Allowed here: ${candidates.join(', ')}.` : '';
      return { ...base, code: isLayer ? 'unknown-layer-type' : 'unknown-key', message: isLayer ? `Unknown layer type \`${key}\`.${hint}` : `Unknown key \`${key}\` in ${where}.${hint}`, range, pointer: pathToPointer(keyPath), fixes };
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const parentSchema = schemaAtInDocument(path, data);
      const childSchema = parentSchema ? propertiesOf(parentSchema, valueAt(data, path) as Record<string, unknown>).find((p) => p.name === key)?.schema : undefined;
      const value = placeholderFor(childSchema);
      const fix = insertKeyFix(source, path, key, value);
      return { ...base, code: 'missing-key', message: `${where === 'the config' ? 'The config' : where} is missing the required key \`${key}\`.${childSchema?.description ? ' ' + childSchema.description : ''}`, range: source.parentRange(path), pointer: pathToPointer([...path, key]), fixes: fix ? [fix] : [] };
    }
    case 'type': {
      const t = (e.params as { type: string | string[] }).type;
      const expected = Array.isArray(t) ? t.join(' or ') : String(t).replace(/,/g, ' or ');
      return { ...base, code: 'type', message: `${where} must be ${article(expected)}, not ${describeValue(valueAt(data, path))}.`, range: source.valueRange(path), pointer: e.instancePath };
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const value = valueAt(data, path);
      const suggestion = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
      const range = source.valueRange(path);
      return { ...base, code: 'enum', message: `${where} is ${JSON.stringify(value)}; allowed: ${allowed.join(', ')}.${suggestion ? ` Did you mean \`${suggestion}\`?` : ''}`, range, pointer: e.instancePath, fixes: suggestion ? [{ title: `Change to \`${suggestion}\``, preferred: true, edits: [{ range, newText: suggestion }] }] : [] };
    }
    case 'const': {
      const allowed = (e.params as { allowedValue: unknown }).allowedValue;
      const isVersion = path.length === 1 && path[0] === 'version';
      return { ...base, code: isVersion ? 'version' : 'enum', message: `${where} must be ${JSON.stringify(allowed)}.`, range: source.valueRange(path), pointer: e.instancePath };
    }
    case 'minProperties':
    case 'maxProperties':
      if (isLayerItem(e.instancePath)) {
        const keys = Object.keys((valueAt(data, path) as object) ?? {});
        return { ...base, code: 'layer-shape', message: `A layer is a one-key map like \`- dense: {units: 10}\`; ${where} has ${keys.length === 0 ? 'no keys' : `${keys.length} keys (${keys.join(', ')}): put options inside the type's braces`}.`, range: source.valueRange(path), pointer: e.instancePath };
      }
      return { ...base, code: 'out-of-range', message: `${where} ${e.message}.`, range: source.valueRange(path), pointer: e.instancePath };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      return { ...base, code: 'out-of-range', message: `${where} is ${String(valueAt(data, path))}; it must be ${p.comparison} ${p.limit}.`, range: source.valueRange(path), pointer: e.instancePath };
    }
    case 'minItems': case 'minLength':
      return { ...base, code: 'out-of-range', message: `${where} ${e.keyword === 'minItems' ? 'needs at least ' + (e.params as { limit: number }).limit + ' item(s)' : 'must not be empty'}.`, range: source.valueRange(path), pointer: e.instancePath };
    case 'pattern':
      return { ...base, code: 'pattern', message: `${where} ${JSON.stringify(valueAt(data, path))} may use only letters, digits and _ - . / and must start with a letter or _.`, range: source.valueRange(path), pointer: e.instancePath };
    default:
      return { ...base, code: 'schema', message: `${where} ${e.message ?? 'is invalid'}.`, range: source.valueRange(path), pointer: e.instancePath };
  }
}

function isLayerItem(pointer: string): boolean {
  return /^\/(teacher|student)\/layers\/\d+$/.test(pointer);
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** Inserts `key: value` as the first entry of the mapping at `path` (block or flow style). */
function insertKeyFix(source: SourceMap, path: readonly PathSegment[], key: string, value: string): DiagnosticFix | undefined {
  const loc = source.locate(path);
  const node = loc.complete ? loc.node : undefined;
  const items = (node as { items?: { key?: { range?: [number, number, number] } }[] } | undefined)?.items;
  const title = `Add \`${key}\``;
  if (node && (node as { flow?: boolean }).flow && node.range) {
    const at = source.position(node.range[0] + 1);
    return { title, edits: [{ range: { start: at, end: at }, newText: items?.length ? `${key}: ${value}, ` : `${key}: ${value}` }] };
  }
  const firstKey = items?.[0]?.key?.range;
  if (firstKey) {
    const pos = source.position(firstKey[0]);
    return { title, edits: [{ range: { start: pos, end: pos }, newText: `${key}: ${value}\n${' '.repeat(pos.character)}` }] };
  }
  return undefined;
}
