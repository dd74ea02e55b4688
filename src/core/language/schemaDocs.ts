// Markdown for a key or value from its schema: description, type, default, allowed values.
import { defaultOf, descriptionOf, typesOf, type JsonSchemaObject } from './schemaNavigator';

/** A value as it is written in YAML. */
export function formatValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return /^[\w./-]+$/.test(v) && !/^(true|false|null|~|[-+]?\d)/.test(v) ? v : JSON.stringify(v);
  if (typeof v === 'object') return JSON.stringify(v).replace(/"([\w-]+)":/g, '$1: ').replace(/,/g, ', ');
  return String(v);
}

export function describeProperty(name: string, schemas: JsonSchemaObject[]): string {
  const parts: string[] = [];
  const description = descriptionOf(schemas);
  if (description) parts.push(description);
  const facts: string[] = [];
  const types = [...typesOf(schemas)];
  if (types.length > 0) facts.push(`Type: ${types.join(' | ')}`);
  const d = defaultOf(schemas);
  if (d.has) facts.push(`Default: \`${formatValue(d.value)}\``);
  const range = rangeText(schemas);
  if (range) facts.push(range);
  const values = schemas.flatMap((s) => (s.enum ?? []).filter((v) => v === null || typeof v !== 'object'));
  if (values.length > 0 && values.length <= 16) facts.push(`Values: ${[...new Set(values)].map((v) => `\`${formatValue(v)}\``).join(', ')}`);
  if (facts.length > 0) parts.push(facts.join('  \n'));
  return parts.length > 0 ? parts.join('\n\n') : `\`${name}\``;
}

function rangeText(schemas: JsonSchemaObject[]): string | undefined {
  for (const s of schemas) {
    const lo = s.minimum !== undefined ? `≥ ${s.minimum}` : s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : undefined;
    const hi = s.maximum !== undefined ? `≤ ${s.maximum}` : s.exclusiveMaximum !== undefined ? `< ${s.exclusiveMaximum}` : undefined;
    if (lo || hi) return `Range: ${[lo, hi].filter(Boolean).join(', ')}`;
  }
  return undefined;
}
