// What the cursor is on: the key path, whether a key or a value is being typed, the text
// typed so far and what it replaces, the keys already present in the mapping. Found by
// indentation over the lines (which survives any syntax error while the user types) and
// by a scan of flow collections on the cursor's line; the data written so far (to pick
// the loss kind or dataset format) comes from the yaml AST where the lines say nothing.
import { parseDocument } from 'yaml';
import type { Position, Range } from '../config/diagnostics';
import {
  ancestors, blockSiblings, DEFAULT_TAB_SIZE, findKeyColon, itemIndex, parseLine, scalarValue, scanFlow, scanLines,
  visualColumn, type LineInfo,
} from './documentLines';
import type { PathSegment, ValueAt } from './schemaNavigator';

export type CursorMode =
  /** Typing a key of the mapping at `path`. */
  | 'key'
  /** Typing the value of the node at `path` (its last segment is the key or index). */
  | 'value'
  /** Right after `- `: a new item at `path` (last segment is its index); a key or a scalar may follow. */
  | 'item'
  /** A position where nothing can be completed (a comment, block-scalar text). */
  | 'none';

export interface CursorContext {
  mode: CursorMode;
  path: PathSegment[];
  /** The text typed so far of the key or value under the cursor. */
  prefix: string;
  /** What a completion replaces: the word around the cursor. */
  replace: Range;
  /** Keys already written in the mapping (key mode: without the one being typed). */
  existingKeys: string[];
  /** Inside `{...}` / `[...]` on one line: insert plain `key: value`, no newlines. */
  flow: boolean;
  /** The cursor sits right after a colon: a value needs a leading space. */
  needsSpace: boolean;
  /** The data written so far at a path, for choosing schema branches. */
  valueAt: ValueAt;
}

export interface CursorOptions { tabSize?: number }

export function offsetToPosition(text: string, offset: number): Position {
  let line = 0;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') { line++; start = i + 1; }
  }
  return { line, character: Math.min(offset, text.length) - start };
}

export function positionToOffset(text: string, pos: Position): number {
  let line = 0;
  let i = 0;
  while (line < pos.line && i < text.length) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    i = nl + 1;
    line++;
  }
  const nl = text.indexOf('\n', i);
  const end = nl < 0 ? text.length : nl;
  return Math.min(i + pos.character, end > i && text[end - 1] === '\r' ? end - 1 : end);
}

let lastData: { text: string; data: unknown } | undefined;

/** Plain data of the whole document, as far as the tolerant parser gets (the last text's is kept). */
export function documentData(text: string): unknown {
  if (lastData?.text === text) return lastData.data;
  let data: unknown;
  try {
    const doc = parseDocument(text, { uniqueKeys: false, strict: false, prettyErrors: false });
    data = doc.toJS({ maxAliasCount: 100 });
  } catch {
    data = undefined;
  }
  lastData = { text, data };
  return data;
}

