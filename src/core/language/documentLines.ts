// A line-by-line view of a YAML document that survives any syntax error: which keys and
// sequence dashes each line opens, at which column, and which lines belong to block
// scalars. The cursor context and the layer-name fallback walk it by indentation when
// the parse is broken (the user is typing).
import type { PathSegment } from './schemaNavigator';

export interface LineEntry {
  kind: 'dash' | 'key' | 'scalar';
  /** Visual column (tabs expanded) used to compare indentation. */
  col: number;
  /** Character index in the line. */
  ch: number;
  key?: string;
  /** Key end (character index, before the colon). */
  keyEnd?: number;
  /** Inline value after `key:` (or the scalar itself), comment stripped and trimmed; '' when none. */
  value?: string;
  /** Character index where the value starts. */
  valueCh?: number;
}

export interface LineInfo {
  text: string;
  /** Holds keys, dashes or a scalar (not blank, not a comment, not block-scalar text). */
  structural: boolean;
  entries: LineEntry[];
}

export const DEFAULT_TAB_SIZE = 2;

export function visualColumn(text: string, ch: number, tabSize: number): number {
  let col = 0;
  for (let i = 0; i < ch && i < text.length; i++) col = text[i] === '\t' ? col + tabSize - (col % tabSize) : col + 1;
  return col + Math.max(0, ch - text.length);
}

/** Index of a comment's `#` (outside quotes, at line start or after whitespace), or the length. */
export function commentStart(text: string, from = 0): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = undefined;
      } else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") {
      if (i === from || /[\s\[{,:]/.test(text[i - 1] ?? ' ')) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) return i;
  }
  return text.length;
}

/** Where `key:` ends on a line fragment: the colon's index, or -1 when the fragment holds no key. */
export function findKeyColon(text: string, from: number): number {
  const first = text[from];
  if (first === '{' || first === '[' || first === undefined) return -1;
  let quote: string | undefined;
  if (first === '"' || first === "'") {
    quote = first;
    let i = from + 1;
    for (; i < text.length; i++) {
      if (text[i] === '\\' && quote === '"') i++;
      else if (text[i] === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else break;
      }
    }
    let j = i + 1;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    return text[j] === ':' && (j + 1 >= text.length || /\s/.test(text[j + 1])) ? j : -1;
  }
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '#' && i > from && /\s/.test(text[i - 1])) return -1;
    if (c === ':' && (i + 1 >= text.length || /\s/.test(text[i + 1]))) return i;
  }
  return -1;
}

export function unquote(s: string): string {
  if (s.length >= 2 && ((s[0] === '"' && s.endsWith('"')) || (s[0] === "'" && s.endsWith("'")))) {
    return s[0] === '"' ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s.slice(1, -1).replace(/''/g, "'");
  }
  return s;
}

