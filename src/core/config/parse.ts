// YAML text -> one positioned document and its plain data, or diagnostics saying why not.
import { isAlias, isScalar, parseAllDocuments, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Diagnostic } from './diagnostics';
import { fastParseConfig } from './fastYaml';
import { SourceMap } from './sourceMap';

/** A config is a few kB; anything past 256 KiB is a mistake (or an attack) and is not parsed. */
export const MAX_CONFIG_CHARS = 256 * 1024;
/** Aliases allowed in one config; a "billion laughs" needs far more and is rejected before it expands. */
export const MAX_ALIAS_COUNT = 100;

export interface ParsedConfig {
  source: SourceMap;
  /** The plain data of the first document; undefined when it could not be read. */
  data: unknown;
  diagnostics: Diagnostic[];
}

export function parseConfigText(text: string): ParsedConfig {
  const diagnostics: Diagnostic[] = [];
  if (text.length > MAX_CONFIG_CHARS) {
    const source = new SourceMap('');
    return { source, data: undefined, diagnostics: [{ severity: 'error', code: 'file-too-large', message: `The config is ${(text.length / 1e6).toFixed(1)} MB; the limit is ${Math.round(MAX_CONFIG_CHARS / 1024)} KiB.`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] };
  }
  const tooDeep = findExcessiveNesting(text);
  if (tooDeep !== undefined) {
    const source = new SourceMap(text);
    return { source, data: undefined, diagnostics: [{ severity: 'error', code: 'too-deep', message: `Brackets nest deeper than ${MAX_NESTING} levels here; a config needs a handful.`, range: source.range(tooDeep, tooDeep + 1) }] };
  }
  // Plain configs take the fast path (same nodes and ranges); anything else, the yaml package.
  const fast = fastParseConfig(text);
  if (fast) {
    const source = new SourceMap(text, fast.doc);
    return { source, data: fast.data, diagnostics: fast.hasDuplicateKeys ? duplicateKeys(fast.doc, source) : [] };
  }
  const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false });
  const list: Document[] = Array.isArray(docs) ? docs : [];
  const doc = list[0];
  const source = new SourceMap(text, doc);
  if (!doc || (doc.contents === null && doc.errors.length === 0)) {
    return { source, data: undefined, diagnostics: [{ severity: 'error', code: 'empty-config', message: 'The config is empty; it needs at least `version`, `data`, `teacher`, `student` and `distillation`.', range: source.range(0, 0) }] };
  }
  for (const extra of list.slice(1)) {
    const start = extra.range?.[0] ?? 0;
    const marker = text.lastIndexOf('---', start);
    diagnostics.push({ severity: 'error', code: 'multiple-documents', message: 'A config is one YAML document; this file has more (`---`). Only the first is used.', range: source.lineRange(marker >= 0 ? marker : start) });
  }
  for (const d of list) {
    for (const e of d.errors) {
      // After a tab or a first error, the parser's follow-on errors are noise: keep one per line, none after a tab.
      const at = source.position(e.pos[0]).line;
      if (diagnostics.some((x) => x.code === 'yaml-tab' ? x.range.start.line <= at : x.code === 'yaml-syntax' && x.range.start.line === at)) continue;
      const isTab = e.code === 'TAB_AS_INDENT' || /\btabs?\b/i.test(e.message);
      const message = firstLine(e.message);
      diagnostics.push({ severity: 'error', code: isTab ? 'yaml-tab' : 'yaml-syntax', message: isTab ? `Tabs are not allowed for indentation in YAML; use spaces. (${message})` : `YAML syntax: ${message}`, range: source.range(e.pos[0], e.pos[1]) });
    }
  }
  if (diagnostics.some((d) => d.code === 'yaml-syntax' || d.code === 'yaml-tab')) return { source, data: undefined, diagnostics };
  // Unknown tags resolve to plain data (nothing is constructed or executed); say so where they stand.
  for (const w of doc.warnings) {
    if (w.code !== 'TAG_RESOLVE_FAILED') continue;
    const tag = text.slice(w.pos[0], w.pos[1]);
    diagnostics.push({ severity: 'warning', code: 'yaml-tag', message: `The YAML tag ${tag} is ignored: configs never construct objects or run code, so the value is read as plain data.`, range: source.range(w.pos[0], w.pos[1]) });
  }

  diagnostics.push(...duplicateKeys(doc, source));
  const aliasProblems = checkAliases(doc, source);
  diagnostics.push(...aliasProblems);
  if (aliasProblems.length) return { source, data: undefined, diagnostics };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const firstAlias = findFirstAlias(doc);
    const excessive = /alias/i.test(String((err as Error).message));
    diagnostics.push({ severity: 'error', code: excessive ? 'alias-limit' : 'yaml-syntax', message: excessive ? `Too many YAML aliases (more than ${MAX_ALIAS_COUNT} expansions); the config is rejected before it expands.` : `YAML: ${firstLine(String((err as Error).message))}`, range: firstAlias?.range ? source.range(firstAlias.range[0], firstAlias.range[1]) : source.range(0, 0) });
    return { source, data: undefined, diagnostics };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const what = Array.isArray(data) ? 'a list' : data === null ? 'empty' : `a ${typeof data} (${JSON.stringify(data)?.slice(0, 40)})`;
    const node = doc.contents as Node | null;
    diagnostics.push({ severity: 'error', code: data === null ? 'empty-config' : 'not-a-mapping', message: `The config must be a mapping of keys (version, data, teacher, ...); this document is ${what}.`, range: node?.range ? source.firstLineRange(node.range[0]) : source.range(0, 0) });
    return { source, data: undefined, diagnostics };
  }
  return { source, data, diagnostics };
}

