// Completion at a cursor: keys valid there (not yet written) with their docs, allowed
// values, whole loss terms and layers as snippets, layer names for feature losses, and
// file paths. Pure: the editor's provider only converts the entries.
import * as nodePath from 'node:path';
import type { Range } from '../config/diagnostics';
import { cursorContext, documentData, type CursorContext } from './cursorContext';
import type { LanguageContext } from './languageContext';
import { navigatorFor } from './languageContext';
import { namedLayers, sideOfKey, type NamedLayer } from './layerNames';
import { lossDoc } from './lossDocs';
import { defaultOf, descriptionOf, typesOf, type JsonSchemaObject, type PathSegment, type SchemaNavigator } from './schemaNavigator';
import { describeProperty, formatValue } from './schemaDocs';

export type CompletionKind = 'property' | 'value' | 'snippet' | 'layer' | 'layerName' | 'file' | 'folder';

export interface CompletionEntry {
  label: string;
  kind: CompletionKind;
  /** One line next to the label (type, default, "loss term"). */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  insertText: string;
  /** `insertText` is a snippet (`${1:default}`, `${1|a,b|}`, `$0`). */
  snippet: boolean;
  range: Range;
  filterText?: string;
  sortText?: string;
  /** Open the suggestions again after inserting (a key whose value has completions; a folder). */
  retrigger?: boolean;
}

/** Keys whose string value is a file or folder relative to the config. */
const PATH_KEYS = new Set(['path', 'inputs', 'labels']);

export async function complete(text: string, position: { line: number; character: number }, ctx: LanguageContext = {}): Promise<CompletionEntry[]> {
  const cursor = cursorContext(text, position, { tabSize: ctx.tabSize });
  const nav = navigatorFor(ctx);
  const session = new CompletionSession(text, cursor, ctx, nav);
  switch (cursor.mode) {
    case 'key': return session.keyMode();
    case 'item': return session.itemMode(cursor.path, false);
    case 'value': return session.valueMode();
    default: return [];
  }
}

class CompletionSession {
  private data: unknown;
  private layerCache = new Map<string, NamedLayer[]>();

  constructor(private text: string, private cursor: CursorContext, private ctx: LanguageContext, private nav: SchemaNavigator) {}

  private docData(): unknown {
    return (this.data ??= documentData(this.text) ?? null);
  }

  private async layers(side: 'teacher' | 'student'): Promise<NamedLayer[]> {
    let l = this.layerCache.get(side);
    if (!l) this.layerCache.set(side, (l = await namedLayers(this.text, side, this.ctx, this.docData())));
    return l;
  }

  async keyMode(): Promise<CompletionEntry[]> {
    const { path, valueAt } = this.cursor;
    const schemas = this.nav.at(path, valueAt);
    const types = typesOf(schemas);
    // A blank line directly under a list key (`losses:`): offer whole items with their dash.
    if (!this.cursor.flow && types.has('array') && !types.has('object')) {
      return this.itemMode([...path, 0], true);
    }
    return this.keyEntries(schemas);
  }

  private async keyEntries(schemas: JsonSchemaObject[]): Promise<CompletionEntry[]> {
    const out: CompletionEntry[] = [];
    const present = new Set(this.cursor.existingKeys);
    const props = this.nav.properties(schemas);
    let order = 0;
    for (const p of props) {
      if (present.has(p.name)) continue;
      const insert = await this.keyInsertText(p.name, p.schemas);
      out.push({
        label: p.name,
        kind: 'property',
        detail: propertyDetail(p.schemas, p.required),
        documentation: describeProperty(p.name, p.schemas),
        insertText: insert.text,
        snippet: true,
        range: this.cursor.replace,
        sortText: `${p.required ? 'a' : 'b'}${String(order++).padStart(3, '0')}`,
        retrigger: insert.retrigger,
      });
    }
    return out;
  }

