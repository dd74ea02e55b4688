// Cross-entropy against the teacher's predicted class.
import * as tf from '@tensorflow/tfjs';
import type { HardKdLoss } from '../../core/config/types';
import type { LossDefinition } from './types';
import { batchMean } from './batchMean';
import { crossEntropyRows, oneHotFloat } from './distributions';

export const hardKd: LossDefinition<HardKdLoss> = {
  kind: 'hard_kd',
  title: 'Hard-label distillation (teacher argmax)',
  paper: 'Touvron, H., Cord, M., Douze, M., Massa, F., Sablayrolles, A., Jégou, H. (2021). Training data-efficient image transformers & distillation through attention. ICML 2021 (hard-label distillation).',
  formula: 'HKD = (1/B)·Σ_b −log softmax(z_s)_b[argmax_c z_t,bc]',
  options: [],
  needsTeacher: true,
  perExampleSoft: true,
  teacherLayers: () => [],
  studentLayers: () => [],
  create() {
    return {
      trainableVariables: [],
      compute: (ctx) => tf.tidy(() => {
        const target = oneHotFloat(tf.argMax(ctx.teacherLogits, -1) as tf.Tensor1D, ctx.numClasses);
        return batchMean(crossEntropyRows(target, tf.logSoftmax(ctx.studentLogits)), ctx.exampleWeights);
      }),
      dispose: () => undefined,
    };
  },
};