/** Parses the entries of one line (or of its text up to the cursor). */
export function parseLine(text: string, tabSize: number): LineEntry[] {
  const entries: LineEntry[] = [];
  const end = commentStart(text);
  let i = 0;
  const skipWs = (): void => {
    while (i < end && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  skipWs();
  while (i < end && text[i] === '-' && (i + 1 >= end || text[i + 1] === ' ' || text[i + 1] === '\t')) {
    entries.push({ kind: 'dash', col: visualColumn(text, i, tabSize), ch: i });
    i++;
    skipWs();
  }
  if (i >= end) return entries;
  const colon = findKeyColon(text.slice(0, end), i);
  if (colon >= 0) {
    let keyEnd = colon;
    while (keyEnd > i && /\s/.test(text[keyEnd - 1])) keyEnd--;
    let v = colon + 1;
    while (v < end && /\s/.test(text[v])) v++;
    entries.push({
      kind: 'key', col: visualColumn(text, i, tabSize), ch: i, key: unquote(text.slice(i, keyEnd)), keyEnd,
      value: text.slice(v, end).trim(), valueCh: v,
    });
  } else {
    entries.push({ kind: 'scalar', col: visualColumn(text, i, tabSize), ch: i, value: text.slice(i, end).trim(), valueCh: i });
  }
  return entries;
}

const BLOCK_SCALAR = /^(?:[&!][^\s]*\s+)*[|>][0-9+-]*$/;

/** Splits a document into lines and marks each line's structure; block-scalar text is not structure. */
export function scanLines(text: string, tabSize = DEFAULT_TAB_SIZE): LineInfo[] {
  const raw = text.split(/\r?\n/);
  const out: LineInfo[] = [];
  let blockParentCol = -1;
  for (const line of raw) {
    const trimmed = line.trim();
    if (blockParentCol >= 0) {
      const col = visualColumn(line, line.length - line.trimStart().length, tabSize);
      if (trimmed === '' || col > blockParentCol) {
        out.push({ text: line, structural: false, entries: [] });
        continue;
      }
      blockParentCol = -1;
    }
    if (trimmed === '' || trimmed.startsWith('#') || trimmed === '---' || trimmed === '...' || trimmed.startsWith('%')) {
      out.push({ text: line, structural: false, entries: [] });
      continue;
    }
    const entries = parseLine(line, tabSize);
    out.push({ text: line, structural: entries.length > 0, entries });
    const last = entries[entries.length - 1];
    if (last && last.value !== undefined && BLOCK_SCALAR.test(last.value)) blockParentCol = last.kind === 'key' ? last.col : Math.max(0, last.col - 1);
  }
  return out;
}

/** A key (or entry) with a value that cannot hold block children. */
export function holdsInlineValue(e: LineEntry): boolean {
  if (e.kind !== 'key') return e.kind === 'scalar';
  const v = (e.value ?? '').replace(/^(?:[&!][^\s]*\s*)+/, '');
  return v !== '' && !BLOCK_SCALAR.test(v);
}

export interface AncestorFrame {
  /** Path of the mapping that holds `key` (keys at `keyCol` on `line`). */
  mapPath: PathSegment[];
  line: number;
  keyCol: number;
}

/** How many sequence items at `col` come before line `i` in the same sequence. */
export function itemIndex(lines: LineInfo[], i: number, col: number): number {
  let n = 0;
  for (let k = i - 1; k >= 0; k--) {
    const l = lines[k];
    if (!l.structural) continue;
    if (l.entries.some((e) => e.kind === 'dash' && e.col === col)) n++;
    const first = l.entries[0];
    if (first.col < col || (first.col === col && first.kind !== 'dash')) break;
  }
  return n;
}

/**
 * The key path of the node that a line's entry at `col` belongs to, found by walking up
 * to less indented keys and dashes. `frames` records each mapping met on the way.
 */
export function ancestors(lines: LineInfo[], lineIdx: number, col: number, isDash: boolean): { path: PathSegment[]; frames: AncestorFrame[] } {
  const segs: { seg: PathSegment; line: number; keyCol?: number }[] = [];
  for (let i = lineIdx - 1; i >= 0 && (col > 0 || isDash); i--) {
    const l = lines[i];
    if (!l.structural) continue;
    let found = -1;
    for (let j = l.entries.length - 1; j >= 0; j--) {
      const e = l.entries[j];
      if (e.kind === 'key' && !holdsInlineValue(e) && (e.col < col || (isDash && e.col === col))) { found = j; break; }
      if (e.kind === 'dash' && e.col < col) { found = j; break; }
    }
    if (found < 0) {
      // A key at the column of our dash that holds a value ends the search: the dash has no parent key.
      if (isDash && l.entries[0].col <= col && l.entries[0].kind !== 'dash') break;
      continue;
    }
    for (let j = found; j >= 0; j--) {
      const e = l.entries[j];
      if (e.kind === 'key') segs.unshift({ seg: e.key ?? '', line: i, keyCol: e.col });
      else if (e.kind === 'dash') segs.unshift({ seg: itemIndex(lines, i, e.col), line: i });
    }
    col = l.entries[0].col;
    isDash = l.entries[0].kind === 'dash';
  }
  const path = segs.map((s) => s.seg);
  const frames: AncestorFrame[] = [];
  segs.forEach((s, d) => {
    if (s.keyCol !== undefined) frames.push({ mapPath: path.slice(0, d), line: s.line, keyCol: s.keyCol });
  });
  return { path, frames };
}

/** Keys and inline values of the block mapping whose keys sit at `keyCol` around line `lineIdx`. */
export function blockSiblings(lines: LineInfo[], lineIdx: number, keyCol: number, opts: { skipLine?: boolean } = {}): { key: string; value: string; line: number }[] {
  const out: { key: string; value: string; line: number }[] = [];
  const at = (i: number): void => {
    const e = lines[i].entries.find((x) => x.kind === 'key' && x.col === keyCol);
    if (e) out.push({ key: e.key ?? '', value: e.value ?? '', line: i });
  };
  const here = lines[lineIdx];
  const startsHere = here?.structural && here.entries[0].col < keyCol;
  if (!opts.skipLine && here?.structural) at(lineIdx);
  if (!startsHere) {
    for (let i = lineIdx - 1; i >= 0; i--) {
      const l = lines[i];
      if (!l.structural) continue;
      if (l.entries[0].col < keyCol) { at(i); break; }
      at(i);
    }
  }
  for (let i = lineIdx + 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l.structural) continue;
    if (l.entries[0].col < keyCol) break;
    at(i);
  }
  return out;
}

/** A YAML plain scalar as data: numbers, booleans, null, or the (unquoted) string. */
export function scalarValue(text: string): unknown {
  const t = text.trim();
  if (t === '' || t === '~' || t === 'null') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t.startsWith('{')) return {};
  if (t.startsWith('[')) return [];
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return unquote(t);
}

