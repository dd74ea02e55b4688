// UnsortedSegmentSum (missing from wasm; it is the gradient of gather, so embeddings cannot
// train without it) as a ScatterNd, which accumulates updates that share an index.
// Out-of-range ids (negative or >= numSegments) are dropped, as in TensorFlow.
import * as tf from '@tensorflow/tfjs';
import { KernelCalls } from './kernelCalls';

export function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  const calls = new KernelCalls(backend);
  const idRank = segmentIds.shape.length;
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(idRank);
  let ids = calls.reshape(segmentIds, [rows, 1]);
  let updates = calls.reshape(x, [rows, ...rest]);
  if (segmentIds.dtype !== 'int32') ids = calls.run('Cast', { x: ids }, { dtype: 'int32' });
  // ScatterNd writes out of bounds for bad ids: route them to an extra row that is cut off.
  const bad = calls.run('LogicalOr', {
    a: calls.run('Less', { a: ids, b: calls.run('Fill', {}, { shape: [], value: 0, dtype: 'int32' }) }),
    b: calls.run('GreaterEqual', { a: ids, b: calls.run('Fill', {}, { shape: [], value: numSegments, dtype: 'int32' }) }),
  });
  ids = calls.run('Select', { condition: bad, t: calls.run('Fill', {}, { shape: [rows, 1], value: numSegments, dtype: 'int32' }), e: ids });
  if (updates.dtype !== x.dtype) updates = calls.run('Cast', { x: updates }, { dtype: x.dtype });
  const scattered = calls.run('ScatterNd', { indices: ids, updates }, { shape: [numSegments + 1, ...rest] });
  return calls.finish(calls.slice(scattered, [0, ...rest.map(() => 0)], [numSegments, ...rest]));
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
