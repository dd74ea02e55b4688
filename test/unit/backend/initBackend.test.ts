import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/trainer/backend/initBackend';
import { locateWasmFiles } from '../../../src/trainer/backend/wasmPaths';

function tfjsNodeInstalled(): boolean {
  try { require.resolve('@tensorflow/tfjs-node'); return true; } catch { return false; }
}

test('the wasm binaries are found from source, with a trailing separator', () => {
  const dir = locateWasmFiles();
  assert.ok(dir.endsWith(path.sep));
  assert.ok(fs.existsSync(dir + 'tfjs-backend-wasm-simd.wasm'));
});

test('forcing tfjs-node when it is not installed is an error, not a fallback', { skip: tfjsNodeInstalled() }, async () => {
  await assert.rejects(initBackend('tensorflow'), /Backend 'tensorflow' was requested but is unavailable: @tensorflow\/tfjs-node/);
});

test('an unknown backend name is rejected', async () => {
  await assert.rejects(initBackend('gpu' as never), /Unknown backend 'gpu'/);
});

test('auto falls back to wasm and says why; ops run', { skip: tfjsNodeInstalled() }, async () => {
  const info = await initBackend('auto');
  assert.equal(info.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.match(info.detail, /simd/);
  assert.match(info.detail, /Conv2DBackpropFilter/);
  assert.match(info.detail, /auto: tensorflow unavailable/);
  assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync()), [2, 3]);
});

test('cpu can be forced', async () => {
  const info = await initBackend('cpu');
  assert.equal(info.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
});
