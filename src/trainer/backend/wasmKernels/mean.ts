// Mean over leading axes as a matmul with a row of 1/count (see leadingAxesReduction.ts).
import * as tf from '@tensorflow/tfjs';
import { makeLeadingAxesReduction } from './leadingAxesReduction';

export function meanConfig(native: tf.KernelFunc): tf.KernelConfig {
  return { kernelName: tf.Mean, backendName: 'wasm', kernelFunc: makeLeadingAxesReduction(native, true) };
}
