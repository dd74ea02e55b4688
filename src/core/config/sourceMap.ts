// Maps JSON paths of the parsed config back to exact ranges in the YAML text.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import type { Position, Range } from './diagnostics';

export type PathSegment = string | number;

/** What a path leads to: the value node and, when it is a map entry, the pair (for the key). */
export interface Located { node?: Node; pair?: Pair<unknown, unknown>; parent?: Node }

export class SourceMap {
  /** Offsets where lines start. \r\n, \r and \n all end a line, as in VS Code (yaml's LineCounter counts \n only). */
  private readonly lineStarts: number[];

  constructor(readonly text: string, readonly doc?: Document) {
    this.lineStarts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) continue; // \r of \r\n: the \n ends the line
      if (c === 10 || c === 13) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid; else hi = mid - 1;
    }
    // An offset inside a \r\n pair belongs to the end of its line.
    const lineEnd = lo + 1 < this.lineStarts.length ? this.lineStarts[lo + 1] : this.text.length;
    const character = Math.min(o, lineEnd) - this.lineStarts[lo];
    return { line: lo, character: Math.max(0, Math.min(character, this.lineLength(lo))) };
  }

  /** Length of line `line` without its line break. */
  lineLength(line: number): number {
    const start = this.lineStarts[line];
    let end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    while (end > start && (this.text[end - 1] === '\n' || this.text[end - 1] === '\r')) end--;
    return end - start;
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Range of the whole line holding `offset` (without its newline). */
  lineRange(offset: number): Range {
    const { line } = this.position(offset);
    return { start: { line, character: 0 }, end: { line, character: this.lineLength(line) } };
  }

  /** The deepest node along `path`; `complete` says whether the whole path was found. */
  locate(path: readonly PathSegment[]): Located & { complete: boolean; depth: number } {
    let node: Node | undefined = (this.doc?.contents ?? undefined) as Node | undefined;
    let found: Located = { node };
    let depth = 0;
    for (const segment of path) {
      node = this.deref(node);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        found = { node: (pair.value ?? undefined) as Node | undefined, pair: pair as Pair<unknown, unknown>, parent: node };
      } else if (isSeq(node) && typeof segment === 'number' || (isSeq(node) && /^\d+$/.test(String(segment)))) {
        const item = (node as { items: unknown[] }).items[Number(segment)] as Node | undefined;
        if (item === undefined) break;
        found = { node: item ?? undefined, parent: node };
      } else {
        break;
      }
      depth++;
      node = found.node;
    }
    return { ...found, complete: depth === path.length, depth };
  }

  private deref(node: Node | undefined): Node | undefined {
    if (node && isAlias(node) && this.doc) {
      try { return (node.resolve(this.doc) ?? undefined) as Node | undefined; } catch { return undefined; }
    }
    return node;
  }

  /** Range of the key at `path` (the key text), falling back to the value or the nearest ancestor. */
  keyRange(path: readonly PathSegment[]): Range {
    const loc = this.locate(path);
    if (loc.complete && loc.pair && isScalar(loc.pair.key) && loc.pair.key.range) {
      return this.range(loc.pair.key.range[0], loc.pair.key.range[1]);
    }
    return this.valueRange(path);
  }

  /**
   * Range of the value at `path`: a scalar's own text; for a block map or list, its key
   * (or its first line) so that a squiggle does not cover the whole block.
   */
  valueRange(path: readonly PathSegment[]): Range {
    const loc = this.locate(path);
    if (!loc.complete) return this.ancestorRange(loc);
    return this.nodeRange(loc);
  }

  private nodeRange(loc: Located): Range {
    const node = loc.node;
    if (node && node.range && (isScalar(node) || isAlias(node) || (node as { flow?: boolean }).flow)) {
      return this.range(node.range[0], node.range[1]);
    }
    if (loc.pair && isScalar(loc.pair.key) && loc.pair.key.range) return this.range(loc.pair.key.range[0], loc.pair.key.range[1]);
    if (node?.range) return this.firstLineRange(node.range[0]);
    return this.range(0, 0);
  }

  /** The key of the entry holding `path`'s parent (for a missing key), or the parent's first line. */
  parentRange(parentPath: readonly PathSegment[]): Range {
    const loc = this.locate(parentPath);
    if (!loc.complete) return this.ancestorRange(loc);
    if (loc.pair && isScalar(loc.pair.key) && loc.pair.key.range) return this.range(loc.pair.key.range[0], loc.pair.key.range[1]);
    if (loc.node?.range) return this.firstLineRange(loc.node.range[0]);
    return this.range(0, 0);
  }

  private ancestorRange(loc: Located): Range {
    if (loc.pair || loc.parent) return this.nodeRange(loc);
    return this.range(0, 0);
  }

  /** From `offset` to the end of its line's content (comments and trailing spaces excluded). */
  firstLineRange(offset: number): Range {
    const start = this.position(offset);
    let line = this.text.substr(offset, this.lineLength(start.line) - start.character);
    const hash = line.search(/\s#/);
    if (hash >= 0) line = line.slice(0, hash);
    return this.range(offset, offset + line.trimEnd().length);
  }
}
