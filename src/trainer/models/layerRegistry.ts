// One builder per config layer type (the registry the config's `layers:` entries are looked
// up in). A builder returns the tfjs layers to apply in order; the last one carries the
// config's name, so a named layer's output is what feature losses read.
import * as tf from '@tensorflow/tfjs';
import type { Activation, LayerConfig, LayerType } from '../../core/config/types';

export interface LayerBuildContext {
  /** The name the (last) tfjs layer gets: the config's `name`, else `<model>_<index>_<type>`. */
  name: string;
  /** Seed for this layer's initialisers and dropout; derived from the model seed and index. */
  seed: number;
  vocabSize?: number;
}

type Builder<C extends LayerConfig> = (config: C, ctx: LayerBuildContext) => tf.layers.Layer[];
type Registry = { [T in LayerType]: Builder<Extract<LayerConfig, { type: T }>> };

// Keras' default for LeakyReLU.
const LEAKY_RELU_ALPHA = 0.3;

const kernelInit = (seed: number) => tf.initializers.glorotUniform({ seed });

/**
 * tfjs has no `leaky_relu` activation string: such a layer is built linear and followed by a
 * LeakyReLU layer, which then carries the name (so the named output is post-activation).
 */
function withActivation(
  activation: Activation, ctx: LayerBuildContext,
  make: (name: string, activation: string) => tf.layers.Layer,
): tf.layers.Layer[] {
  if (activation !== 'leaky_relu') return [make(ctx.name, activation)];
  return [make(`${ctx.name}_linear`, 'linear'), tf.layers.leakyReLU({ alpha: LEAKY_RELU_ALPHA, name: ctx.name })];
}

type TfActivation = Parameters<typeof tf.layers.dense>[0]['activation'];

export const layerRegistry: Registry = {
  dense: (c, ctx) => withActivation(c.activation, ctx, (name, activation) => tf.layers.dense({
    name, units: c.units, activation: activation as TfActivation, useBias: c.use_bias,
    kernelInitializer: kernelInit(ctx.seed), biasInitializer: 'zeros',
  })),
  conv1d: (c, ctx) => withActivation(c.activation, ctx, (name, activation) => tf.layers.conv1d({
    name, filters: c.filters, kernelSize: c.kernel, strides: c.stride, padding: c.padding,
    activation: activation as TfActivation, kernelInitializer: kernelInit(ctx.seed),
  })),
  conv2d: (c, ctx) => withActivation(c.activation, ctx, (name, activation) => tf.layers.conv2d({
    name, filters: c.filters, kernelSize: c.kernel, strides: c.stride, padding: c.padding,
    activation: activation as TfActivation, kernelInitializer: kernelInit(ctx.seed),
  })),
  maxpool1d: (c, ctx) => [tf.layers.maxPooling1d({ name: ctx.name, poolSize: c.pool, strides: c.stride ?? c.pool })],
  maxpool2d: (c, ctx) => [tf.layers.maxPooling2d({ name: ctx.name, poolSize: c.pool, strides: c.stride ?? c.pool })],
  avgpool2d: (c, ctx) => [tf.layers.averagePooling2d({ name: ctx.name, poolSize: c.pool, strides: c.stride ?? c.pool })],
  global_avg_pool1d: (_c, ctx) => [tf.layers.globalAveragePooling1d({ name: ctx.name })],
  global_avg_pool2d: (_c, ctx) => [tf.layers.globalAveragePooling2d({ name: ctx.name })],
  flatten: (_c, ctx) => [tf.layers.flatten({ name: ctx.name })],
  dropout: (c, ctx) => [tf.layers.dropout({ name: ctx.name, rate: c.rate, seed: ctx.seed })],
  batchnorm: (c, ctx) => [tf.layers.batchNormalization({ name: ctx.name, momentum: c.momentum, epsilon: c.epsilon })],
  embedding: (c, ctx) => {
    if (!ctx.vocabSize || ctx.vocabSize < 1) {
      throw new Error(`Layer '${ctx.name}' (embedding) needs the vocabulary size: set data.text.vocab_size (text data only).`);
    }
    return [tf.layers.embedding({
      name: ctx.name, inputDim: ctx.vocabSize, outputDim: c.dim,
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: ctx.seed }),
    })];
  },
  // Glorot rather than Keras' orthogonal recurrent init: tfjs computes orthogonal matrices
  // with a slow QR and warns above 2,000 elements.
  lstm: (c, ctx) => [tf.layers.lstm({
    name: ctx.name, units: c.units, returnSequences: c.return_sequences,
    kernelInitializer: kernelInit(ctx.seed), recurrentInitializer: kernelInit(ctx.seed + 1),
  })],
  gru: (c, ctx) => [tf.layers.gru({
    name: ctx.name, units: c.units, returnSequences: c.return_sequences,
    kernelInitializer: kernelInit(ctx.seed), recurrentInitializer: kernelInit(ctx.seed + 1),
  })],
  reshape: (c, ctx) => [tf.layers.reshape({ name: ctx.name, targetShape: c.shape })],
  activation: (c, ctx) => c.fn === 'leaky_relu'
    ? [tf.layers.leakyReLU({ name: ctx.name, alpha: LEAKY_RELU_ALPHA })]
    : [tf.layers.activation({ name: ctx.name, activation: c.fn as TfActivation & string })],
};

export function buildLayers(config: LayerConfig, ctx: LayerBuildContext): tf.layers.Layer[] {
  const builder = layerRegistry[config.type] as Builder<LayerConfig> | undefined;
  if (!builder) throw new Error(`Layer '${ctx.name}': unknown layer type '${(config as { type: string }).type}'.`);
  return builder(config, ctx);
}
