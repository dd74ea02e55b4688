// Where a config's `name` and each loss term sit in its text, with the term ids the
// trainer gives them (DESIGN: `id`, else `kind`, suffixed `_2`, `_3` when repeated), so
// that inline results land on the right lines even while the file does not validate.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Range } from '../config/diagnostics';

export interface OutlineTerm { id: string; kind: string; range: Range }
export interface ConfigOutline {
  name?: { value: string; keyRange: Range };
  losses: OutlineTerm[];
}

function rangeOf(node: Node | null | undefined, lc: LineCounter): Range | undefined {
  if (!node?.range) return undefined;
  const a = lc.linePos(node.range[0]);
  const b = lc.linePos(node.range[1]);
  return { start: { line: a.line - 1, character: a.col - 1 }, end: { line: b.line - 1, character: b.col - 1 } };
}

function scalarString(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

export function outlineConfig(text: string): ConfigOutline {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, keepSourceTokens: false, uniqueKeys: false });
  const out: ConfigOutline = { losses: [] };
  const root = doc.contents;
  if (!isMap(root)) return out;
  for (const pair of root.items) {
    if (scalarString(pair.key) !== 'name') continue;
    const value = scalarString(pair.value);
    const keyRange = rangeOf(pair.key as Node, lc);
    if (value !== undefined && keyRange) out.name = { value, keyRange };
  }
  const losses = doc.getIn(['distillation', 'losses'], true);
  if (!isSeq(losses)) return out;
  const seen = new Map<string, number>();
  for (const item of losses.items) {
    if (!isMap(item)) continue;
    const kind = scalarString(item.get('kind', true));
    const range = rangeOf(item as Node, lc);
    if (!kind || !range) continue;
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    const id = scalarString(item.get('id', true)) ?? (n === 1 ? kind : `${kind}_${n}`);
    out.losses.push({ id, kind, range });
  }
  return out;
}
