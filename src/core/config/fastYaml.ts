// A fast positioned parser for the plain YAML that experiment configs are written in.
//
// Why: validation runs on every (debounced) keystroke, and the `yaml` package's lexer, CST
// parser and composer took ~5 ms of the ~7.5 ms budget for a 300-line config. Configs use a
// small, strict subset of YAML, which one pass over the lines can read about five times faster.
//
// What: the subset is block mappings and sequences indented with spaces, compact maps in
// sequence items (`- key: value`), plain scalars resolved by yaml's own core-schema tags,
// single-line quoted scalars, single-line flow collections of those, comments, blank lines, an
// optional leading `---` and CRLF line ends. It builds the same Document / YAMLMap / YAMLSeq /
// Pair / Scalar nodes, with the same `range` triples, `flow` flags and scalar `type` / `source`
// / `format`, as `parseAllDocuments` does (the ranges follow the yaml parser's rules for where
// trailing comment lines belong), so SourceMap and every diagnostic downstream are unchanged.
// Comments are not attached to nodes (nothing downstream reads them). It also builds the plain
// data (as `doc.toJS()` would) and notes duplicate keys, in the same pass.
//
// Anything outside the subset, or any doubt (tabs, anchors, aliases, tags, block scalars,
// multi-line scalars or flow collections, `?` keys, directives, more documents, odd
// indentation, unusual characters, empty values next to comments...), returns undefined and
// the caller uses the yaml package, so error messages and positions stay exactly as they are.
// test/unit/config/fastYaml.test.ts checks both paths agree, node by node.
import { Document, isScalar, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';

export interface FastParsed {
  doc: Document;
  /** What doc.toJS() gives: the top-level mapping as a plain object. */
  data: Record<string, unknown>;
  /** Some mapping repeats a key (by String(key.value), as parse.ts compares them). */
  hasDuplicateKeys: boolean;
}

/** The parse options parseConfigText gives the yaml package. */
const OPTIONS = { uniqueKeys: false, prettyErrors: false } as const;

interface ScalarTag {
  default?: boolean | 'key';
  test?: RegExp;
  format?: string;
  resolve: (source: string, onError: (message: string) => void, options: unknown) => unknown;
}

type Range3 = [number, number, number];

/** Thrown to abandon the fast path; caught in fastParseConfig. */
const BAIL = new Error('outside the fast YAML subset');
function bail(): never {
  throw BAIL;
}
function onTagError(): never {
  throw BAIL;
}

/**
 * Characters the yaml lexer treats specially or reports (tabs, control characters, lone \r,
 * NEL / LS / PS, byte order marks, unpaired surrogates): any of them anywhere means the slow path.
 */
const UNSUPPORTED_CHAR = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|\r(?!\n)|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const SP = 32, NL = 10, CR = 13, HASH = 35, COLON = 58, DASH = 45, DOT = 46, COMMA = 44;
const LBRACE = 123, RBRACE = 125, LBRACKET = 91, RBRACKET = 93, DQUOTE = 34, SQUOTE = 39, BACKSLASH = 92;

const KEY_REPEATED = 1, KEY_NULL = 2;
/**
 * Nesting the fast path reads (block and flow levels, each counted). Configs need a handful;
 * far deeper, yaml's own recursion overflows and reports an error, which only it should say.
 */
const MAX_DEPTH = 64;

/** The escapes of yaml's double-quoted scalars (resolve-flow-scalar.js), all but line folds. */
const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};