export function dataAt(data: unknown, path: PathSegment[]): unknown {
  let node = data;
  for (const seg of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

const WORD_END = /[\s,:{}\[\]#]/;

function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && !WORD_END.test(text[i])) i++;
  return i;
}

/** The cursor's context in `text` at `pos`. */
export function cursorContext(text: string, pos: Position, options: CursorOptions = {}): CursorContext {
  const tabSize = options.tabSize ?? DEFAULT_TAB_SIZE;
  const lines = scanLines(text, tabSize);
  const lineIdx = Math.min(pos.line, lines.length - 1);
  const lineText = lines[lineIdx]?.text ?? '';
  const ch = Math.min(pos.character, lineText.length);
  const before = lineText.slice(0, ch);
  const overrides = new Map<string, unknown>();
  let data: unknown;
  let parsed = false;
  const valueAt: ValueAt = (p) => {
    const k = JSON.stringify(p);
    if (overrides.has(k)) return overrides.get(k);
    if (!parsed) { data = documentData(text); parsed = true; }
    return dataAt(data, p);
  };
  const range = (start: number, end: number): Range => ({ start: { line: lineIdx, character: start }, end: { line: lineIdx, character: end } });
  const base = {
    existingKeys: [] as string[], flow: false, needsSpace: false, valueAt,
  };
  const none: CursorContext = { ...base, mode: 'none', path: [], prefix: '', replace: range(ch, ch) };

  // Text of a block scalar or a comment is not completed.
  if (lineIdx < lines.length && isBlockScalarText(lines, lineIdx)) return none;
  const hash = commentBefore(before);
  if (hash) return none;

  const entries = parseLine(before, tabSize);
  // Mapping frames of the ancestors, for the data used to choose schema branches.
  const recordFrames = (frames: { mapPath: PathSegment[]; line: number; keyCol: number }[]): void => {
    for (const f of frames) {
      const k = JSON.stringify(f.mapPath);
      if (overrides.has(k)) continue;
      const obj: Record<string, unknown> = {};
      for (const s of blockSiblings(lines, f.line, f.keyCol)) obj[s.key] = scalarValue(s.value);
      overrides.set(k, obj);
    }
  };

  // Path of the node that the cursor line's first entry belongs to, then the dashes on it.
  let path: PathSegment[] = [];
  const last = entries[entries.length - 1];
  const dashes = entries.filter((e) => e.kind === 'dash');
  const firstCol = entries.length > 0 ? entries[0].col : visualColumn(before, before.length, tabSize);
  const firstIsDash = entries[0]?.kind === 'dash';
  const up = ancestors(lines, lineIdx, firstCol, firstIsDash);
  recordFrames(up.frames);
  path = up.path;
  dashes.forEach((d, i) => {
    path.push(i === 0 ? itemIndex(lines, lineIdx, d.col) : 0);
    overrides.set(JSON.stringify(path.slice(0, -1)), []);
  });

  // Blank line, or only dashes so far.
  if (!last || last.kind === 'dash') {
    const col = visualColumn(before, before.length, tabSize);
    const afterWord = wordEnd(lineText, ch);
    if (!last) {
      const siblings = siblingKeysAt(lines, lineIdx, col);
      const obj: Record<string, unknown> = {};
      for (const s of siblings) obj[s.key] = scalarValue(s.value);
      overrides.set(JSON.stringify(path), obj);
      return { ...base, mode: 'key', path, prefix: '', replace: range(ch, afterWord), existingKeys: siblings.map((s) => s.key) };
    }
    // `- ` and maybe a word after the cursor: a new item, or the first key of an item mapping.
    const restAfter = lineText.slice(ch);
    const keysAfter = collectItemKeys(lines, lineIdx, col, restAfter, tabSize);
    overrides.set(JSON.stringify(path), objectOf(keysAfter));
    // Right after a bare `-` the item still needs its space.
    return { ...base, mode: 'item', path, prefix: '', replace: range(ch, afterWord), existingKeys: keysAfter.map((s) => s.key), needsSpace: before.endsWith('-') };
  }

  if (last.kind === 'scalar') {
    // A half-typed key (no colon yet), or a scalar in a sequence.
    const prefix = before.slice(last.ch);
    if (prefix.startsWith('{') || prefix.startsWith('[')) return flowContext(lineText, last.ch, ch, path, lineIdx, base, overrides, valueAt);
    const siblings = dashes.length > 0 && dashes[dashes.length - 1].col < last.col
      ? collectItemKeys(lines, lineIdx, last.col, '', tabSize)
      : blockSiblings(lines, lineIdx, last.col, { skipLine: true });
    overrides.set(JSON.stringify(path), objectOf(siblings));
    const end = wordEnd(lineText, ch);
    const hasColonAfter = findKeyColon(lineText, last.ch) >= 0;
    return {
      ...base, mode: dashes.length > 0 && siblings.length === 0 && !hasColonAfter ? 'item' : 'key', path, prefix, replace: range(last.ch, end),
      existingKeys: siblings.map((s) => s.key),
    };
  }

  // After `key:` — a value is being typed.
  const key = last.key ?? '';
  const mapPath = [...path];
  const siblings = dashes.length > 0 && dashes[dashes.length - 1].col < last.col
    ? collectItemKeys(lines, lineIdx, last.col, '', tabSize)
    : blockSiblings(lines, lineIdx, last.col, { skipLine: true });
  const obj = objectOf(siblings);
  path = [...mapPath, key];
  const valueStart = last.valueCh ?? ch;
  const valueText = before.slice(valueStart);
  if (valueText.startsWith('{') || valueText.startsWith('[')) {
    obj[key] = valueText.startsWith('{') ? {} : [];
    overrides.set(JSON.stringify(mapPath), obj);
    return flowContext(lineText, valueStart, ch, path, lineIdx, base, overrides, valueAt);
  }
  obj[key] = scalarValue(valueText);
  overrides.set(JSON.stringify(mapPath), obj);
  const start = valueText === '' ? ch : valueStart;
  const needsSpace = before.endsWith(':');
  return {
    ...base, mode: 'value', path, prefix: valueText, replace: range(start, Math.max(ch, wordEndValue(lineText, ch))),
    existingKeys: siblings.map((s) => s.key), needsSpace,
  };
}

function wordEndValue(text: string, from: number): number {
  // A value runs to the comment or the end of the line (paths have no spaces in practice).
  let i = from;
  while (i < text.length && !/[\s#,}\]]/.test(text[i])) i++;
  return i;
}

function objectOf(entries: { key: string; value: string }[]): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const s of entries) obj[s.key] = scalarValue(s.value);
  return obj;
}

function commentBefore(before: string): boolean {
  const i = before.indexOf('#');
  if (i < 0) return false;
  // Reuse the quote-aware scan: a `#` after whitespace outside quotes starts a comment.
  for (let k = 0; k < before.length; k++) {
    if (before[k] === '#' && (k === 0 || /\s/.test(before[k - 1]))) {
      const quotes = before.slice(0, k).split('').filter((c) => c === '"').length;
      const single = before.slice(0, k).split('').filter((c) => c === "'").length;
      if (quotes % 2 === 0 && single % 2 === 0) return true;
    }
  }
  return false;
}

function isBlockScalarText(lines: LineInfo[], idx: number): boolean {
  const l = lines[idx];
  return !l.structural && l.text.trim() !== '' && !l.text.trim().startsWith('#');
}

/** Keys of the mapping whose keys sit at `col`: below the cursor line, plus those after the cursor on its line. */
function siblingKeysAt(lines: LineInfo[], lineIdx: number, col: number): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  // Which line (above) holds a key at this column in the same block, if any, anchors the search.
  for (let i = lineIdx - 1; i >= 0; i--) {
    const l = lines[i];
    if (!l.structural) continue;
    const e = l.entries.find((x) => x.kind === 'key' && x.col === col);
    if (e) return blockSiblings(lines, i, col);
    if (l.entries[0].col < col) break;
  }
  for (let i = lineIdx + 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l.structural) continue;
    const e = l.entries.find((x) => x.kind === 'key' && x.col === col);
    if (e) return blockSiblings(lines, i, col);
    if (l.entries[0].col <= col) break;
  }
  return out;
}

