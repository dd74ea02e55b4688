// Walks a draft-07 JSON Schema along a YAML key path, choosing among `oneOf`/`anyOf`
// branches (and `if`/`then`) by the data already written, so that completion and hover
// see the schema of the loss kind, layer type or dataset format at the cursor.
// Written against the schema generically: it knows no key names.

export type JsonSchema = JsonSchemaObject | boolean;
export interface JsonSchemaObject {
  $ref?: string;
  type?: string | string[];
  description?: string;
  markdownDescription?: string;
  title?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: unknown[];
  const?: unknown;
  /** VS Code's extension to JSON Schema: one description per `enum` entry. */
  enumDescriptions?: string[];
  markdownEnumDescriptions?: string[];
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  additionalItems?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  definitions?: Record<string, JsonSchema>;
  $defs?: Record<string, JsonSchema>;
  [key: string]: unknown;
}

export type PathSegment = string | number;
/** The data written at a path (from the parsed document), or undefined when unknown. */
export type ValueAt = (path: PathSegment[]) => unknown;

export interface EnumValue { value: unknown; description?: string }
export interface PropertyInfo { name: string; schemas: JsonSchemaObject[]; required: boolean }

export class SchemaNavigator {
  constructor(readonly root: JsonSchemaObject) {}

  deref(schema: JsonSchema | undefined): JsonSchemaObject | undefined {
    let s = schema;
    for (let hops = 0; hops < 32; hops++) {
      if (s === undefined || s === false) return undefined;
      if (s === true) return {};
      if (typeof s.$ref !== 'string') return s;
      s = this.lookupRef(s.$ref);
    }
    return undefined;
  }

  private lookupRef(ref: string): JsonSchema | undefined {
    if (!ref.startsWith('#')) return undefined;
    let node: unknown = this.root;
    for (const raw of ref.slice(1).split('/').filter((p) => p !== '')) {
      const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[part];
    }
    return node as JsonSchema | undefined;
  }

  /** The schemas that apply to `value` at a node: refs followed, allOf flattened, branches chosen. */
  expand(schema: JsonSchema | undefined, value: unknown): JsonSchemaObject[] {
    const out: JsonSchemaObject[] = [];
    const seen = new Set<JsonSchemaObject>();
    const visit = (raw: JsonSchema | undefined, depth: number): void => {
      // A description or default written beside a `$ref` describes this use of the target: keep it first.
      if (raw && typeof raw === 'object' && raw.$ref !== undefined && (raw.description !== undefined || raw.default !== undefined)) {
        out.push({ description: raw.description, markdownDescription: raw.markdownDescription, default: raw.default });
      }
      const s = this.deref(raw);
      if (!s || seen.has(s) || depth > 24) return;
      seen.add(s);
      out.push(s);
      for (const sub of s.allOf ?? []) visit(sub, depth + 1);
      for (const alts of [s.oneOf, s.anyOf]) {
        if (alts) for (const b of this.chooseBranches(alts, value)) visit(b, depth + 1);
      }
      if (s.if !== undefined) {
        const verdict = this.discriminates(s.if, value);
        if (verdict !== false && s.then !== undefined) visit(s.then, depth + 1);
        if (verdict !== true && s.else !== undefined) visit(s.else, depth + 1);
      }
    };
    visit(schema, 0);
    return out;
  }

  /** The schemas at a path below the root. */
  at(path: PathSegment[], valueAt: ValueAt): JsonSchemaObject[] {
    let current = this.expand(this.root, valueAt([]));
    for (let i = 0; i < path.length; i++) {
      const next: JsonSchema[] = [];
      for (const s of current) {
        const child = childSchema(s, path[i]);
        if (child !== undefined) next.push(child);
      }
      const value = valueAt(path.slice(0, i + 1));
      current = next.flatMap((n) => this.expand(n, value));
      if (current.length === 0) return [];
    }
    return current;
  }

