// Attention transfer: match where (spatially) the networks' feature maps are active.
import * as tf from '@tensorflow/tfjs';
import type { AttentionLoss, LayerPair } from '../../core/config/types';
import type { LossDefinition } from './types';
import { l2NormaliseRows } from './featureGeometry';

/**
 * Averaging matrix (n×N) for adaptive average pooling of length N down to n: output i is
 * the mean of inputs floor(i·N/n) … ceil((i+1)·N/n) − 1 (PyTorch's adaptive_avg_pool rule).
 */
export function adaptivePoolMatrix(inputSize: number, outputSize: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < outputSize; i++) {
    const start = Math.floor((i * inputSize) / outputSize);
    const end = Math.ceil(((i + 1) * inputSize) / outputSize);
    rows.push(Array.from({ length: inputSize }, (_, j) => (j >= start && j < end ? 1 / (end - start) : 0)));
  }
  return rows;
}

/** Channel-mean of |F|^p: [B, ...spatial, C] → [B, ...spatial]. */
export function attentionMap(feature: tf.Tensor, p: number): tf.Tensor {
  return tf.tidy(() => tf.mean(p === 2 ? tf.square(feature) : tf.pow(tf.abs(feature), p), -1));
}

/** Pools an attention map [B, ...spatial] to `target` spatial sizes with matmuls only (trains on every backend). */
function poolMap(map: tf.Tensor, matrices: (tf.Tensor2D | null)[]): tf.Tensor {
  return tf.tidy(() => {
    let x = map;
    const rank = x.rank;
    matrices.forEach((pt, axis) => {
      if (!pt) return;
      // Move spatial axis `axis` (1-based in x) last, contract it with Pᵀ, move it back.
      const dim = axis + 1;
      const perm = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== dim).concat(dim);
      const moved = tf.transpose(x, perm);
      const lead = moved.shape.slice(0, -1);
      const pooled = tf.reshape(tf.matMul(tf.reshape(moved, [-1, moved.shape[rank - 1]]) as tf.Tensor2D, pt), [...lead, pt.shape[1]]);
      const inverse = perm.map((_, i) => perm.indexOf(i));
      x = tf.transpose(pooled, inverse);
    });
    return x;
  });
}

interface PreparedPair { pair: LayerPair; student: (tf.Tensor2D | null)[]; teacher: (tf.Tensor2D | null)[] }

export const attention: LossDefinition<AttentionLoss> = {
  kind: 'attention',
  title: 'Attention transfer',
  paper: 'Zagoruyko, S., Komodakis, N. (2017). Paying More Attention to Attention: Improving the Performance of Convolutional Neural Networks via Attention Transfer. ICLR 2017.',
  formula: 'a(F) = normalise(flatten(mean_c |F_c|^p));  AT = Σ_pairs mean_{b,position} (a(F_s) − a(F_t))²',
  options: [
    { name: 'pairs', description: 'List of {teacher_layer, student_layer} convolutional layers to match; the losses of the pairs are summed. When the spatial sizes differ, the larger attention map is average-pooled to the smaller.' },
    { name: 'p', description: 'Exponent applied to |activation| before the channel mean; larger p emphasises the most active positions.', default: 2 },
  ],
  needsTeacher: true,
  perExampleSoft: false,
  teacherLayers: (c) => c.pairs.map((q) => q.teacher_layer),
  studentLayers: (c) => c.pairs.map((q) => q.student_layer),
  create(config, shapes) {
    if (config.pairs.length === 0) throw new Error(`attention "${config.id}": pairs must name at least one {teacher_layer, student_layer}`);
    if (!(config.p > 0)) throw new Error(`attention "${config.id}": p must be > 0, got ${config.p}`);
    const prepared: PreparedPair[] = config.pairs.map((pair) => {
      const ss = shapes.student(pair.student_layer).slice(0, -1);
      const ts = shapes.teacher(pair.teacher_layer).slice(0, -1);
      if (ss.length === 0 || ss.length !== ts.length) {
        throw new Error(`attention "${config.id}": student layer "${pair.student_layer}" (${JSON.stringify(shapes.student(pair.student_layer))}) and teacher layer "${pair.teacher_layer}" (${JSON.stringify(shapes.teacher(pair.teacher_layer))}) must both be feature maps (positions × channels) of the same rank`);
      }
      const target = ss.map((d, i) => Math.min(d, ts[i]));
      const matrices = (from: number[]) => from.map((d, i) => (d === target[i] ? null : tf.tidy(() => tf.transpose(tf.tensor2d(adaptivePoolMatrix(d, target[i])))) as tf.Tensor2D));
      return { pair, student: matrices(ss), teacher: matrices(ts) };
    });
    const normalisedMap = (feature: tf.Tensor, matrices: (tf.Tensor2D | null)[]) => tf.tidy(() => {
      const pooled = poolMap(attentionMap(feature, config.p), matrices);
      return l2NormaliseRows(tf.reshape(pooled, [pooled.shape[0], -1]) as tf.Tensor2D);
    });
    return {
      trainableVariables: [],
      compute: (ctx) => tf.tidy(() => {
        const perPair = prepared.map((q) => {
          const qs = normalisedMap(ctx.studentFeature(q.pair.student_layer), q.student);
          const qt = normalisedMap(ctx.teacherFeature(q.pair.teacher_layer), q.teacher);
          return tf.mean(tf.square(tf.sub(qs, qt)));
        });
        return tf.addN(perPair) as tf.Scalar;
      }),
      dispose: () => prepared.forEach((q) => [...q.student, ...q.teacher].forEach((m) => m?.dispose())),
    };
  },
};
