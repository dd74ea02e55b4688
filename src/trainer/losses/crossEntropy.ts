// Student versus the true labels, optionally with label smoothing.
import * as tf from '@tensorflow/tfjs';
import type { CrossEntropyLoss } from '../../core/config/types';
import type { LossDefinition } from './types';
import { batchMean } from './batchMean';
import { crossEntropyRows, oneHotFloat } from './distributions';

export const crossEntropy: LossDefinition<CrossEntropyLoss> = {
  kind: 'cross_entropy',
  title: 'Cross-entropy with the true labels',
  paper: 'Label smoothing: Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J., Wojna, Z. (2016). Rethinking the Inception Architecture for Computer Vision. CVPR 2016.',
  formula: 'CE = (1/B)·Σ_b −Σ_c y_bc·log softmax(z_s)_bc,  y = (1 − ε)·onehot(label) + ε/C',
  options: [
    { name: 'label_smoothing', description: 'ε: the share of probability mass spread evenly over all classes (0 = plain one-hot targets).', default: 0 },
  ],
  needsTeacher: false,
  perExampleSoft: false,
  teacherLayers: () => [],
  studentLayers: () => [],
  create(config) {
    const eps = config.label_smoothing;
    if (!(eps >= 0 && eps < 1)) throw new Error(`cross_entropy "${config.id}": label_smoothing must be in [0, 1), got ${eps}`);
    return {
      trainableVariables: [],
      compute: (ctx) => tf.tidy(() => {
        const onehot = oneHotFloat(ctx.labels, ctx.numClasses);
        const target = eps > 0 ? tf.add(tf.mul(onehot, 1 - eps), eps / ctx.numClasses) as tf.Tensor2D : onehot;
        return batchMean(crossEntropyRows(target, tf.logSoftmax(ctx.studentLogits)));
      }),
      dispose: () => undefined,
    };
  },
};