  /** A new sequence item at `path` (after `- `, or on a blank line under the list key when `withDash`). */
  async itemMode(path: PathSegment[], withDash: boolean): Promise<CompletionEntry[]> {
    const { valueAt } = this.cursor;
    const schemas = this.nav.at(path, valueAt);
    const out: CompletionEntry[] = [];
    const snippets = await this.itemSnippets(path, withDash);
    out.push(...snippets);
    const layerLike = snippets.some((s) => s.kind === 'layer');
    if (!layerLike) {
      const keys = await this.keyEntries(schemas);
      for (const k of keys) out.push(withDash ? { ...k, insertText: `- ${k.insertText}` } : k);
    }
    for (const v of this.nav.enumValues(schemas)) {
      out.push(this.valueEntry(v.value, v.description, schemas, withDash ? '- ' : ''));
    }
    if (this.cursor.needsSpace && !withDash) return out.map((e) => ({ ...e, insertText: ` ${e.insertText}`, filterText: e.filterText ?? e.label }));
    return out;
  }

  async valueMode(): Promise<CompletionEntry[]> {
    const { path, valueAt } = this.cursor;
    const key = path[path.length - 1];
    const schemas = this.nav.at(path, valueAt);
    const out: CompletionEntry[] = [];
    const space = this.cursor.needsSpace ? ' ' : '';
    for (const v of this.nav.enumValues(schemas)) out.push(this.valueEntry(v.value, v.description, schemas, space));
    const dflt = defaultOf(schemas);
    if (dflt.has && (dflt.value === null || typeof dflt.value !== 'object') && !out.some((e) => e.label === formatValue(dflt.value))) {
      out.push({ label: formatValue(dflt.value), kind: 'value', detail: 'default', insertText: space + formatValue(dflt.value), snippet: false, range: this.cursor.replace });
    }
    const side = sideOfKey(key);
    if (side) {
      for (const l of await this.layers(side)) {
        out.push({
          label: l.name,
          kind: 'layerName',
          detail: `${side} layer ${l.index}: ${l.type}`,
          documentation: l.source === 'model.json' ? `Layer \`${l.name}\` (${l.type}) of the teacher's saved model.json.` : `Layer ${l.index} of the ${side}: \`${l.type}\` named \`${l.name}\`.`,
          insertText: space + l.name,
          snippet: false,
          range: this.cursor.replace,
        });
      }
    }
    if (typeof key === 'string' && PATH_KEYS.has(key) && typesOf(schemas).has('string')) out.push(...(await this.fileEntries(space)));
    return out;
  }

  private valueEntry(value: unknown, description: string | undefined, schemas: JsonSchemaObject[], prefix: string): CompletionEntry {
    const text = formatValue(value);
    const doc = typeof value === 'string' ? lossDoc(value) : undefined;
    const isKind = this.cursor.path[this.cursor.path.length - 1] === 'kind' && doc !== undefined;
    const dflt = defaultOf(schemas);
    let documentation = description;
    if (isKind && doc) documentation = [description ?? doc.title, '', `\`${doc.formula}\``, doc.paper ? `\n${doc.paper}` : ''].join('\n').trim();
    return {
      label: text,
      kind: 'value',
      detail: dflt.has && dflt.value === value ? 'default' : isKind ? doc?.title : undefined,
      documentation,
      insertText: prefix + text,
      snippet: false,
      range: this.cursor.replace,
      filterText: prefix.trim() !== '' ? text : undefined,
    };
  }

  private async fileEntries(space: string): Promise<CompletionEntry[]> {
    const host = this.ctx.host;
    if (!host) return [];
    const typed = this.cursor.prefix.replace(/^["']/, '');
    const slash = typed.lastIndexOf('/');
    const dirPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
    const base = this.ctx.configPath ? nodePath.dirname(this.ctx.configPath) : process.cwd();
    const entries = await host.readDirectory(nodePath.resolve(base, dirPart || '.'));
    if (!entries) return [];
    return entries
      .filter((e) => e.name !== '.' && e.name !== '..')
      .sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name))
      .map((e, i) => ({
        label: e.isDirectory ? `${e.name}/` : e.name,
        kind: e.isDirectory ? 'folder' as const : 'file' as const,
        detail: e.isDirectory ? 'folder' : undefined,
        insertText: space + dirPart + e.name + (e.isDirectory ? '/' : ''),
        filterText: dirPart + e.name,
        snippet: false,
        range: this.cursor.replace,
        sortText: `z${String(i).padStart(4, '0')}`,
        retrigger: e.isDirectory,
      }));
  }

