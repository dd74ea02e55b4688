// The threaded wasm build (XNNPACK's pthread pool in worker_threads), opted into with
// DISTILLERY_WASM_THREADS: numerically the cpu backend's on kernels large enough to be split
// across threads, and never keeping the process alive after its work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { wantedWasmThreads } from '../../../src/trainer/backend/wasmThreads';
import { compareKernel, random, startWasm } from './crossBackend';

// This file runs in its own process: start wasm with a pool unless the caller chose a count.
process.env.DISTILLERY_WASM_THREADS ??= '2';

test('DISTILLERY_WASM_THREADS picks the count (default 1); a bad value is reported and ignored', () => {
  assert.deepEqual(wantedWasmThreads({}), { threads: 1 });
  assert.deepEqual(wantedWasmThreads({ DISTILLERY_WASM_THREADS: '1' }), { threads: 1 });
  assert.deepEqual(wantedWasmThreads({ DISTILLERY_WASM_THREADS: ' 3 ' }), { threads: 3 });
  for (const bad of ['0', '9', '1.5', 'two']) {
    const w = wantedWasmThreads({ DISTILLERY_WASM_THREADS: bad });
    assert.equal(w.threads, 1);
    assert.match(w.note ?? '', /DISTILLERY_WASM_THREADS=".*" ignored/);
  }
});

test('wasm starts with the wanted number of threads', async () => {
  await startWasm();
  assert.equal(getThreadsCount(), wantedWasmThreads().threads);
});

// Sizes where XNNPACK splits the work (the kernel tests' shapes are mostly too small to).
test('large matmul, conv and the conv-gradient kernels match cpu with the pool', async () => {
  const cases: [string, Record<string, ReturnType<typeof random>>, object][] = [
    ['BatchMatMul', { a: random([1, 192, 256], 1), b: random([1, 256, 160], 2) }, { transposeA: false, transposeB: false }],
    ['BatchMatMul', { a: random([1, 256, 192], 3), b: random([1, 160, 256], 4) }, { transposeA: true, transposeB: true }],
    ['Conv2D', { x: random([16, 26, 26, 16], 5), filter: random([3, 3, 16, 32], 6) }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 }],
    ['Conv2DBackpropFilter', { x: random([16, 26, 26, 16], 7), dy: random([16, 24, 24, 32], 8) }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 16, 32] }],
    ['Conv2DBackpropInput', { dy: random([16, 24, 24, 32], 9), filter: random([3, 3, 16, 32], 10) }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [16, 26, 26, 16] }],
  ];
  for (const [kernel, inputs, attrs] of cases) {
    const err = await compareKernel(kernel, inputs, attrs);
    assert.ok(err < 1e-4, `${kernel}: relative error ${err}`);
  }
});

test('a process that used the pool exits by itself', () => {
  const init = path.resolve(__dirname, '../../../src/trainer/backend/initBackend');
  const script = [
    `const tf = require('@tensorflow/tfjs');`,
    `require(${JSON.stringify(init)}).initBackend('wasm').then((info) => {`,
    `  tf.matMul(tf.ones([512, 512]), tf.ones([512, 512])).dataSync();`,
    `  console.log(info.detail.split(';')[0]);`,
    `});`,
  ].join('\n');
  const env = { ...process.env, DISTILLERY_WASM_THREADS: '2' };
  // Throws on timeout: the pool's workers would hold the event loop open forever.
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { env, encoding: 'utf8', timeout: 30_000 });
  assert.match(out, /2 threads/);
});

test('if the threaded build fails to start, the single-thread build runs and says why', () => {
  const dir = path.resolve(__dirname, '../../../src/trainer/backend');
  const script = [
    `const tf = require('@tensorflow/tfjs');`,
    `const wasm = require('@tensorflow/tfjs-backend-wasm');`,
    `const { locateWasmFiles } = require(${JSON.stringify(path.join(dir, 'wasmPaths'))});`,
    `const { registerThreadedWasm } = require(${JSON.stringify(path.join(dir, 'wasmThreads'))});`,
    `wasm.setWasmPaths(locateWasmFiles());`,
    `const reg = registerThreadedWasm(2, { glue: '/nonexistent/glue.js', binary: '/nonexistent/b.wasm', worker: '/nonexistent/w.js' });`,
    `tf.setBackend('wasm').then((ok) => {`,
    `  console.log(JSON.stringify({ ok, backend: tf.getBackend(), sum: tf.add(tf.ones([2]), 1).dataSync()[0], reason: reg.fallback() }));`,
    `});`,
  ].join('\n');
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  assert.equal(r.ok, true);
  assert.equal(r.backend, 'wasm');
  assert.equal(r.sum, 2);
  assert.match(r.reason, /Cannot find module '\/nonexistent\/glue.js'/);
});
