// Views of a model that also expose named layers' activations, for feature losses.
import * as tf from '@tensorflow/tfjs';

function findLayer(model: tf.LayersModel, name: string): tf.layers.Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) {
    const names = model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.name);
    throw new Error(`Model '${model.name}' has no layer named '${name}'. Layers: ${names.join(', ')}.`);
  }
  return layer;
}

/**
 * A model with outputs [logits, ...outputs of `layerNames`] built on the same layers, so it
 * shares (not copies) the weights: training either trains both.
 */
export function tapModel(model: tf.LayersModel, layerNames: string[]): tf.LayersModel {
  if (layerNames.length === 0) return model;
  const taps = layerNames.map((n) => findLayer(model, n).output as tf.SymbolicTensor);
  return tf.model({ inputs: model.inputs, outputs: [model.outputs[0], ...taps], name: `${model.name}_tapped` });
}

/** Output shape of a named layer without the batch dimension. */
export function layerOutputShape(model: tf.LayersModel, name: string): number[] {
  const shape = findLayer(model, name).outputShape;
  if (Array.isArray(shape[0])) throw new Error(`Layer '${name}' of '${model.name}' has several outputs.`);
  const dims = (shape as (number | null)[]).slice(1);
  if (dims.some((d) => d == null)) throw new Error(`Layer '${name}' of '${model.name}' has an unknown dimension: ${JSON.stringify(shape)}.`);
  return dims as number[];
}

export function countParams(model: tf.LayersModel): number {
  return model.countParams();
}
