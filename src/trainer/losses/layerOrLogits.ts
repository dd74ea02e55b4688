// RKD and PKT work on a named layer pair, or on the logits when none is named.
import type * as tf from '@tensorflow/tfjs';
import type { LayerPair } from '../../core/config/types';
import type { LossContext } from './types';

export interface OptionalPair { kind: string; id: string; teacher_layer?: string; student_layer?: string }

/** Both layers or neither: a half-named pair is a config mistake, reported with the term's id. */
export function checkPair(c: OptionalPair): LayerPair | null {
  if (c.teacher_layer === undefined && c.student_layer === undefined) return null;
  if (c.teacher_layer === undefined || c.student_layer === undefined) {
    throw new Error(`${c.kind} "${c.id}": name both teacher_layer and student_layer, or neither (then the logits are used)`);
  }
  return { teacher_layer: c.teacher_layer, student_layer: c.student_layer };
}

export function studentEmbedding(ctx: LossContext, pair: LayerPair | null): tf.Tensor {
  return pair ? ctx.studentFeature(pair.student_layer) : ctx.studentLogits;
}

export function teacherEmbedding(ctx: LossContext, pair: LayerPair | null): tf.Tensor {
  return pair ? ctx.teacherFeature(pair.teacher_layer) : ctx.teacherLogits;
}
