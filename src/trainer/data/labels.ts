// Class names from raw label values, shared by the csv and jsonl loaders.

/**
 * Distinct labels, sorted so that class ids do not depend on row order: numerically when
 * every label is a number (so "2" < "10"), else by code point.
 */
export function indexLabels(raw: string[]): { classNames: string[]; labels: Int32Array } {
  const distinct = [...new Set(raw)];
  const numeric = distinct.every((s) => s.trim() !== '' && Number.isFinite(Number(s)));
  distinct.sort(numeric ? (a, b) => Number(a) - Number(b) || (a < b ? -1 : 1) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const id = new Map(distinct.map((c, i) => [c, i]));
  return { classNames: distinct, labels: Int32Array.from(raw, (r) => id.get(r)!) };
}
