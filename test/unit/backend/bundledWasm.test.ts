// The trainer ships as an esbuild bundle with the .wasm binaries copied beside it and no
// node_modules: the backend must find them next to the bundle, and leave tfjs-node external.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../..');

test('a bundle with the binaries beside it starts wasm and registers the training kernels', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'distillery-bundle-'));
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(entry, [
    `import * as tf from '@tensorflow/tfjs';`,
    `import { initBackend } from ${JSON.stringify(path.join(root, 'src/trainer/backend/initBackend'))};`,
    `initBackend('auto').then((info) => {`,
    `  console.log(JSON.stringify({ ...info, kernel: !!tf.getKernel('Conv2DBackpropFilter', 'wasm') }));`,
    `}, (e) => { console.error(e.message); process.exit(1); });`,
  ].join('\n'));
  await esbuild.build({
    entryPoints: [entry], bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    outfile: path.join(dir, 'dist', 'trainer.js'), external: ['@tensorflow/tfjs-node'], logLevel: 'error',
    nodePaths: [path.join(root, 'node_modules')],
  });
  const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of fs.readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(wasmDir, f), path.join(dir, 'dist', f));
  // As scripts/build.mjs: the threaded build's glue, worker source and worker script.
  const wasmOut = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out');
  for (const f of ['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js']) fs.copyFileSync(path.join(wasmOut, f), path.join(dir, 'dist', f));
  fs.copyFileSync(path.join(root, 'src/trainer/backend/wasmPthreadWorker.cjs'), path.join(dir, 'dist', 'wasm-pthread-worker.js'));
  const env = { ...process.env, DISTILLERY_WASM_THREADS: '2' };
  const out = execFileSync(process.execPath, [path.join(dir, 'dist', 'trainer.js')], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const info = JSON.parse(out.trim().split('\n').pop()!);
  assert.equal(info.name, 'wasm');
  assert.equal(info.kernel, true);
  assert.match(info.detail, /auto: tensorflow unavailable/);
  // Outside node_modules the threaded build runs only from the copied files.
  assert.match(info.detail, /2 threads/);
  assert.doesNotMatch(info.detail, /threads unavailable/);
  fs.rmSync(dir, { recursive: true, force: true });
});
