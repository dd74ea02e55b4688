import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { runExperiment } from '../../../src/trainer/loop/experiment';
import { tinyExperiment } from './fixtures';

/** Bytes of the wasm heap, when the wasm backend is active. */
function wasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength;
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`${backend}: tensor count stays flat over 200 distillation steps`, async () => {
    // 200 train examples, batch 8 → 25 steps per epoch, 8 epochs = 200 steps.
    const x = tinyExperiment({ epochs: 8, batch: 8, baseline: false });
    const counts: number[] = [];
    const heap: (number | undefined)[] = [];
    const r = await runExperiment({
      config: x.config, configText: x.text, runsDir: x.runsDir, backend, stop: { requested: false }, stepEventIntervalMs: 0,
      onEvent: (e) => {
        if (e.type === 'step' && e.stage === 'distill') { counts.push(tf.memory().numTensors); heap.push(wasmHeapBytes()); }
      },
    });
    assert.equal(r.status, 'completed', JSON.stringify(r.error));
    assert.equal(counts.length, 200);
    // Adam creates its moment variables on the first update; from then on nothing may accumulate.
    const settled = counts.slice(1);
    assert.deepEqual(new Set(settled).size, 1, `tensor counts drift: first ${settled.slice(0, 3)} … last ${settled.slice(-3)}`);
    if (backend === 'wasm') {
      assert.ok(heap[100] !== undefined, 'wasm heap is measurable');
      assert.equal(heap[199], heap[100], 'the wasm heap stops growing');
    }
  });
}
