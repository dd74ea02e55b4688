// Adversarial distillation: a discriminator learns to tell teacher outputs from student outputs;
// the student learns to make its outputs indistinguishable.
import * as tf from '@tensorflow/tfjs';
import type { AdversarialLoss, LayerPair } from '../../core/config/types';
import type { LossContext, LossDefinition, LossTerm, NamedTensor } from './types';
import { flattenBatch, sizeOf } from './featureGeometry';
import { createProjection, seedFrom, type Projection } from './projection';

interface DenseLayerVars { w: tf.Variable; b: tf.Variable }

/** A small MLP with leaky-ReLU hidden layers and one logit out ("teacher" > 0). */
class Discriminator {
  readonly layers: DenseLayerVars[] = [];

  constructor(inputs: number, hidden: number[], seed: number) {
    const widths = [inputs, ...hidden, 1];
    for (let i = 0; i + 1 < widths.length; i++) {
      // trainable = false except during its own step (see `train`): the discriminator must never
      // enter the student's update, even when a caller takes gradients of every trainable variable.
      this.layers.push(tf.tidy(() => ({
        w: tf.variable(tf.initializers.glorotUniform({ seed: seed + i }).apply([widths[i], widths[i + 1]]) as tf.Tensor2D, false),
        b: tf.variable(tf.zeros([widths[i + 1]]), false),
      })));
    }
  }

  get variables(): tf.Variable[] {
    return this.layers.flatMap((l) => [l.w, l.b]);
  }

  /** Logits, shape [B]. */
  apply(x: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      this.layers.forEach((l, i) => {
        h = tf.add(tf.matMul(h, l.w), l.b) as tf.Tensor2D;
        if (i + 1 < this.layers.length) h = tf.leakyRelu(h, 0.2) as tf.Tensor2D;
      });
      return tf.reshape(h, [-1]) as tf.Tensor1D;
    });
  }

  /** One optimizer step on its own variables; returns the loss. */
  train(optimizer: tf.Optimizer, loss: () => tf.Scalar): tf.Scalar | null {
    const vars = this.variables;
    vars.forEach((v) => { v.trainable = true; });
    try {
      return optimizer.minimize(loss, true, vars);
    } finally {
      vars.forEach((v) => { v.trainable = false; });
    }
  }

  dispose(): void {
    this.variables.forEach((v) => v.dispose());
  }
}

/** −log σ(x) = softplus(−x), mean over the batch. */
function meanNegLogSigmoid(x: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.softplus(tf.neg(x))) as tf.Scalar);
}