/** The positioned document and plain data of `text`, or undefined when it is not in the subset. */
export function fastParseConfig(text: string): FastParsed | undefined {
  if (UNSUPPORTED_CHAR.test(text)) return undefined;
  try {
    return new FastYaml(text).parse();
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

class FastYaml {
  private readonly n: number;
  private readonly doc: Document;
  private readonly schema: Document['schema'];
  private readonly tags: ScalarTag[];
  private duplicates = false;

  // The current content line (set by gap()): its start, first non-space offset, column
  // (-1 at the end of the text), the end of its content (before \r\n or \n) and the next line.
  private ls = 0;
  private cs = 0;
  private col = -1;
  private eol = 0;
  private nl = 0;

  // What gap() found after an inline value: where the value's node ends once the comment
  // lines yaml attaches to it are counted, and the blank / comment lines after those (a
  // trailing "start-only" item in yaml's parser): their end (-1: none) and deepest comment column.
  private vEnd = 0;
  private tEnd = -1;
  private tMax = -1;
  private gapComment = false;
  /** Block collections open around the current one; see MAX_DEPTH. */
  private depth = 0;
  /** Position after the `:` of the key blockKey() just read. */
  private afterColon = 0;

  constructor(private readonly t: string) {
    this.n = t.length;
    this.doc = new Document(undefined, OPTIONS);
    this.schema = this.doc.schema;
    this.tags = this.schema.tags as unknown as ScalarTag[];
  }

  parse(): FastParsed {
    const t = this.t;
    this.gap(0, -1, true);
    let docStart = -1;
    if (this.col === 0 && t.startsWith('---', this.cs) && this.isBlank(this.cs + 3)) {
      docStart = this.cs;
      const j = this.skipSpaces(this.cs + 3);
      if (j < this.eol && !(t.charCodeAt(j) === HASH && j > this.cs + 3)) bail();
      this.gap(this.nl, -1, false);
    }
    if (this.col !== 0 || this.isSeqDash(this.cs)) bail();
    const { node, data } = this.blockMap(0, this.cs);
    if (this.col >= 0) bail();
    const doc = this.doc;
    doc.contents = node as never;
    const contentEnd = node.range![2];
    doc.range = [docStart >= 0 ? docStart : node.range![0], contentEnd, this.tEnd >= 0 ? this.tEnd : contentEnd];
    if (docStart >= 0) doc.directives!.docStart = true;
    return { doc, data, hasDuplicateKeys: this.duplicates };
  }

  // ---- lines ------------------------------------------------------------------------------

  /**
   * Skips blank and comment-only lines from line start `p` and stops at the next content line
   * (or the end). With `c` >= 0 (just after an inline value in a collection indented `c`) it
   * replays where yaml's parser puts those lines: a comment indented deeper than `c`, with only
   * blank lines since the value, joins the value's end (vEnd); the rest form a trailing item
   * (tEnd, tMax; it runs to the next content itself) that later stays in whichever enclosing
   * collection has a comment at or beyond its indent (see closeRange).
   */
  private gap(p: number, c: number, first: boolean): void {
    const t = this.t;
    const n = this.n;
    this.vEnd = p;
    this.tEnd = -1;
    this.tMax = -1;
    this.gapComment = false;
    while (p < n) {
      let q = p;
      while (t.charCodeAt(q) === SP) q++;
      const ch = q < n ? t.charCodeAt(q) : NL;
      if (ch !== NL && ch !== CR && ch !== HASH) {
        // A content line. Document markers need yaml's stream handling (only a leading --- is read).
        if (q === p && (ch === DASH || ch === DOT) && (t.startsWith('---', q) || t.startsWith('...', q)) && this.isBlank(q + 3) && !(first && ch === DASH)) bail();
        this.ls = p;
        this.cs = q;
        this.col = q - p;
        // The next line's indentation joins the trailing item too (yaml's parser sees it first).
        if (this.tEnd >= 0) this.tEnd = q;
        let e = t.indexOf('\n', q);
        if (e < 0) { this.eol = n; this.nl = n; } else { this.nl = e + 1; this.eol = t.charCodeAt(e - 1) === CR ? e - 1 : e; }
        return;
      }
      let next = t.indexOf('\n', q);
      next = next < 0 ? n : next + 1;
      if (ch === HASH) {
        this.gapComment = true;
        const k = q - p;
        if (c >= 0 && k > c && this.tMax < 0) { this.vEnd = next; this.tEnd = -1; }
        else { this.tEnd = next; if (k > this.tMax) this.tMax = k; }
      } else {
        this.tEnd = next;
      }
      p = next;
    }
    this.ls = n;
    this.cs = n;
    this.col = -1;
    this.eol = n;
    this.nl = n;
  }

  /**
   * End of a block collection indented `c` that closes here. yaml moves a trailing item of blank
   * and comment lines up to the parent unless the collection is indented and one of the
   * comments is at or beyond its indent; then the collection's range ends after them.
   */
  private closeRange(c: number, offset: number): number {
    if (this.tEnd >= 0 && c !== 0 && this.tMax >= c) {
      const end = this.tEnd;
      this.tEnd = -1;
      return end;
    }
    return offset;
  }

  private isBlank(i: number): boolean {
    if (i >= this.n) return true;
    const ch = this.t.charCodeAt(i);
    return ch === SP || ch === NL || ch === CR;
  }

  private skipSpaces(i: number): number {
    while (this.t.charCodeAt(i) === SP) i++;
    return i;
  }

  /** `-` followed by a space or the line end: a block sequence entry. */
  private isSeqDash(i: number): boolean {
    return this.t.charCodeAt(i) === DASH && (i + 1 >= this.eol || this.t.charCodeAt(i + 1) === SP);
  }

  // ---- block collections ------------------------------------------------------------------

  /** A block mapping indented `c` whose first key starts at `p` on the current line. */
  private blockMap(c: number, p: number): { node: YAMLMap; data: Record<string, unknown> } {
    const t = this.t;
    if (++this.depth > MAX_DEPTH) bail();
    const map = new YAMLMap(this.schema);
    const data: Record<string, unknown> = {};
    let keys = 0; // KEY_* bits of the pairs so far
    const start = p;
    for (;;) {
      const key = this.blockKey(p);
      const r = this.skipSpaces(this.afterColon);
      let value: YAMLMap | YAMLSeq | Scalar;
      let valueData: unknown;
      if (r >= this.eol || t.charCodeAt(r) === HASH) {
        // Nothing after the colon: a nested block on the next lines, or an empty value.
        const commentOnKeyLine = r < this.eol;
        this.gap(this.nl, -1, false);
        const dash = this.col >= 0 && this.isSeqDash(this.cs);
        if (this.col > c || (this.col === c && dash)) {
          const nested = dash ? this.blockSeq(this.col) : this.blockMap(this.col, this.cs);
          value = nested.node;
          valueData = nested.data;
        } else {
          // yaml spreads comments after an empty value over its range in ways not worth replaying.
          if (commentOnKeyLine || this.gapComment) bail();
          value = this.plainScalar('', r, r, r, false);
          valueData = value.value;
          this.tEnd = -1; // those blank lines belong to the pair, not to a trailing item
        }
      } else {
        const inline = this.inlineValue(r, c);
        value = inline.node;
        valueData = inline.data;
      }
      map.items.push(new Pair(key, value));
      keys |= this.addKey(data, key.value, valueData);
      const offset = value.range![2];
      if (this.col < c) { // the end, or a line indented less: this mapping is done
        this.noteDuplicates(map, keys);
        map.range = [start, offset, this.closeRange(c, offset)];
        this.depth--;
        return { node: map, data };
      }
      if (this.col > c || this.isSeqDash(this.cs)) bail();
      this.tEnd = -1; // the lines in between lead the next key
      p = this.cs;
    }
  }

  /** A block sequence whose `-` entries stand in column `c`; the current line is the first. */
  private blockSeq(c: number): { node: YAMLSeq; data: unknown[] } {
    const t = this.t;
    if (++this.depth > MAX_DEPTH) bail();
    const seq = new YAMLSeq(this.schema);
    const data: unknown[] = [];
    const start = this.cs;
    for (;;) {
      const d = this.cs;
      if (d + 1 >= this.eol) bail(); // an entry on the following lines
      const r = this.skipSpaces(d + 1);
      if (r >= this.eol) bail();
      const ch = t.charCodeAt(r);
      if (ch === HASH || this.isSeqDash(r)) bail();
      let item: { node: YAMLMap | YAMLSeq | Scalar; data: unknown };
      if (ch !== LBRACE && ch !== LBRACKET && this.isKeyAt(r)) item = this.blockMap(r - this.ls, r);
      else item = this.inlineValue(r, c);
      seq.items.push(item.node);
      data.push(item.data);
      const offset = item.node.range![2];
      if (this.col < c || (this.col === c && !this.isSeqDash(this.cs))) {
        seq.range = [start, offset, this.closeRange(c, offset)];
        this.depth--;
        return { node: seq, data };
      }
      if (this.col > c) bail();
      this.tEnd = -1;
    }
  }

  /** Whether the scalar at `p` is followed by `: ` (a compact mapping in a sequence entry). */
  private isKeyAt(p: number): boolean {
    const t = this.t;
    const ch = t.charCodeAt(p);
    if (ch === DQUOTE || ch === SQUOTE) {
      const e = this.quotedEnd(p);
      const j = this.skipSpaces(e);
      return t.charCodeAt(j) === COLON && (j + 1 >= this.eol || t.charCodeAt(j + 1) === SP);
    }
    return this.scanPlainBlock(p) >= 0;
  }

  /** The key at `p` of a block mapping, up to its `:` (sets afterColon). */
  private blockKey(p: number): Scalar {
    const t = this.t;
    const ch = t.charCodeAt(p);
    let key: Scalar;
    let colon: number;
    if (ch === DQUOTE || ch === SQUOTE) {
      const e = this.quotedEnd(p);
      key = this.quotedScalar(p, e, e);
      colon = this.skipSpaces(e);
      if (t.charCodeAt(colon) !== COLON || (colon + 1 < this.eol && t.charCodeAt(colon + 1) !== SP)) bail();
    } else {
      colon = this.scanPlainBlock(p);
      if (colon < 0) bail();
      const e = this.plainEnd;
      key = this.plainScalar(t.slice(p, e), p, e, e, true);
    }
    // yaml reports implicit keys whose `:` is over 1024 characters from their start.
    if (colon - p > 1000) bail();
    this.afterColon = colon + 1;
    return key;
  }

  /**
   * A value that starts at `r` on the current line (a flow collection or a scalar) and ends it,
   * followed by spaces and maybe a comment; moves to the next content line.
   * `c`: the indent of the collection holding it.
   */
  private inlineValue(r: number, c: number): { node: YAMLMap | YAMLSeq | Scalar; data: unknown } {
    const t = this.t;
    const ch = t.charCodeAt(r);
    let node: YAMLMap | YAMLSeq | Scalar;
    let data: unknown;
    let e: number;
    if (ch === LBRACE || ch === LBRACKET) {
      const flow = this.flowCollection(r, 0);
      node = flow.node;
      data = flow.data;
      e = this.flowEnd;
    } else if (ch === DQUOTE || ch === SQUOTE) {
      e = this.quotedEnd(r);
      node = this.quotedScalar(r, e, e);
      data = node.value;
    } else {
      if (this.scanPlainBlock(r) >= 0) bail(); // `a: b: c`
      e = this.plainEnd;
      node = this.plainScalar(t.slice(r, e), r, e, e, false);
      data = node.value;
    }
    const j = this.skipSpaces(e);
    if (j < this.eol && !(t.charCodeAt(j) === HASH && j > e)) bail();
    this.gap(this.nl, c, false);
    node.range![2] = this.vEnd;
    return { node, data };
  }

  // ---- scalars ----------------------------------------------------------------------------

  /** End (exclusive, trailing spaces trimmed) of the plain scalar last scanned. */
  private plainEnd = 0;

  /**
   * Scans a plain scalar in block context from `p` to the end of the line, a ` #` comment or a
   * `: ` / line-final `:` (whose offset it returns; -1 when there is none). Sets plainEnd.
   */
  private scanPlainBlock(p: number): number {
    const t = this.t;
    const eol = this.eol;
    this.checkPlainStart(p, false);
    let last = p;
    for (let j = p; j < eol; j++) {
      const ch = t.charCodeAt(j);
      if (ch === COLON) {
        if (j + 1 >= eol || t.charCodeAt(j + 1) === SP) { this.plainEnd = last; return j; }
        last = j + 1;
      } else if (ch === SP) {
        if (t.charCodeAt(j + 1) === HASH) break;
      } else {
        last = j + 1;
      }
    }
    this.plainEnd = last;
    return -1;
  }

  /** Bails on a plain scalar that would start with an indicator (anchor, tag, alias, block scalar, ...). */
  private checkPlainStart(p: number, inFlow: boolean): void {
    const t = this.t;
    const ch = t.charCodeAt(p);
    switch (ch) {
      case DASH: {
        const next = p + 1 < this.eol ? t.charCodeAt(p + 1) : SP;
        if (next === SP || (inFlow && (next === COMMA || next === LBRACKET || next === RBRACKET || next === LBRACE || next === RBRACE))) bail();
        return;
      }
      case 35: case 38: case 42: case 33: case 124: case 62: case 39: case 34: case 37: case 64: case 96: // # & * ! | > ' " % @ `
      case COMMA: case LBRACKET: case RBRACKET: case LBRACE: case RBRACE: case COLON: case 63: // ?
        bail();
    }
  }

  /** Offset after the closing quote of the single-line quoted scalar at `p`. */
  private quotedEnd(p: number): number {
    const t = this.t;
    const eol = this.eol;
    if (t.charCodeAt(p) === DQUOTE) {
      for (let j = p + 1; j < eol; j++) {
        const ch = t.charCodeAt(j);
        if (ch === BACKSLASH) j++;
        else if (ch === DQUOTE) return j + 1;
      }
    } else {
      for (let j = p + 1; j < eol; j++) {
        if (t.charCodeAt(j) === SQUOTE) {
          if (t.charCodeAt(j + 1) === SQUOTE && j + 1 < eol) { j++; continue; }
          return j + 1;
        }
      }
    }
    return bail(); // the string goes on past the line
  }

  private quotedScalar(p: number, e: number, end: number): Scalar {
    const t = this.t;
    let value: string;
    let type: Scalar.Type;
    if (t.charCodeAt(p) === DQUOTE) {
      type = 'QUOTE_DOUBLE';
      const inner = t.slice(p + 1, e - 1);
      value = inner.includes('\\') ? unescapeDoubleQuoted(inner) : inner;
    } else {
      type = 'QUOTE_SINGLE';
      value = t.slice(p + 1, e - 1).replace(/''/g, "'");
    }
    const scalar = new Scalar(value);
    scalar.range = [p, e, end];
    scalar.source = value;
    scalar.type = type;
    return scalar;
  }

  /** A plain scalar resolved as yaml's composer does it: the first default tag whose test matches. */
  private plainScalar(source: string, p: number, e: number, end: number, atKey: boolean): Scalar {
    const c0 = source.charCodeAt(0);
    let scalar: Scalar;
    let format: string | undefined;
    // Every core-schema test (null, bool, int, float) needs one of these first characters.
    if (source.length === 0 || c0 === 126 || c0 === 110 || c0 === 78 || c0 === 116 || c0 === 84 || c0 === 102 || c0 === 70 || (c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === DASH || c0 === DOT) {
      let tag: ScalarTag | undefined;
      for (const candidate of this.tags) {
        if ((candidate.default === true || (atKey && candidate.default === 'key')) && candidate.test?.test(source)) { tag = candidate; break; }
      }
      if (tag) {
        const res = tag.resolve(source, onTagError, this.doc.options);
        scalar = isScalar(res) ? res : new Scalar(res);
        format = tag.format;
      } else {
        scalar = new Scalar(source);
      }
    } else {
      scalar = new Scalar(source);
    }
    scalar.range = [p, e, end];
    scalar.source = source;
    scalar.type = 'PLAIN';
    if (format) scalar.format = format;
    return scalar;
  }

  // ---- flow collections -------------------------------------------------------------------

  /** Offset after the closing bracket of the flow collection last read. */
  private flowEnd = 0;

  /** A single-line flow collection at `s`; its range ends at its closing bracket (callers extend range[2]). */
  private flowCollection(s: number, depth: number): { node: YAMLMap | YAMLSeq; data: unknown } {
    if (this.depth + depth >= MAX_DEPTH) bail();
    const t = this.t;
    const isMap = t.charCodeAt(s) === LBRACE;
    const close = isMap ? RBRACE : RBRACKET;
    const coll = isMap ? new YAMLMap(this.schema) : new YAMLSeq(this.schema);
    coll.flow = true;
    const mapData: Record<string, unknown> = {};
    const seqData: unknown[] = [];
    let keys = 0;
    let p = this.skipSpaces(s + 1);
    if (t.charCodeAt(p) !== close) {
      for (;;) {
        if (isMap) {
          const key = this.flowKey(p);
          p = this.skipSpaces(this.afterColon);
          const value = this.flowValue(p, depth, false);
          (coll as YAMLMap).items.push(new Pair(key, value.node));
          keys |= this.addKey(mapData, key.value, value.data);
        } else {
          const value = this.flowValue(p, depth, true);
          (coll as YAMLSeq).items.push(value.node);
          seqData.push(value.data);
        }
        p = this.flowNext;
        const ch = t.charCodeAt(p);
        if (ch === close) break;
        if (ch !== COMMA) bail();
        p = this.skipSpaces(p + 1);
        if (t.charCodeAt(p) === close || t.charCodeAt(p) === COMMA) bail(); // trailing or empty entry
      }
    }
    if (isMap) this.noteDuplicates(coll as YAMLMap, keys);
    this.flowEnd = p + 1;
    coll.range = [s, p + 1, p + 1];
    return { node: coll, data: isMap ? mapData : seqData };
  }

  /** Where the entry last read by flowValue() ends, its trailing spaces included. */
  private flowNext = 0;

  /** The key of a flow mapping entry at `p`, up to a `: ` (sets afterColon). */
  private flowKey(p: number): Scalar {
    const t = this.t;
    const ch = t.charCodeAt(p);
    let key: Scalar;
    let j: number;
    if (ch === DQUOTE || ch === SQUOTE) {
      const e = this.quotedEnd(p);
      key = this.quotedScalar(p, e, e);
      j = this.skipSpaces(e);
    } else {
      const e = this.scanPlainFlow(p, true);
      key = this.plainScalar(t.slice(p, e), p, e, e, true);
      j = this.skipSpaces(e);
    }
    if (t.charCodeAt(j) !== COLON || t.charCodeAt(j + 1) !== SP || j + 1 >= this.eol) bail();
    this.afterColon = j + 1;
    return key;
  }

  /** A value in a flow collection at `p`: its range[2] takes the spaces after it, as in yaml. */
  private flowValue(p: number, depth: number, inSeq: boolean): { node: YAMLMap | YAMLSeq | Scalar; data: unknown } {
    const t = this.t;
    const ch = t.charCodeAt(p);
    let node: YAMLMap | YAMLSeq | Scalar;
    let data: unknown;
    let e: number;
    if (ch === LBRACE || ch === LBRACKET) {
      const inner = this.flowCollection(p, depth + 1);
      node = inner.node;
      data = inner.data;
      e = this.flowEnd;
    } else if (ch === DQUOTE || ch === SQUOTE) {
      e = this.quotedEnd(p);
      node = this.quotedScalar(p, e, e);
      data = node.value;
    } else {
      e = this.scanPlainFlow(p, false);
      node = this.plainScalar(t.slice(p, e), p, e, e, false);
      data = node.value;
    }
    const next = this.skipSpaces(e);
    // `[a: b]` is a pair in a sequence; after a quoted scalar `:` needs no space. Not handled.
    if (inSeq && t.charCodeAt(next) === COLON) bail();
    node.range![2] = next;
    this.flowNext = next;
    return { node, data };
  }

  /**
   * End (trailing spaces trimmed) of a plain scalar inside a flow collection: at `,`, `]`, `}`
   * or, for a key, `: `. Colons inside, brackets inside, comments and line ends: bail.
   */
  private scanPlainFlow(p: number, key: boolean): number {
    const t = this.t;
    const eol = this.eol;
    this.checkPlainStart(p, true);
    let last = p;
    for (let j = p; j < eol; j++) {
      const ch = t.charCodeAt(j);
      if (ch === COMMA || ch === RBRACKET || ch === RBRACE) return last;
      if (ch === COLON) {
        if (key && t.charCodeAt(j + 1) === SP && j + 1 < eol) return last;
        bail();
      }
      if (ch === LBRACKET || ch === LBRACE) bail();
      if (ch === SP) {
        if (t.charCodeAt(j + 1) === HASH) bail();
      } else {
        last = j + 1;
      }
    }
    return bail(); // the collection goes on past the line
  }

  // ---- data -------------------------------------------------------------------------------

  /**
   * Adds a pair to the plain data as yaml's toJS does. Returns KEY_REPEATED when the data
   * already had that key, KEY_NULL for a null key (whose data key '' differs from the
   * String(key.value) that parse.ts compares).
   */
  private addKey(data: Record<string, unknown>, keyValue: unknown, value: unknown): number {
    const jsKey = keyValue === null ? '' : typeof keyValue === 'string' ? keyValue : String(keyValue);
    let bits = keyValue === null ? KEY_NULL : 0;
    // `in`, not own-property: a key like __proto__ or toString becomes an own data property.
    if (jsKey in data) {
      if (Object.prototype.hasOwnProperty.call(data, jsKey)) bits |= KEY_REPEATED;
      Object.defineProperty(data, jsKey, { value, writable: true, enumerable: true, configurable: true });
    } else {
      data[jsKey] = value;
    }
    return bits;
  }

  /** Whether a finished mapping repeats a key as parse.ts's duplicateKeys sees it (String(key.value)). */
  private noteDuplicates(map: YAMLMap, keys: number): void {
    if (keys & KEY_NULL) {
      const strings = map.items.map((pair) => String((pair.key as Scalar).value));
      if (strings.some((k, i) => strings.indexOf(k) !== i)) this.duplicates = true;
    } else if (keys & KEY_REPEATED) {
      this.duplicates = true;
    }
  }
}

/** yaml's double-quoted escapes on a single line; invalid ones: bail (yaml reports them). */
function unescapeDoubleQuoted(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '\\') { out += ch; continue; }
    const next = s[++i];
    const code = ESCAPES[next];
    if (code !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, next)) { out += code; continue; }
    const length = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (!length) bail();
    const hex = s.substr(i + 1, length);
    if (hex.length !== length || !/^[0-9a-fA-F]+$/.test(hex)) bail();
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) bail();
    out += String.fromCodePoint(cp);
    i += length;
  }
  return out;
}