  /** The value template inserted after `key: `. */
  private async keyInsertText(key: string, schemas: JsonSchemaObject[]): Promise<{ text: string; retrigger?: boolean }> {
    const types = typesOf(schemas);
    const enums = this.nav.enumValues(schemas).filter((v) => v.value !== null);
    const dflt = defaultOf(schemas);
    const side = sideOfKey(key);
    if (side) {
      const names = (await this.layers(side)).map((l) => l.name);
      if (names.length > 0) return { text: `${key}: ${choice(1, names)}` };
      return { text: `${key}: $0` };
    }
    if (enums.length > 0 && !types.has('object')) {
      const values = enums.map((v) => formatValue(v.value));
      const first = dflt.has ? formatValue(dflt.value) : undefined;
      const ordered = first && values.includes(first) ? [first, ...values.filter((v) => v !== first)] : values;
      if (ordered.length === 1 && !types.has('number')) return { text: `${key}: ${escapeSnippet(ordered[0])}$0` };
      if (types.size > 1 || typesOf(schemas).has('number')) return { text: `${key}: $0`, retrigger: true };
      return { text: `${key}: ${choice(1, ordered)}` };
    }
    if (this.cursor.flow) {
      return { text: dflt.has && typeof dflt.value !== 'object' ? `${key}: \${1:${escapeSnippet(formatValue(dflt.value))}}` : `${key}: $0` };
    }
    if (types.has('array') && types.size === 1) {
      const item = this.nav.expand((schemas.find((s) => s.items)?.items ?? {}) as JsonSchemaObject, undefined);
      if (typesOf(item).has('object')) return { text: `${key}:\n  - $0`, retrigger: true };
      if (dflt.has && Array.isArray(dflt.value)) return { text: `${key}: [\${1:${escapeSnippet(dflt.value.map(formatValue).join(', '))}}]` };
      return { text: `${key}: [$0]` };
    }
    if (types.has('object') && types.size === 1) return { text: `${key}:\n  $0`, retrigger: true };
    if (dflt.has && (dflt.value === null || typeof dflt.value !== 'object')) return { text: `${key}: \${1:${escapeSnippet(formatValue(dflt.value))}}` };
    // Values that have completions (file paths, built-in dataset names) open the list at once.
    return { text: `${key}: $0`, retrigger: PATH_KEYS.has(key) || enums.length > 0 };
  }

