// The outline (document symbols) and folding ranges of a config. Symbols come from the
// tolerant yaml AST: top-level sections, each layer as `0: conv2d (features)`, each loss
// term by its id or kind. Folding is by indentation, so it works while the YAML is broken.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import type { Range } from '../config/diagnostics';
import { scanLines } from './documentLines';

export type SymbolKind = 'section' | 'key' | 'list' | 'layer' | 'loss' | 'value';

export interface DocumentSymbolEntry {
  name: string;
  detail: string;
  kind: SymbolKind;
  range: Range;
  selectionRange: Range;
  children: DocumentSymbolEntry[];
}

const MAX_DEPTH = 6;

export function documentSymbols(text: string): DocumentSymbolEntry[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, strict: false });
  const pos = (offset: number) => {
    const p = lineCounter.linePos(Math.min(offset, text.length));
    return { line: p.line - 1, character: p.col - 1 };
  };
  const rangeOf = (start: number, end: number): Range => {
    // Node ranges run to the start of the next line; a symbol ends at its last character.
    let e = Math.max(start, end);
    while (e > start && /\s/.test(text[e - 1] ?? '')) e--;
    return { start: pos(start), end: pos(e) };
  };

  const scalarText = (n: unknown): string => (isScalar(n) && n.value !== null && typeof n.value !== 'object' ? String(n.value) : '');

  const fromMap = (node: Node, depth: number, path: string[]): DocumentSymbolEntry[] => {
    if (!isMap(node) || depth > MAX_DEPTH) return [];
    const out: DocumentSymbolEntry[] = [];
    for (const pair of node.items as Pair<Node, Node>[]) {
      if (!isScalar(pair.key) || !pair.key.range) continue;
      const name = String(pair.key.value);
      const start = pair.key.range[0];
      const end = pair.value?.range?.[1] ?? pair.key.range[1];
      const sel = rangeOf(pair.key.range[0], pair.key.range[1]);
      const children = childrenOf(pair.value, depth + 1, [...path, name]);
      out.push({
        name,
        detail: scalarText(pair.value) || (isSeq(pair.value) ? `${pair.value.items.length} items` : ''),
        kind: depth === 0 ? 'section' : isSeq(pair.value) ? 'list' : isMap(pair.value) ? 'key' : 'value',
        range: rangeOf(start, end),
        selectionRange: sel,
        children,
      });
    }
    return out;
  };

  const childrenOf = (value: Node | null | undefined, depth: number, path: string[]): DocumentSymbolEntry[] => {
    if (!value) return [];
    if (isMap(value)) return fromMap(value, depth, path);
    if (!isSeq(value) || depth > MAX_DEPTH) return [];
    const isLayers = path[path.length - 1] === 'layers';
    const isLosses = path[path.length - 1] === 'losses';
    return (value.items as Node[]).flatMap((item, i): DocumentSymbolEntry[] => {
      if (!item?.range) return [];
      const r = rangeOf(item.range[0], item.range[1]);
      if (isLayers && isMap(item)) {
        const [first] = item.items as Pair<Node, Node>[];
        const type = first && isScalar(first.key) ? String(first.key.value) : '?';
        const options = first?.value;
        const layerName = isMap(options) ? scalarText(options.get('name', true)) : '';
        return [{ name: `${i}: ${type}${layerName ? ` (${layerName})` : ''}`, detail: '', kind: 'layer' as const, range: r, selectionRange: r, children: [] }];
      }
      if (isLosses && isMap(item)) {
        const id = scalarText(item.get('id', true));
        const kind = scalarText(item.get('kind', true));
        return [{ name: id || kind || `loss ${i}`, detail: id && kind ? kind : scalarText(item.get('weight', true)) ? `weight ${scalarText(item.get('weight', true))}` : '', kind: 'loss' as const, range: r, selectionRange: r, children: fromMap(item, depth + 1, [...path, String(i)]) }];
      }
      if (isMap(item)) return [{ name: String(i), detail: '', kind: 'key' as const, range: r, selectionRange: r, children: fromMap(item, depth + 1, [...path, String(i)]) }];
      return [{ name: String(i), detail: scalarText(item), kind: 'value' as const, range: r, selectionRange: r, children: [] }];
    });
  };

  return doc.contents ? fromMap(doc.contents as Node, 0, []) : [];
}

export interface FoldingRangeEntry { startLine: number; endLine: number; kind?: 'comment' }

export function foldingRanges(text: string, tabSize?: number): FoldingRangeEntry[] {
  const lines = scanLines(text, tabSize);
  const out: FoldingRangeEntry[] = [];
  const indentOf = (i: number): number => {
    const l = lines[i];
    return l.structural ? l.entries[0].col : -1;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (!l.structural) continue;
    // Each dash and key on the line opens a region for the lines indented deeper than it.
    const col = l.entries[0].col;
    const last = l.entries[l.entries.length - 1];
    // `layers:` may hold a sequence written at its own indentation.
    const opensSameIndentSeq = last.kind === 'key' && !last.value && last.col === col;
    let end = i;
    for (let k = i + 1; k < lines.length; k++) {
      const t = lines[k].text.trim();
      if (t === '' || t.startsWith('#')) continue;
      if (lines[k].structural) {
        const ind = indentOf(k);
        if (ind < col) break;
        if (ind === col && !(opensSameIndentSeq && lines[k].entries[0].kind === 'dash')) break;
      }
      end = k;
    }
    if (end > i) out.push({ startLine: i, endLine: end });
  }
  // Runs of two or more comment lines.
  let start = -1;
  for (let i = 0; i <= lines.length; i++) {
    const isComment = i < lines.length && lines[i].text.trim().startsWith('#');
    if (isComment && start < 0) start = i;
    if (!isComment && start >= 0) {
      if (i - 1 > start) out.push({ startLine: start, endLine: i - 1, kind: 'comment' });
      start = -1;
    }
  }
  return out;
}