// ---------------------------------------------------------------------------------------
// Flow collections on one line: `{filters: 32, kernel: 3}`, `[64, 32]`, nested.

export interface FlowFrame {
  type: 'map' | 'seq';
  /** Path relative to the node where the flow text starts. */
  path: PathSegment[];
  openCh: number;
  index: number;
  currentKey?: string;
  afterColon: boolean;
  token: string;
  tokenStart: number;
  entries: { key: string; value: string; keyStart: number }[];
}

export interface FlowScan {
  /** The open collections at `stopAt` (innermost last), or undefined when stopAt was not reached inside one. */
  stack?: FlowFrame[];
  /** Every key with its value, per collection (keyed by the collection's openCh). */
  entriesByFrame: Map<number, FlowFrame>;
}

/** Scans `text` from `start` (a `{` or `[`) and snapshots the open collections at `stopAt`. */
export function scanFlow(text: string, start: number, stopAt = -1): FlowScan {
  const stack: FlowFrame[] = [];
  const byFrame = new Map<number, FlowFrame>();
  let snapshot: FlowFrame[] | undefined;
  const top = (): FlowFrame | undefined => stack[stack.length - 1];
  const commit = (f: FlowFrame): void => {
    const tok = f.token.trim();
    if (f.type === 'map') {
      if (f.afterColon && f.currentKey !== undefined) f.entries.push({ key: f.currentKey, value: tok, keyStart: f.tokenStart });
      else if (tok) f.entries.push({ key: unquote(tok), value: '', keyStart: f.tokenStart });
    }
    f.token = '';
    f.currentKey = undefined;
    f.afterColon = false;
  };
  for (let i = start; i <= text.length; i++) {
    if (i === stopAt && stack.length > 0) snapshot = stack.map((f) => ({ ...f, path: [...f.path], entries: [...f.entries] }));
    if (i === text.length) break;
    const c = text[i];
    const f = top();
    if (c === '{' || c === '[') {
      const parentPath = f ? [...f.path, f.type === 'map' ? (f.currentKey ?? '') : f.index] : [];
      const frame: FlowFrame = { type: c === '{' ? 'map' : 'seq', path: parentPath, openCh: i, index: 0, afterColon: false, token: '', tokenStart: i + 1, entries: [] };
      if (f) f.token = c === '{' ? '{}' : '[]';
      stack.push(frame);
      byFrame.set(i, frame);
      continue;
    }
    if (!f) break;
    if (c === '}' || c === ']') {
      commit(f);
      stack.pop();
      if (stack.length === 0) { if (stopAt < 0 || stopAt <= i) break; }
      continue;
    }
    if (c === ',') {
      commit(f);
      f.index++;
      f.tokenStart = i + 1;
      continue;
    }
    if (c === '#' && /\s/.test(text[i - 1] ?? '')) break;
    if (c === ':' && f.type === 'map' && !f.afterColon && (i + 1 >= text.length || /[\s,}\]]/.test(text[i + 1]))) {
      f.currentKey = unquote(f.token.trim());
      f.afterColon = true;
      f.token = '';
      f.tokenStart = i + 1;
      continue;
    }
    if ((c === '"' || c === "'") && f.token.trim() === '') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' && c === '"' ? 2 : 1;
      if (stopAt > i && stopAt <= j) {
        f.token += text.slice(i, stopAt);
        snapshot = stack.map((x) => ({ ...x, path: [...x.path], entries: [...x.entries] }));
      }
      f.token += text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (f.token === '' && /\s/.test(c)) { f.tokenStart = i + 1; continue; }
    f.token += c;
  }
  return { stack: snapshot, entriesByFrame: byFrame };
}
