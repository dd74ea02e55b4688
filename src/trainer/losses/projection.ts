// Trainable maps from a student feature to the teacher's feature shape (FitNets' regressor r).
// Their variables train with the student but are not part of the saved student model.
import * as tf from '@tensorflow/tfjs';
import { sizeOf } from './featureGeometry';

export type ProjectionKind = 'linear' | 'conv1x1' | 'none';

export interface Projection {
  readonly variables: tf.Variable[];
  /** Maps a B×studentShape tensor to B×teacherShape. */
  apply(x: tf.Tensor): tf.Tensor;
  dispose(): void;
}

/** A stable small integer from a string, so each term's initial projection is reproducible. */
export function seedFrom(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0) % 100000;
}

function denseVariables(inputs: number, outputs: number, seed: number): [tf.Variable, tf.Variable] {
  // tidy frees the initial values; variables survive it.
  return tf.tidy(() => [
    tf.variable(tf.initializers.glorotUniform({ seed }).apply([inputs, outputs]) as tf.Tensor2D, true),
    tf.variable(tf.zeros([outputs]), true),
  ]);
}

/**
 * @param label names the term and layers in error messages, e.g. `hint "hint" (student "hidden" → teacher "penultimate")`.
 */
export function createProjection(kind: ProjectionKind, studentShape: number[], teacherShape: number[], label: string, seed: number): Projection {
  const describe = `student ${JSON.stringify(studentShape)}, teacher ${JSON.stringify(teacherShape)}`;
  if (kind === 'none') {
    if (sizeOf(studentShape) !== sizeOf(teacherShape)) {
      throw new Error(`${label}: projection "none" needs features of the same size (${describe}); use projection: linear`);
    }
    return {
      variables: [],
      apply: (x) => tf.reshape(x, [x.shape[0], ...teacherShape]),
      dispose: () => undefined,
    };
  }
  if (kind === 'conv1x1') {
    const ss = studentShape.slice(0, -1);
    const ts = teacherShape.slice(0, -1);
    if (studentShape.length < 2 || ss.length !== ts.length || ss.some((d, i) => d !== ts[i])) {
      throw new Error(`${label}: projection "conv1x1" needs feature maps with the same spatial size (${describe}); use projection: linear`);
    }
    const cs = studentShape[studentShape.length - 1];
    const ct = teacherShape[teacherShape.length - 1];
    const [w, b] = denseVariables(cs, ct, seed);
    // A 1×1 convolution is a matmul over the channel axis; this form also trains on wasm,
    // which lacks Conv2DBackpropFilter.
    return {
      variables: [w, b],
      apply: (x) => tf.tidy(() => {
        const rows = tf.reshape(x, [-1, cs]) as tf.Tensor2D;
        return tf.reshape(tf.add(tf.matMul(rows, w), b), [x.shape[0], ...ts, ct]);
      }),
      dispose: () => { w.dispose(); b.dispose(); },
    };
  }
  const ds = sizeOf(studentShape);
  const dt = sizeOf(teacherShape);
  const [w, b] = denseVariables(ds, dt, seed);
  return {
    variables: [w, b],
    apply: (x) => tf.tidy(() => {
      const rows = tf.reshape(x, [x.shape[0], ds]) as tf.Tensor2D;
      return tf.reshape(tf.add(tf.matMul(rows, w), b), [x.shape[0], ...teacherShape]);
    }),
    dispose: () => { w.dispose(); b.dispose(); },
  };
}