export const adversarial: LossDefinition<AdversarialLoss> = {
  kind: 'adversarial',
  title: 'Adversarial distillation',
  paper: 'Wang, Y., Xu, C., Xu, C., Tao, D. (2018). Adversarial Learning of Portable Student Networks. AAAI 2018. Non-saturating generator loss: Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A., Bengio, Y. (2014). Generative Adversarial Nets. NeurIPS 2014.',
  formula: 'D: MLP → logit;  discriminator step (own Adam): min_D −mean log σ(D(h_t)) − mean log(1 − σ(D(h_s)));  student: ADV = −mean_b log σ(D(h_s,b))  (h = logits, or layer features with the student side projected to the teacher\'s width)',
  options: [
    { name: 'on', description: '`logits`, or {teacher_layer, student_layer}: the outputs the discriminator sees. A student layer is mapped to the teacher layer\'s width by a trainable linear projection.', default: 'logits' },
    { name: 'hidden_units', description: 'Widths of the discriminator\'s hidden layers (leaky ReLU).', default: [64] },
    { name: 'discriminator_learning_rate', description: 'Learning rate of the discriminator\'s own Adam optimizer; it takes one step after every student step.', default: 0.001 },
  ],
  needsTeacher: true,
  perExampleSoft: false,
  teacherLayers: (c) => (c.on === 'logits' ? [] : [c.on.teacher_layer]),
  studentLayers: (c) => (c.on === 'logits' ? [] : [c.on.student_layer]),
  create(config, shapes): LossTerm {
    if (!(config.discriminator_learning_rate > 0)) throw new Error(`adversarial "${config.id}": discriminator_learning_rate must be > 0, got ${config.discriminator_learning_rate}`);
    if (config.hidden_units.some((u) => !(Number.isInteger(u) && u > 0))) throw new Error(`adversarial "${config.id}": hidden_units must be positive integers, got ${JSON.stringify(config.hidden_units)}`);
    const pair: LayerPair | null = config.on === 'logits' ? null : config.on;
    const seed = seedFrom(config.id);
    let projection: Projection | null = null;
    let inputWidth: number | null = null;
    if (pair) {
      const ts = shapes.teacher(pair.teacher_layer);
      inputWidth = sizeOf(ts);
      const label = `adversarial "${config.id}" (student layer "${pair.student_layer}" → teacher layer "${pair.teacher_layer}")`;
      projection = createProjection('linear', shapes.student(pair.student_layer), [inputWidth], label, seed);
    }
    // On logits the width is only known from the first batch.
    let discriminator: Discriminator | null = inputWidth === null ? null : new Discriminator(inputWidth, config.hidden_units, seed + 1);
    const optimizer = tf.train.adam(config.discriminator_learning_rate, 0.5, 0.999);

    const studentSide = (ctx: LossContext): tf.Tensor2D => tf.tidy(() => {
      const x = pair ? ctx.studentFeature(pair.student_layer) : ctx.studentLogits;
      return projection ? flattenBatch(projection.apply(x)) : flattenBatch(x);
    });
    const teacherSide = (ctx: LossContext): tf.Tensor2D => flattenBatch(pair ? ctx.teacherFeature(pair.teacher_layer) : ctx.teacherLogits);
    const ensure = (width: number): Discriminator => {
      if (!discriminator) discriminator = new Discriminator(width, config.hidden_units, seed + 1);
      return discriminator;
    };

    return {
      trainableVariables: projection ? projection.variables : [],
      compute: (ctx) => tf.tidy(() => {
        const hs = studentSide(ctx);
        return meanNegLogSigmoid(ensure(hs.shape[1]).apply(hs));
      }),
      afterStep: (ctx) => {
        // One tidy for the whole step: hs/ht may be the context's own tensors (flattenBatch passes
        // rank-2 inputs through), which must not be disposed here.
        const { accuracy, loss } = tf.tidy(() => {
          const hs = studentSide(ctx);
          const ht = teacherSide(ctx);
          const d = ensure(hs.shape[1]);
          // Accuracy of the discriminator on this batch, measured before its update.
          const correctT = tf.sum(tf.cast(tf.greater(d.apply(ht), 0), 'float32'));
          const correctS = tf.sum(tf.cast(tf.lessEqual(d.apply(hs), 0), 'float32'));
          const acc = tf.div(tf.add(correctT, correctS), hs.shape[0] + ht.shape[0]) as tf.Scalar;
          const l = d.train(optimizer, () => tf.add(meanNegLogSigmoid(d.apply(ht)), meanNegLogSigmoid(tf.neg(d.apply(hs)) as tf.Tensor1D)) as tf.Scalar);
          return { accuracy: acc, loss: l ?? tf.scalar(NaN) };
        });
        const metrics = { discriminator_accuracy: accuracy.dataSync()[0], discriminator_loss: loss.dataSync()[0] };
        tf.dispose([accuracy, loss]);
        return metrics;
      },
      state: {
        // The discriminator's layers and its Adam ([iter, ...m, ...v] in getWeights order, which
        // setWeights reads by position): without them a resumed student faces a fresh adversary.
        save: async () => {
          const out: NamedTensor[] = [];
          discriminator?.layers.forEach((l, i) => out.push({ name: `discriminator/${i}/w`, tensor: l.w.clone() }, { name: `discriminator/${i}/b`, tensor: l.b.clone() }));
          const opt = await optimizer.getWeights();
          // getWeights hands out Adam's own slot variables (copied here) and a fresh iteration scalar.
          opt.forEach((w, k) => out.push({ name: `optimizer/${k}`, tensor: w.tensor instanceof tf.Variable ? w.tensor.clone() : w.tensor }));
          return out;
        },
        load: async (tensors) => {
          const byName = new Map(tensors.map((t) => [t.name, t.tensor] as const));
          const w0 = byName.get('discriminator/0/w');
          if (w0) {
            // On logits the discriminator is created by the first batch: recreate it at the saved width.
            const d = ensure(w0.shape[0]);
            const saved = tensors.filter((t) => t.name.startsWith('discriminator/'));
            const fits = saved.length === 2 * d.layers.length && d.layers.every((l, i) => {
              const w = byName.get(`discriminator/${i}/w`);
              const b = byName.get(`discriminator/${i}/b`);
              return w && b && tf.util.arraysEqual(w.shape, l.w.shape) && tf.util.arraysEqual(b.shape, l.b.shape);
            });
            if (!fits) throw new Error(`adversarial "${config.id}": the checkpoint's discriminator (${saved.map((t) => `${t.name} [${t.tensor.shape}]`).join(', ')}) does not match hidden_units ${JSON.stringify(config.hidden_units)}`);
            d.layers.forEach((l, i) => { l.w.assign(byName.get(`discriminator/${i}/w`)!); l.b.assign(byName.get(`discriminator/${i}/b`)!); });
          }
          const opt = tensors.filter((t) => t.name.startsWith('optimizer/'))
            .sort((a, b) => Number(a.name.slice('optimizer/'.length)) - Number(b.name.slice('optimizer/'.length)));
          if (opt.length) {
            // setWeights copies the values into new slot variables; free the ones it replaces.
            const replaced = await optimizer.getWeights();
            await optimizer.setWeights(opt);
            tf.dispose(replaced.map((w) => w.tensor));
          }
        },
      },
      dispose: () => {
        discriminator?.dispose();
        discriminator = null;
        projection?.dispose();
        optimizer.dispose();
      },
    };
  },
};
