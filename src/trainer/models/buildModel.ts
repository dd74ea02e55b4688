// Builds a tfjs functional model from config layers. The last layer's output is the logits.
import * as tf from '@tensorflow/tfjs';
import type { LayerConfig } from '../../core/config/types';
import { buildLayers } from './layerRegistry';

export interface BuildModelOptions {
  /** Model name; also the prefix of unnamed layers (`<name>_<index>_<type>`). */
  name: string;
  /** Input shape without the batch dimension (mnist: [28, 28, 1]). */
  inputShape: number[];
  /** Vocabulary size, for `embedding` layers. */
  vocabSize?: number;
  seed: number;
}

/** The tfjs name a config layer gets. */
export function layerName(modelName: string, index: number, layer: LayerConfig): string {
  return layer.name ?? `${modelName}_${index}_${layer.type}`;
}

export function buildModel(layers: LayerConfig[], opts: BuildModelOptions): tf.LayersModel {
  if (layers.length === 0) throw new Error(`Model '${opts.name}' has no layers.`);
  const seen = new Set<string>();
  const input = tf.input({ shape: opts.inputShape, name: `${opts.name}_input` });
  let x: tf.SymbolicTensor = input;
  layers.forEach((config, index) => {
    const name = layerName(opts.name, index, config);
    if (seen.has(name)) throw new Error(`Model '${opts.name}': layer name '${name}' is used twice (layer ${index + 1}).`);
    seen.add(name);
    try {
      for (const layer of buildLayers(config, { name, seed: opts.seed * 1009 + index * 17, vocabSize: opts.vocabSize })) {
        x = layer.apply(x) as tf.SymbolicTensor;
      }
    } catch (e) {
      throw new Error(`Model '${opts.name}', layer ${index + 1} (${config.type}${config.name ? ` '${config.name}'` : ''}): ${(e as Error).message}`);
    }
  });
  return tf.model({ inputs: input, outputs: x, name: opts.name });
}
