// `--set path=value` overrides, applied to the YAML document before validation so that
// diagnostics still point at lines of the (overridden) text, and that text is what runs.
import { isMap, isSeq, parseDocument } from 'yaml';

export class OverrideError extends Error {}

/** `training.epochs` → ['training','epochs']; `distillation.losses.1.weight` and `losses[1].weight` index sequences. */
export function parseOverridePath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const raw of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (raw === '') throw new OverrideError(`--set ${path}: empty path segment`);
    parts.push(/^\d+$/.test(raw) ? Number(raw) : raw);
  }
  return parts;
}

/** Applies `key=value` overrides in order; values are read as YAML (`3`, `true`, `{name: sgd}`, `[1,2]`). */
export function applyOverrides(text: string, sets: string[]): string {
  if (sets.length === 0) return text;
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length) return text; // the validator reports the YAML error with its position
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new OverrideError(`--set ${s}: expected path=value, e.g. --set training.epochs=1`);
    const path = parseOverridePath(s.slice(0, eq).trim());
    const valueText = s.slice(eq + 1);
    const valueDoc = parseDocument(valueText);
    if (valueDoc.errors.length) throw new OverrideError(`--set ${s}: the value is not valid YAML (${valueDoc.errors[0].message.split('\n')[0]})`);
    // Walk the existing nodes so that an index into a missing sequence item is reported, not invented.
    let node: unknown = doc.contents;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i];
      const next = isMap(node) || isSeq(node) ? (node as { get(k: unknown, keepScalar?: boolean): unknown }).get(key, true) : undefined;
      if (typeof path[i + 1] === 'number' && !isSeq(next)) throw new OverrideError(`--set ${s}: ${path.slice(0, i + 1).join('.')} is not a list`);
      if (isSeq(next) && typeof path[i + 1] === 'number' && (path[i + 1] as number) >= next.items.length) {
        throw new OverrideError(`--set ${s}: ${path.slice(0, i + 1).join('.')} has ${next.items.length} item(s); index ${path[i + 1]} is out of range`);
      }
      node = next;
    }
    doc.setIn(path, doc.createNode(valueDoc.toJS()));
  }
  return doc.toString();
}
