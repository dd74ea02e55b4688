// Every distillation method, by the `kind` the config uses.
import type { LossConfig, LossKind } from '../../core/config/types';
import type { LossDefinition } from './types';
import { crossEntropy } from './crossEntropy';
import { softKd } from './softKd';
import { hardKd } from './hardKd';
import { hint } from './hint';
import { attention } from './attention';
import { similarity } from './similarity';
import { relational } from './relational';
import { pkt } from './pkt';
import { dkd } from './dkd';
import { adversarial } from './adversarial';

type DefinitionFor<K extends LossKind> = LossDefinition<Extract<LossConfig, { kind: K }>>;

/** Typed so that adding a kind to LossConfig is a compile error until it is registered here. */
export const lossRegistry: { readonly [K in LossKind]: DefinitionFor<K> } = {
  cross_entropy: crossEntropy,
  soft_kd: softKd,
  hard_kd: hardKd,
  hint,
  attention,
  similarity,
  relational,
  pkt,
  dkd,
  adversarial,
};

export const lossKinds = Object.keys(lossRegistry) as LossKind[];

export function getLossDefinition<K extends LossKind>(kind: K): DefinitionFor<K> {
  const def = (lossRegistry as unknown as Record<string, DefinitionFor<K> | undefined>)[kind];
  if (!def) throw new Error(`unknown loss kind "${String(kind)}"; known kinds: ${lossKinds.join(', ')}`);
  return def;
}
