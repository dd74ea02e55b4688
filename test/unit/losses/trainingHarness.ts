// Tiny teacher/student models and a training loop around the objective, for the training tests.
import * as tf from '@tensorflow/tfjs';
import type { DistillationConfig } from '../../../src/core/config/types';
import { createObjective, type Objective } from '../../../src/trainer/losses/objective';
import type { LayerShapes, LossContext } from '../../../src/trainer/losses/types';

export interface Forward { logits: tf.Tensor2D; features: Record<string, tf.Tensor> }

/** Applies the layers one by one so every named activation is available (as the loop's taps are). */
export function forward(model: tf.Sequential, x: tf.Tensor): Forward {
  const features: Record<string, tf.Tensor> = {};
  let h = x;
  for (const layer of model.layers) {
    h = layer.apply(h) as tf.Tensor;
    features[layer.name] = h;
  }
  return { logits: h as tf.Tensor2D, features };
}

export function shapesOf(student: tf.Sequential, teacher: tf.Sequential): LayerShapes {
  const of = (m: tf.Sequential) => (name: string) => {
    const shape = m.getLayer(name).outputShape as number[];
    return shape.slice(1);
  };
  return { student: of(student), teacher: of(teacher) };
}

export function mlp(prefix: string, inputs: number, hidden: number, classes: number, seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [inputs], units: hidden, activation: 'relu', name: `${prefix}_hidden`, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: classes, name: `${prefix}_logits`, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

export function convNet(prefix: string, filters: number, classes: number, seed: number): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters, kernelSize: 3, padding: 'same', activation: 'relu', name: `${prefix}_conv`, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.flatten({ name: `${prefix}_flat` }),
      tf.layers.dense({ units: classes, name: `${prefix}_logits`, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

export interface TrainResult { losses: number[]; terms: Record<string, number>[]; metrics: Record<string, number>[] }

function contextOf(s: Forward, t: Forward, labels: tf.Tensor1D, numClasses: number, step: number, stepsPerEpoch: number): LossContext {
  const epochProgress = step / stepsPerEpoch;
  return {
    studentLogits: s.logits,
    teacherLogits: t.logits,
    labels,
    studentFeature: (l) => { const f = s.features[l]; if (!f) throw new Error(`no student layer ${l}`); return f; },
    teacherFeature: (l) => { const f = t.features[l]; if (!f) throw new Error(`no teacher layer ${l}`); return f; },
    numClasses,
    epoch: Math.floor(epochProgress),
    step,
    epochProgress,
    training: true,
  };
}

/**
 * Adam on the student and the objective's own variables for `steps` steps on one fixed batch,
 * the discriminator (if any) stepping after each. Records the total and each unweighted term.
 */
export function train(d: DistillationConfig, student: tf.Sequential, teacher: tf.Sequential, x: tf.Tensor, labels: tf.Tensor1D, steps: number, opts: { lr?: number; afterStep?: boolean } = {}): TrainResult {
  const numClasses = (student.outputs[0].shape[1] as number);
  const stepsPerEpoch = 10;
  const objective: Objective = createObjective(d, shapesOf(student, teacher), { stepsPerEpoch, totalEpochs: Math.ceil(steps / stepsPerEpoch) });
  const optimizer = tf.train.adam(opts.lr ?? 0.01);
  const teacherOut = tf.tidy(() => {
    const f = forward(teacher, x);
    return { logits: f.logits, features: f.features };
  });
  const vars = [...student.trainableWeights.map((w) => w.read() as tf.Variable), ...objective.trainableVariables];
  const result: TrainResult = { losses: [], terms: [], metrics: [] };
  try {
    for (let step = 0; step < steps; step++) {
      let terms: Record<string, number> = {};
      const cost = optimizer.minimize(() => {
        const r = objective.compute(contextOf(forward(student, x), teacherOut, labels, numClasses, step, stepsPerEpoch));
        terms = Object.fromEntries(Object.entries(r.terms).map(([k, v]) => [k, v.value.dataSync()[0]]));
        return r.total;
      }, true, vars)!;
      result.losses.push(cost.dataSync()[0]);
      cost.dispose();
      result.terms.push(terms);
      if (opts.afterStep !== false) {
        result.metrics.push(tf.tidy(() => objective.afterStep(contextOf(forward(student, x), teacherOut, labels, numClasses, step, stepsPerEpoch))));
      }
    }
  } finally {
    objective.dispose();
    optimizer.dispose();
    tf.dispose(teacherOut as unknown as tf.TensorContainer);
  }
  return result;
}

/** Mean of the first and last `n` entries. */
export function firstAndLast(xs: number[], n = 5): { first: number; last: number } {
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  return { first: mean(xs.slice(0, n)), last: mean(xs.slice(-n)) };
}