  /**
   * Branches that fit the value: a branch is out when a discriminating constant (e.g.
   * `kind: hint`) or the type disagrees; among the rest, those that allow every key
   * written win. When nothing fits (a half-typed value), every branch stays.
   */
  chooseBranches(branches: JsonSchema[], value: unknown): JsonSchema[] {
    if (value === undefined || value === null) return branches;
    const compatible = branches.filter((b) => this.compatible(b, value));
    if (compatible.length === 0) return branches;
    if (typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value as object);
      const allowing = compatible.filter((b) => {
        const props = this.expand(b, undefined);
        return keys.every((k) => props.some((p) => allowsKey(p, k)));
      });
      if (allowing.length > 0) return allowing;
    }
    return compatible;
  }

  private compatible(branch: JsonSchema, value: unknown): boolean {
    const parts = this.expand(branch, undefined);
    for (const p of parts) {
      if (p.type !== undefined && !typeFits(p.type, value)) return false;
      if (p.const !== undefined && !isObjectLike(value) && p.const !== value) return false;
      if (p.enum && !isObjectLike(value) && typeof value !== 'string' && !p.enum.includes(value)) return false;
      if (p.enum && typeof value === 'string' && !p.enum.includes(value)) return false;
      if (isObjectLike(value) && !Array.isArray(value) && p.properties) {
        for (const [k, sub] of Object.entries(p.properties)) {
          if (!(k in (value as object))) continue;
          const v = (value as Record<string, unknown>)[k];
          const d = this.deref(sub);
          const fixed = d?.const ?? (d?.enum?.length === 1 ? d.enum[0] : undefined);
          if (fixed !== undefined && v !== null && v !== undefined && v !== fixed) return false;
        }
      }
    }
    return true;
  }

  /** Does the data satisfy an `if` schema? undefined when its discriminating keys are not written yet. */
  private discriminates(ifSchema: JsonSchema, value: unknown): boolean | undefined {
    const s = this.deref(ifSchema);
    if (!s) return undefined;
    if (!isObjectLike(value) || Array.isArray(value)) return undefined;
    let decided: boolean | undefined;
    for (const [k, sub] of Object.entries(s.properties ?? {})) {
      const d = this.deref(sub);
      const fixed = d?.const !== undefined ? [d.const] : d?.enum;
      if (!fixed) continue;
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined || v === null) return undefined;
      if (!fixed.includes(v)) return false;
      decided = true;
    }
    return decided;
  }

  /** Properties a mapping may have, in schema order, merged over the applicable schemas. */
  properties(schemas: JsonSchemaObject[]): PropertyInfo[] {
    const byName = new Map<string, PropertyInfo>();
    for (const s of schemas) {
      for (const [name, sub] of Object.entries(s.properties ?? {})) {
        let info = byName.get(name);
        if (!info) byName.set(name, (info = { name, schemas: [], required: false }));
        info.schemas.push(...this.expand(sub, undefined));
      }
      for (const r of s.required ?? []) {
        const info = byName.get(r);
        if (info) info.required = true;
      }
    }
    return [...byName.values()];
  }

  /** Allowed scalar values with their descriptions (enum + enumDescriptions, const branches). */
  enumValues(schemas: JsonSchemaObject[]): EnumValue[] {
    const out: EnumValue[] = [];
    const add = (value: unknown, description?: string): void => {
      const existing = out.find((e) => e.value === value);
      if (existing) existing.description ??= description;
      else out.push({ value, description });
    };
    for (const s of schemas) {
      if (s.const !== undefined && !isObjectLike(s.const)) add(s.const, describe(s));
      s.enum?.forEach((v, i) => {
        if (isObjectLike(v)) return;
        const d = s.markdownEnumDescriptions?.[i] ?? s.enumDescriptions?.[i] ?? enumDescriptionMap(s)?.[String(v)];
        add(v, d);
      });
      if (typeFits(s.type ?? '', true) && s.type !== undefined && !s.enum) {
        add(true);
        add(false);
      }
    }
    return out;
  }
}

/** The schema of one step below `s` (a key of a mapping or an index of a sequence). */
export function childSchema(s: JsonSchemaObject, seg: PathSegment): JsonSchema | undefined {
  if (typeof seg === 'number') {
    if (Array.isArray(s.items)) return s.items[seg] ?? s.additionalItems;
    return s.items;
  }
  if (s.properties && Object.prototype.hasOwnProperty.call(s.properties, seg)) return s.properties[seg];
  for (const [pattern, sub] of Object.entries(s.patternProperties ?? {})) {
    try {
      if (new RegExp(pattern, 'u').test(seg)) return sub;
    } catch {
      /* an invalid pattern in the schema matches nothing */
    }
  }
  if (typeof s.additionalProperties === 'object') return s.additionalProperties;
  return undefined;
}

function allowsKey(s: JsonSchemaObject, key: string): boolean {
  if (s.properties && key in s.properties) return true;
  if (s.additionalProperties === false) return false;
  if (s.properties || s.patternProperties) return childSchema(s, key) !== undefined || s.additionalProperties !== undefined;
  return true;
}

function isObjectLike(v: unknown): boolean {
  return v !== null && typeof v === 'object';
}

function typeFits(type: string | string[], value: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case 'object': return isObjectLike(value) && !Array.isArray(value);
      case 'array': return Array.isArray(value);
      case 'string': return typeof value === 'string';
      case 'number': return typeof value === 'number';
      case 'integer': return typeof value === 'number' && Number.isInteger(value);
      case 'boolean': return typeof value === 'boolean';
      case 'null': return value === null;
      default: return true;
    }
  });
}

/** Descriptions keyed by value, for schemas that write them as `x-enumDescriptions: {value: text}`. */
function enumDescriptionMap(s: JsonSchemaObject): Record<string, string> | undefined {
  const m = s['x-enumDescriptions'] ?? s['enumDescriptionsByValue'];
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, string>) : undefined;
}

export function describe(s: JsonSchemaObject): string | undefined {
  return s.markdownDescription ?? s.description ?? s.title;
}

/** The first description among the schemas of a node. */
export function descriptionOf(schemas: JsonSchemaObject[]): string | undefined {
  for (const s of schemas) {
    const d = describe(s);
    if (d) return d;
  }
  return undefined;
}

export function defaultOf(schemas: JsonSchemaObject[]): { has: boolean; value?: unknown } {
  for (const s of schemas) if (s.default !== undefined) return { has: true, value: s.default };
  return { has: false };
}

export function typesOf(schemas: JsonSchemaObject[]): Set<string> {
  const out = new Set<string>();
  for (const s of schemas) {
    if (Array.isArray(s.type)) s.type.forEach((t) => out.add(t));
    else if (s.type) out.add(s.type);
    else if (s.properties) out.add('object');
    else if (s.items) out.add('array');
  }
  return out;
}
