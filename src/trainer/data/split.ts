// Deterministic, stratified train / validation / test split.
import type { SplitConfig } from '../../core/config/types';
import { DataError, type SplitName } from './types';
import { mulberry32, shuffleInPlace } from './random';

export interface SplitIndices { train: Int32Array; validation?: Int32Array; test: Int32Array }

/**
 * Turns the config's counts (>= 1) or fractions (< 1) into example counts. Fractions are
 * rounded at their cumulative boundaries so that e.g. 0.8 + 0.2 uses every example.
 */
export function resolveSplitCounts(split: SplitConfig, total: number): { train: number; validation?: number; test: number } {
  if (split.train === undefined || split.test === undefined) throw new DataError('split needs both `train` and `test` (counts or fractions)');
  const parts: [SplitName, number | undefined][] = [['train', split.train], ['validation', split.validation], ['test', split.test]];
  const out: Partial<Record<SplitName, number>> = {};
  let cumFraction = 0;
  for (const [name, v] of parts) {
    if (v === undefined) continue;
    if (!Number.isFinite(v) || v <= 0) throw new DataError(`split.${name} must be a positive count or a fraction in (0, 1), got ${v}`);
    let n: number;
    if (v < 1) {
      n = Math.round((cumFraction + v) * total) - Math.round(cumFraction * total);
      cumFraction += v;
    } else {
      if (!Number.isInteger(v)) throw new DataError(`split.${name} is a count (>= 1) and must be a whole number, got ${v}`);
      n = v;
    }
    if (n === 0) throw new DataError(`split.${name} = ${v} selects no examples of the ${total} in the dataset`);
    out[name] = n;
  }
  const used = (out.train ?? 0) + (out.validation ?? 0) + (out.test ?? 0);
  if (cumFraction > 1 + 1e-9) throw new DataError(`split fractions add up to ${+cumFraction.toFixed(6)}, more than 1`);
  if (used > total) {
    const asked = parts.filter(([, v]) => v !== undefined).map(([k]) => `${k} ${out[k]}`).join(' + ');
    throw new DataError(`split asks for ${used} examples (${asked}) but the dataset has only ${total}`);
  }
  return { train: out.train!, validation: out.validation, test: out.test! };
}

/**
 * Stratified split: within each class the examples are shuffled, then all examples are
 * ordered by (k + u_c) / m_c (k-th example of class c, m_c its size, u_c a random
 * offset). Any run of that order holds the classes in proportion (±1 each), so train,
 * validation and test, taken as consecutive runs, all keep the class balance, even for
 * small subsets. Each part is shuffled again so that batches do not cycle through classes.
 */
export function splitIndices(labels: Int32Array, numClasses: number, split: SplitConfig, seed: number): SplitIndices {
  const counts = resolveSplitCounts(split, labels.length);
  const rand = mulberry32(seed);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const keyed: { i: number; key: number; c: number }[] = [];
  for (let c = 0; c < numClasses; c++) {
    const members = shuffleInPlace(byClass[c], rand);
    const offset = rand();
    members.forEach((i, k) => keyed.push({ i, key: (k + offset) / members.length, c }));
  }
  keyed.sort((a, b) => a.key - b.key || a.c - b.c);
  let pos = 0;
  const take = (n: number): Int32Array => {
    const part = Int32Array.from(keyed.slice(pos, pos + n), (e) => e.i);
    pos += n;
    return shuffleInPlace(part, rand);
  };
  const train = take(counts.train);
  const validation = counts.validation !== undefined ? take(counts.validation) : undefined;
  const test = take(counts.test);
  return { train, validation, test };
}
