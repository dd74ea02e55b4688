// Quick fixes for the validator's diagnostics. The validator's own `fixes` are used as
// they are; for the fixable codes it left without one, the fix is computed here: the
// closest key, value or layer name ("did you mean"), the missing required key inserted,
// the duplicate key removed.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Diagnostic, Range, TextEdit } from '../config/diagnostics';
import { closestMatch } from '../config/suggest';
import { offsetToPosition, positionToOffset } from './cursorContext';
import type { LanguageContext } from './languageContext';
import { navigatorFor } from './languageContext';
import { namedLayers, sideOfKey } from './layerNames';
import { formatValue } from './schemaDocs';
import { defaultOf, typesOf, type PathSegment } from './schemaNavigator';

export interface CodeActionEntry {
  title: string;
  edits: TextEdit[];
  preferred: boolean;
  /** The diagnostic it fixes. */
  diagnostic: Diagnostic;
}

export function pointerToPath(pointer: string | undefined): PathSegment[] {
  if (!pointer) return [];
  return pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

export async function codeActions(text: string, diagnostics: Diagnostic[], ctx: LanguageContext = {}): Promise<CodeActionEntry[]> {
  const out: CodeActionEntry[] = [];
  let doc: Document | undefined;
  const getDoc = (): Document => (doc ??= parseDocument(text, { uniqueKeys: false, strict: false, keepSourceTokens: true }));
  for (const d of diagnostics) {
    if (d.fixes && d.fixes.length > 0) {
      d.fixes.forEach((f, i) => out.push({ title: f.title, edits: f.edits, preferred: f.preferred ?? i === 0, diagnostic: d }));
      continue;
    }
    const computed = await computeFix(text, d, ctx, getDoc);
    if (computed) out.push({ ...computed, preferred: true, diagnostic: d });
  }
  // A missing layer reference: one action per declared layer name of that side.
  for (const d of diagnostics) {
    const path = pointerToPath(d.pointer);
    const side = d.code === 'missing-key' ? sideOfKey(path[path.length - 1]) : undefined;
    if (!side) continue;
    for (const layer of (await namedLayers(text, side, ctx)).slice(0, 8)) {
      const fix = await insertMissingKey(text, d, path, getDoc(), ctx, layer.name);
      if (fix && !out.some((a) => a.diagnostic === d && sameEdits(a.edits, fix.edits))) {
        out.push({ title: `Add '${String(path[path.length - 1])}: ${layer.name}'`, edits: fix.edits, preferred: false, diagnostic: d });
      }
    }
  }
  return out;
}

function sameEdits(a: TextEdit[], b: TextEdit[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function computeFix(text: string, d: Diagnostic, ctx: LanguageContext, getDoc: () => Document): Promise<{ title: string; edits: TextEdit[] } | undefined> {
  const nav = navigatorFor(ctx);
  const path = pointerToPath(d.pointer);
  const written = textAt(text, d.range);
  const data = (): unknown => getDoc().toJS();
  const valueAt = (p: PathSegment[]): unknown => {
    let node: unknown = data();
    for (const s of p) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[s] : undefined;
    return node;
  };
  const replaceWith = (candidate: string | undefined): { title: string; edits: TextEdit[] } | undefined =>
    candidate && candidate !== written ? { title: `Change to '${candidate}'`, edits: [{ range: d.range, newText: candidate }] } : undefined;

  switch (d.code) {
    case 'unknown-key':
    case 'unknown-layer-type': {
      const key = typeof path[path.length - 1] === 'string' ? String(path[path.length - 1]) : written;
      const parent = path.length > 0 ? path.slice(0, -1) : [];
      const present = Object.keys((valueAt(parent) as object | undefined) ?? {});
      const candidates = nav.properties(nav.at(parent, valueAt)).map((p) => p.name).filter((n) => !present.includes(n) || n === key);
      return replaceWith(closestMatch(written || key, candidates.filter((c) => c !== key)));
    }
    case 'enum': {
      const values = nav.enumValues(nav.at(path, valueAt)).map((v) => formatValue(v.value));
      return replaceWith(closestMatch(written, values));
    }
    case 'unknown-layer': {
      const side = sideOfKey(path[path.length - 1]) ?? (/student/i.test(d.message) ? 'student' : 'teacher');
      const names = (await namedLayers(text, side, ctx)).map((l) => l.name);
      return replaceWith(closestMatch(written, names));
    }
    case 'missing-key':
      return insertMissingKey(text, d, path, getDoc(), ctx);
    case 'duplicate-key':
      return removeDuplicate(text, d, getDoc());
    default:
      return undefined;
  }
}

function textAt(text: string, range: Range): string {
  return text.slice(positionToOffset(text, range.start), positionToOffset(text, range.end)).trim();
}

/** The mapping node at a path, from the AST. */
function nodeAt(doc: Document, path: PathSegment[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) node = node.items.find((p) => isScalar(p.key) && p.key.value === seg)?.value;
    else if (isSeq(node)) node = typeof seg === 'number' ? node.items[seg] : undefined;
    else return undefined;
  }
  return (node ?? undefined) as Node | undefined;
}

async function insertMissingKey(text: string, d: Diagnostic, path: PathSegment[], doc: Document, ctx: LanguageContext, forcedValue?: string): Promise<{ title: string; edits: TextEdit[] } | undefined> {
  const nav = navigatorFor(ctx);
  const data = doc.toJS() as unknown;
  const valueAt = (p: PathSegment[]): unknown => {
    let node: unknown = data;
    for (const s of p) node = node && typeof node === 'object' ? (node as Record<string | number, unknown>)[s] : undefined;
    return node;
  };
  // The pointer names the mapping or the missing key itself; the message names the key.
  let mapPath = path;
  const props = (p: PathSegment[]) => nav.properties(nav.at(p, valueAt));
  const quoted = [...d.message.matchAll(/[`'"]([A-Za-z_][\w-]*)[`'"]/g)].map((m) => m[1]);
  let key = quoted.find((q) => props(mapPath).some((p) => p.name === q));
  if (!key && typeof path[path.length - 1] === 'string') {
    const last = String(path[path.length - 1]);
    if (props(path.slice(0, -1)).some((p) => p.name === last)) { key = last; mapPath = path.slice(0, -1); }
  }
  if (!key) return undefined;
  const info = props(mapPath).find((p) => p.name === key);
  const value = forcedValue ?? (await valueFor(text, key, info?.schemas ?? [], nav, ctx));
  const node = nodeAt(doc, mapPath);
  if (!isMap(node) || !node.range) return undefined;
  if (node.flow) {
    const close = text.lastIndexOf('}', node.range[1]);
    const pos = offsetToPosition(text, close);
    const sep = node.items.length > 0 ? ', ' : '';
    return { title: `Add '${key}'`, edits: [{ range: { start: pos, end: pos }, newText: `${sep}${key}: ${value}` }] };
  }
  const firstPair = node.items[0] as Pair<Node, Node> | undefined;
  const keyStart = firstPair?.key?.range?.[0] ?? node.range[0];
  const keyPos = offsetToPosition(text, keyStart);
  const indent = ' '.repeat(keyPos.character);
  // Insert after the mapping's last line (its value end, not trailing comments or blank lines).
  const lastPair = node.items[node.items.length - 1] as Pair<Node, Node> | undefined;
  const endOffset = lastPair?.value?.range?.[1] ?? lastPair?.key?.range?.[1] ?? node.range[1];
  let lineEnd = text.indexOf('\n', Math.max(0, endOffset - 1));
  if (lineEnd < 0) lineEnd = text.length;
  const at = offsetToPosition(text, lineEnd);
  return { title: `Add '${key}'`, edits: [{ range: { start: at, end: at }, newText: `\n${indent}${key}: ${value}` }] };
}

async function valueFor(text: string, key: string, schemas: ReturnType<ReturnType<typeof navigatorFor>['at']>, nav: ReturnType<typeof navigatorFor>, ctx: LanguageContext): Promise<string> {
  const side = sideOfKey(key);
  if (side) {
    const first = (await namedLayers(text, side, ctx))[0];
    if (first) return first.name;
  }
  const d = defaultOf(schemas);
  if (d.has) return formatValue(d.value);
  const values = nav.enumValues(schemas);
  if (values.length > 0) return formatValue(values[0].value);
  const types = typesOf(schemas);
  if (types.has('integer') || types.has('number')) return '1';
  if (types.has('array')) return '[]';
  if (types.has('object')) return '{}';
  return '""';
}

function removeDuplicate(text: string, d: Diagnostic, doc: Document): { title: string; edits: TextEdit[] } | undefined {
  const at = positionToOffset(text, d.range.start);
  let found: { pair: Pair<Node, Node>; flow: boolean } | undefined;
  const visit = (node: unknown, flow: boolean): void => {
    if (found) return;
    if (isMap(node)) {
      for (const p of node.items as Pair<Node, Node>[]) {
        const r = p.key?.range;
        if (r && at >= r[0] && at <= r[1]) { found = { pair: p, flow: !!node.flow }; return; }
        visit(p.value, !!node.flow);
      }
    } else if (isSeq(node)) node.items.forEach((i) => visit(i, flow));
    else if (isPair(node)) visit(node.value, flow);
  };
  visit(doc.contents, false);
  if (!found) return undefined;
  const keyName = isScalar(found.pair.key) ? String(found.pair.key.value) : 'key';
  const start = found.pair.key.range![0];
  const end = found.pair.value?.range?.[1] ?? found.pair.key.range![1];
  if (found.flow) {
    // `{a: 1, a: 2}`: remove the separator before the pair too.
    let s = start;
    while (s > 0 && /[\s,]/.test(text[s - 1])) s--;
    return { title: `Remove duplicate '${keyName}'`, edits: [{ range: { start: offsetToPosition(text, s), end: offsetToPosition(text, end) }, newText: '' }] };
  }
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', Math.max(start, end - 1));
  lineEnd = lineEnd < 0 ? text.length : lineEnd + 1;
  // A pair whose key follows `- ` on its line: keep the dash line, remove only from the key.
  const from = text.slice(lineStart, start).trim() === '' ? lineStart : start;
  return { title: `Remove duplicate '${keyName}'`, edits: [{ range: { start: offsetToPosition(text, from), end: offsetToPosition(text, lineEnd) }, newText: '' }] };
}