/** Flow nesting a config may use; the YAML parser slows down badly on thousands of levels. */
export const MAX_NESTING = 64;

/**
 * Offset of the bracket where flow nesting passes MAX_NESTING, or undefined. A quick scan
 * that skips comments and quoted strings; brackets in plain scalars (rare) count too, which
 * can only over-count, and 64 leaves room for that.
 */
function findExcessiveNesting(text: string): number | undefined {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote && text[i - 1] !== '\\') quote = '';
      else if (c === '\n' && depth === 0) quote = '';
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) { const nl = text.indexOf('\n', i); if (nl < 0) break; i = nl; continue; }
    if ((c === '"' || c === "'") && depth > 0) quote = c;
    else if (c === '[' || c === '{') { if (++depth > MAX_NESTING) return i; }
    else if ((c === ']' || c === '}') && depth > 0) depth--;
    else if (c === '\n' && depth === 0) quote = '';
  }
  return undefined;
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function findFirstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, { Alias(_, node) { found = node as unknown as Node; return visit.BREAK; } });
  return found;
}

/** Aliases to unknown anchors, and more aliases than any config needs (counted without expanding). */
function checkAliases(doc: Document, source: SourceMap): Diagnostic[] {
  const anchors = new Set<string>();
  const out: Diagnostic[] = [];
  let count = 0;
  visit(doc, {
    Node(_, node) {
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor) anchors.add(anchor);
      if (isAlias(node)) {
        count++;
        if (!anchors.has(node.source) && node.range) {
          out.push({ severity: 'error', code: 'unresolved-alias', message: `The alias *${node.source} refers to no anchor &${node.source} before it.`, range: source.range(node.range[0], node.range[1]) });
        }
      }
    },
  });
  if (count > MAX_ALIAS_COUNT) {
    const first = findFirstAlias(doc);
    out.push({ severity: 'error', code: 'alias-limit', message: `${count} YAML aliases; at most ${MAX_ALIAS_COUNT} are allowed (protection against alias bombs).`, range: first?.range ? source.range(first.range[0], first.range[1]) : source.range(0, 0) });
  }
  return out;
}

function duplicateKeys(doc: Document, source: SourceMap): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Map<string, Pair>();
      map.items.forEach((pair, index) => {
        if (!isScalar(pair.key) || !pair.key.range) return;
        const key = String(pair.key.value);
        const first = seen.get(key);
        if (!first) { seen.set(key, pair); return; }
        const firstKey = first.key as Node;
        out.push({
          severity: 'error',
          code: 'duplicate-key',
          message: `Duplicate key \`${key}\`; it is already set on line ${source.position(firstKey.range![0]).line + 1}.`,
          range: source.range(pair.key.range[0], pair.key.range[1]),
          related: [{ message: `first \`${key}\``, range: source.range(firstKey.range![0], firstKey.range![1]) }],
          fixes: [{ title: `Remove the duplicate \`${key}\``, preferred: true, edits: [{ range: removalRange(map, index, source), newText: '' }] }],
        });
      });
    },
  });
  return out;
}

/** The text to delete so that the pair at `index` disappears and the mapping stays valid. */
function removalRange(map: YAMLMap, index: number, source: SourceMap) {
  const text = source.text;
  const pair = map.items[index];
  const keyStart = (pair.key as Node).range![0];
  const valueEnd = (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range![1];
  const next = map.items[index + 1];
  const nextStart = next && (next.key as Node | null)?.range?.[0];
  if (map.flow) {
    if (nextStart !== undefined) return source.range(keyStart, nextStart);
    const prev = map.items[index - 1];
    const prevEnd = (prev.value as Node | null)?.range?.[1] ?? (prev.key as Node).range![1];
    return source.range(prevEnd, valueEnd);
  }
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const ownLine = /^[ ]*$/.test(text.slice(lineStart, keyStart));
  if (!ownLine) return source.range(keyStart, valueEnd);
  // Through the end of the value's last line: blank lines and comments after it stay.
  let end = valueEnd;
  if (text[end - 1] !== '\n') {
    end = text.indexOf('\n', end);
    end = end < 0 ? text.length : end + 1;
  }
  return source.range(lineStart, end);
}
