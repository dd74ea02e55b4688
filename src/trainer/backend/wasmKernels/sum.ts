// Sum over leading axes as a matmul with ones (see leadingAxesReduction.ts).
import * as tf from '@tensorflow/tfjs';
import { makeLeadingAxesReduction } from './leadingAxesReduction';

export function sumConfig(native: tf.KernelFunc): tf.KernelConfig {
  return { kernelName: tf.Sum, backendName: 'wasm', kernelFunc: makeLeadingAxesReduction(native, false) };
}
