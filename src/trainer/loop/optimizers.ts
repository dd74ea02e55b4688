// Optimizers by the name the config uses. One optimizer per model (Adam matches its state
// to variables by position). The learning rate is set from the schedule before each step.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig, OptimizerName } from '../../core/config/types';
import { FusedAdam } from './fusedAdam';

/** tfjs's NamedTensor (not re-exported by the tfjs umbrella package). */
type NamedTensor = { name: string; tensor: tf.Tensor };

export interface StageOptimizer {
  readonly name: OptimizerName;
  setLearningRate(lr: number): void;
  /** Applies gradients for `vars` (gradients keyed by variable name). */
  apply(grads: tf.NamedTensorMap, vars: tf.Variable[]): void;
  /** Optimizer state for checkpoints (by position), or [] when the optimizer keeps none. */
  getWeights(): Promise<NamedTensor[]>;
  setWeights(weights: NamedTensor[]): Promise<void>;
  dispose(): void;
}

/** Adam/SGD/momentum from tfjs, with a settable learning rate. */
class TfjsOptimizer implements StageOptimizer {
  private lr: number;
  constructor(readonly name: OptimizerName, private readonly opt: tf.Optimizer, lr: number, private readonly weightDecay = 0) {
    this.lr = lr;
  }

  setLearningRate(lr: number): void {
    if (lr === this.lr) return;
    this.lr = lr;
    // SGD/momentum keep the rate as a kept scalar and offer setLearningRate; Adam reads the field each step.
    const o = this.opt as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
    if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
    else o.learningRate = lr;
  }

  apply(grads: tf.NamedTensorMap, vars: tf.Variable[]): void {
    this.opt.applyGradients(grads);
    if (this.weightDecay > 0) {
      // AdamW (Loshchilov & Hutter 2019): decay decoupled from the adaptive update, scaled by the current rate.
      const factor = 1 - this.lr * this.weightDecay;
      tf.tidy(() => {
        for (const v of vars) if (v.trainable && grads[v.name]) v.assign(tf.mul(v, factor));
      });
    }
  }

  async getWeights(): Promise<NamedTensor[]> {
    try {
      return await this.opt.getWeights();
    } catch {
      return []; // plain SGD has no state
    }
  }

  async setWeights(weights: NamedTensor[]): Promise<void> {
    if (weights.length) await this.opt.setWeights(weights);
  }

  dispose(): void {
    this.opt.dispose();
  }
}

export interface OptimizerOptions {
  /**
   * Adam/AdamW as one WebAssembly SIMD pass per variable (fusedAdam.ts) instead of tfjs's op
   * chain, with the same results; default true on wasm and cpu, whose tensor memory it reads directly.
   */
  fused?: boolean;
}

export function createOptimizer(config: OptimizerConfig, opts: OptimizerOptions = {}): StageOptimizer {
  const lr = config.learning_rate;
  const fused = (opts.fused ?? true) && (tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu');
  switch (config.name) {
    case 'adam':
      return fused ? new FusedAdam('adam', lr) : new TfjsOptimizer('adam', tf.train.adam(lr), lr);
    case 'adamw':
      return fused ? new FusedAdam('adamw', lr, config.weight_decay ?? 0.01) : new TfjsOptimizer('adamw', tf.train.adam(lr), lr, config.weight_decay ?? 0.01);
    case 'sgd':
      return config.momentum
        ? new TfjsOptimizer('sgd', tf.train.momentum(lr, config.momentum), lr)
        : new TfjsOptimizer('sgd', tf.train.sgd(lr), lr);
    default: {
      const never: never = config.name;
      throw new Error(`unknown optimizer "${String(never)}" (expected adam, sgd or adamw)`);
    }
  }
}
