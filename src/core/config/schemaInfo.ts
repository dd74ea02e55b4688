// Read-only queries over schemas/distill.schema.json for hover, completion and docs.
//
// The schema uses three shapes that a plain property walk does not resolve:
//  - `$ref` to `#/definitions/...` (a `description` beside the `$ref` wins over the target's);
//  - discriminated unions as `allOf: [{if: {properties: {kind: {const: K}}}, then: {$ref}}]`
//    (loss `kind`, dataset `format`): the branch is picked by the discriminator's value;
//  - `oneOf` of alternatives (a weight is a number or a schedule object, a dataset a name or
//    an object): walking into a key picks the first alternative that declares that key.
// Enum values carry their docs in a parallel `enumDescriptions` array.
import schemaJson from '../../../schemas/distill.schema.json';

export type JsonPath = readonly (string | number)[];

export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  enumDescriptions?: string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
  if?: SchemaNode;
  then?: SchemaNode;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
  pattern?: string;
  [key: string]: unknown;
}

/** The published schema (draft-07), as one object. */
export const distillSchema = schemaJson as unknown as SchemaNode & { definitions: Record<string, SchemaNode> };

/**
 * Values of discriminating keys seen along the path, e.g. `{kind: 'soft_kd'}` for a loss
 * or `{format: 'csv'}` for a dataset. Without them a discriminated node stays unresolved
 * (its `properties` then only list the discriminator itself).
 */
export type Discriminators = Record<string, unknown>;

/** Follows `$ref` (repeatedly); a description written beside the `$ref` is kept. */
export function resolveRef(node: SchemaNode): SchemaNode {
  let current = node;
  let description = node.description;
  for (let hops = 0; current.$ref && hops < 16; hops++) {
    const name = current.$ref.replace(/^#\/definitions\//, '');
    const target = distillSchema.definitions[name];
    if (!target) break;
    current = target;
    description ??= target.description;
  }
  return description === current.description ? current : { ...current, description };
}

/** The `then` branch of a discriminated node whose `if` matches `discriminators`, if any. */
export function discriminatedBranch(node: SchemaNode, discriminators: Discriminators = {}): SchemaNode | undefined {
  for (const part of node.allOf ?? []) {
    const cond = part.if?.properties;
    if (!cond || !part.then) continue;
    const matches = Object.entries(cond).every(([key, c]) => discriminators[key] !== undefined && discriminators[key] === c.const);
    if (matches) return resolveRef(part.then);
  }
  return undefined;
}

/** The discriminator key of a discriminated node (`kind`, `format`), if it is one. */
export function discriminatorKey(node: SchemaNode): string | undefined {
  const first = node.allOf?.find((p) => p.if?.properties);
  return first ? Object.keys(first.if!.properties!)[0] : undefined;
}

/** A node with `$ref` and a matching discriminated branch applied (the form to read properties from). */
export function effectiveNode(node: SchemaNode, discriminators?: Discriminators): SchemaNode {
  const resolved = resolveRef(node);
  const branch = discriminatedBranch(resolved, discriminators);
  if (!branch) return resolved;
  return { ...branch, description: resolved.description ?? branch.description };
}

function childOf(node: SchemaNode, segment: string | number, discriminators?: Discriminators): SchemaNode | undefined {
  const n = effectiveNode(node, discriminators);
  if (typeof segment === 'number' || /^\d+$/.test(String(segment))) {
    if (n.items) return n.items;
  }
  const key = String(segment);
  if (n.properties?.[key]) return n.properties[key];
  for (const alt of n.oneOf ?? []) {
    const child = childOf(alt, segment, discriminators);
    if (child) return child;
  }
  if (typeof n.additionalProperties === 'object') return n.additionalProperties;
  // A discriminated node without its discriminator: keys shared by the branches (`weight`, `id`) still resolve.
  for (const part of n.allOf ?? []) {
    const child = part.then ? childOf(part.then, segment) : undefined;
    if (child) return child;
  }
  return undefined;
}

/**
 * The schema node at a JSON path (keys and array indices), `$ref`s and discriminated
 * branches resolved, or undefined where the schema has nothing (an unknown key).
 *
 *   schemaAt(['distillation', 'losses', 0, 'temperature'], {kind: 'soft_kd'})  // temperature
 *   schemaAt(['teacher', 'layers', 2, 'conv2d', 'filters'])                     // filters
 *   schemaAt(['distillation', 'losses', 0, 'weight', 'shape'])                  // ramp shape
 */
export function schemaAt(path: JsonPath, discriminators?: Discriminators): SchemaNode | undefined {
  let node: SchemaNode = distillSchema;
  for (const segment of path) {
    const next = childOf(node, segment, discriminators);
    if (!next) return undefined;
    node = next;
  }
  return effectiveNode(node, discriminators);
}

/**
 * Like `schemaAt`, but takes the discriminators from a parsed document (plain JS data)
 * at each step, so losses and datasets resolve by their own `kind` / `format`.
 */
export function schemaAtInDocument(path: JsonPath, document: unknown): SchemaNode | undefined {
  let node: SchemaNode = distillSchema;
  let data: unknown = document;
  const discOf = (value: unknown): Discriminators => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Discriminators) : {});
  for (const segment of path) {
    const next = childOf(node, segment, discOf(data));
    if (!next) return undefined;
    node = next;
    data = data && typeof data === 'object' ? (data as Record<string | number, unknown>)[segment as string] : undefined;
  }
  return effectiveNode(node, discOf(data));
}

export interface PropertyInfo { name: string; schema: SchemaNode; required: boolean; description?: string }

/** The keys an object node accepts (for completion), with their resolved schemas. */
export function propertiesOf(node: SchemaNode, discriminators?: Discriminators): PropertyInfo[] {
  const n = effectiveNode(node, discriminators);
  const out = new Map<string, PropertyInfo>();
  const collect = (m: SchemaNode) => {
    for (const [name, raw] of Object.entries(m.properties ?? {})) {
      if (out.has(name)) continue;
      const schema = resolveRef(raw);
      out.set(name, { name, schema, required: (m.required ?? []).includes(name), description: schema.description });
    }
  };
  collect(n);
  for (const alt of n.oneOf ?? []) collect(effectiveNode(alt, discriminators));
  return [...out.values()];
}

export interface EnumOption { value: unknown; description?: string }

/** The allowed literal values of a node (enum, const, or those of its `oneOf` alternatives), with docs. */
export function enumOptions(node: SchemaNode): EnumOption[] {
  const n = resolveRef(node);
  if (n.enum) return n.enum.map((value, i) => ({ value, description: n.enumDescriptions?.[i] }));
  if (n.const !== undefined) return [{ value: n.const, description: n.description }];
  return (n.oneOf ?? []).flatMap((alt) => {
    const a = resolveRef(alt);
    return a.enum || a.const !== undefined ? enumOptions(a) : [];
  });
}

/** The loss kinds and layer types as the schema declares them (for registries' drift tests). */
export const lossKinds: readonly string[] = (distillSchema.definitions.loss.properties!.kind.enum ?? []) as string[];
export const layerTypes: readonly string[] = Object.keys(distillSchema.definitions.layer.properties ?? {});