  /** Whole items for a list: one per loss kind (discriminated items), one per layer type (one-key items). */
  private async itemSnippets(path: PathSegment[], withDash: boolean): Promise<CompletionEntry[]> {
    const parentSchemas = this.nav.at(path.slice(0, -1), this.cursor.valueAt);
    const itemRaw = parentSchemas.map((s) => s.items).find((i) => i && typeof i === 'object' && !Array.isArray(i)) as JsonSchemaObject | undefined;
    if (!itemRaw) return [];
    const item = this.nav.deref(itemRaw);
    if (!item) return [];
    const dash = withDash ? '- ' : '';
    // VS Code indents a snippet's later lines like the cursor's line; the item's keys sit past `- `.
    const indent = '  ';
    const out: CompletionEntry[] = [];
    // Discriminated items: `allOf: [{if: {properties: {kind: {const}}}, then}]`.
    for (const rawPart of item.allOf ?? []) {
      const part = this.nav.deref(rawPart);
      if (!part) continue;
      const cond = this.nav.deref(part.if);
      const [discriminator, constSchema] = Object.entries(cond?.properties ?? {})[0] ?? [];
      const value = this.nav.deref(constSchema)?.const;
      if (!discriminator || value === undefined || !part.then) continue;
      const branch = this.nav.expand(part.then, { [discriminator]: value });
      const lines = [`${discriminator}: ${formatValue(value)}`];
      let n = 1;
      for (const p of this.nav.properties(branch)) {
        if (p.name === discriminator || p.name === 'id') continue;
        const d = defaultOf(p.schemas);
        if (!p.required && !d.has) continue;
        lines.push(`${p.name}: ${await this.placeholder(n++, p.name, p.schemas)}`);
      }
      const kindText = formatValue(value);
      const doc = lossDoc(kindText);
      out.push({
        label: `${kindText} (${discriminator === 'kind' ? 'loss term' : discriminator})`,
        kind: 'snippet',
        detail: doc?.title ?? descriptionOf(branch),
        documentation: [descriptionOf(branch), doc ? `\`${doc.formula}\`` : '', doc?.paper ?? '', '```yaml\n' + lines.join('\n').replace(/\$\{\d+:?([^}|]*)\|?[^}]*\}/g, '$1') + '\n```'].filter(Boolean).join('\n\n'),
        insertText: dash + lines.join(`\n${indent}`) + '\n' + indent + '$0',
        snippet: true,
        range: this.cursor.replace,
        filterText: kindText,
        sortText: `0${kindText}`,
      });
    }
    // One-key items (layers): `{type: {options}}`, written in flow style as the docs do.
    if (item.maxProperties === 1 && item.properties) {
      for (const [type, raw] of Object.entries(item.properties)) {
        const optionSchemas = this.nav.expand(raw, undefined);
        const parts: string[] = [];
        let n = 1;
        for (const p of this.nav.properties(optionSchemas)) {
          if (!p.required && p.name !== 'activation') continue;
          parts.push(`${p.name}: ${await this.placeholder(n++, p.name, p.schemas)}`);
        }
        out.push({
          label: type,
          kind: 'layer',
          detail: 'layer',
          documentation: describeProperty(type, optionSchemas),
          insertText: `${dash}${type}: {${parts.join(', ')}}$0`,
          snippet: true,
          range: this.cursor.replace,
          filterText: type,
        });
      }
    }
    return out;
  }

  private async placeholder(n: number, key: string, schemas: JsonSchemaObject[]): Promise<string> {
    const side = sideOfKey(key);
    if (side) {
      const names = (await this.layers(side)).map((l) => l.name);
      return names.length > 0 ? choice(n, names) : `\${${n}:${side}_layer_name}`;
    }
    const dflt = defaultOf(schemas);
    const enums = this.nav.enumValues(schemas).map((v) => formatValue(v.value));
    if (enums.length > 1 && !typesOf(schemas).has('number')) {
      const first = dflt.has ? formatValue(dflt.value) : enums[0];
      return choice(n, [first, ...enums.filter((e) => e !== first)]);
    }
    if (dflt.has) return `\${${n}:${escapeSnippet(formatValue(dflt.value))}}`;
    const types = typesOf(schemas);
    if (types.has('integer') || types.has('number')) {
      const min = schemas.find((s) => typeof s.minimum === 'number')?.minimum;
      return `\${${n}:${min !== undefined && min > 0 ? min : 1}}`;
    }
    if (types.has('array')) return `[\${${n}}]`;
    return `\${${n}}`;
  }
}

function propertyDetail(schemas: JsonSchemaObject[], required: boolean): string {
  const types = [...typesOf(schemas)].join(' | ') || 'value';
  const d = defaultOf(schemas);
  const dflt = d.has && (d.value === null || typeof d.value !== 'object') ? ` = ${formatValue(d.value)}` : '';
  return `${required ? 'required ' : ''}${types}${dflt}`;
}

function escapeSnippet(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}

function choice(n: number, values: string[]): string {
  return `\${${n}|${values.map((v) => v.replace(/[,|$}\\]/g, '\\$&')).join(',')}|}`;
}