/** Keys of a sequence item's mapping that starts on the cursor line (`- ...`), keys at `col`. */
function collectItemKeys(lines: LineInfo[], lineIdx: number, col: number, restOfLine: string, tabSize: number): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  const rest = parseLine(restOfLine, tabSize).find((e) => e.kind === 'key');
  if (rest) out.push({ key: rest.key ?? '', value: rest.value ?? '' });
  for (let i = lineIdx + 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l.structural) continue;
    if (l.entries[0].col < col) break;
    const e = l.entries.find((x) => x.kind === 'key' && x.col === col);
    if (e) out.push({ key: e.key ?? '', value: e.value ?? '' });
  }
  return out;
}

function flowContext(
  lineText: string, flowStart: number, ch: number, basePath: PathSegment[], lineIdx: number,
  base: Omit<CursorContext, 'mode' | 'path' | 'prefix' | 'replace'>, overrides: Map<string, unknown>, valueAt: ValueAt,
): CursorContext {
  const scan = scanFlow(lineText, flowStart, ch);
  const range = (start: number, end: number): Range => ({ start: { line: lineIdx, character: start }, end: { line: lineIdx, character: end } });
  const stack = scan.stack;
  if (!stack || stack.length === 0) {
    return { ...base, mode: 'none', path: basePath, prefix: '', replace: range(ch, ch), valueAt };
  }
  for (const f of stack) {
    const full = scan.entriesByFrame.get(f.openCh) ?? f;
    const p = [...basePath, ...f.path];
    if (f.type === 'map') {
      const obj: Record<string, unknown> = {};
      for (const e of full.entries) obj[e.key] = scalarValue(e.value);
      overrides.set(JSON.stringify(p), obj);
    } else overrides.set(JSON.stringify(p), []);
  }
  const top = stack[stack.length - 1];
  const framePath = [...basePath, ...top.path];
  const token = top.token.replace(/^\s+/, '');
  const tokenStart = ch - token.length;
  const end = wordEndValue(lineText, ch);
  const full = scan.entriesByFrame.get(top.openCh) ?? top;
  if (top.type === 'map' && !top.afterColon) {
    const existing = full.entries.filter((e) => e.keyStart !== top.tokenStart || e.key !== token).map((e) => e.key).filter((k) => k !== token && k !== '');
    const obj: Record<string, unknown> = {};
    for (const e of full.entries) if (existing.includes(e.key)) obj[e.key] = scalarValue(e.value);
    overrides.set(JSON.stringify(framePath), obj);
    return { ...base, mode: 'key', path: framePath, prefix: token, replace: range(tokenStart, end), existingKeys: existing, flow: true, valueAt };
  }
  if (top.type === 'map') {
    const key = top.currentKey ?? '';
    return {
      ...base, mode: 'value', path: [...framePath, key], prefix: token, replace: range(tokenStart, end),
      existingKeys: full.entries.map((e) => e.key), flow: true, needsSpace: lineText[ch - 1] === ':', valueAt,
    };
  }
  return { ...base, mode: 'value', path: [...framePath, top.index], prefix: token, replace: range(tokenStart, end), flow: true, valueAt };
}
