// The wasm backend's threaded-SIMD build (XNNPACK over a pthread pool) in Node. tfjs 4.22 never
// uses it there, for three reasons, each worked around here without touching node_modules:
//  1. flags_wasm.js hard-codes WASM_HAS_MULTITHREAD_SUPPORT to false under Node.
//  2. Forcing the flag, tfjs's locateFile gives emscripten the worker script as a blob: URL
//     (backend_wasm.js, init()), and the glue's PThread.allocateUnusedWorker does
//     `new Worker(url)`: worker_threads accepts only file paths (ERR_WORKER_PATH). The main
//     script reaches the workers as a Blob too, which their importScripts (a readFileSync) cannot read.
//  3. Even started, the pool is capped at emscripten_num_logical_cores() / 2 (backend.cc assumes
//     two hyperthreads per core): 1 thread on a 2-core machine, whatever setThreadsCount says.
// So we call the threaded factory ourselves with file paths (wasmPaths.ts), answer the cores
// import with twice the wanted count, and register the result as the 'wasm' backend (kernels are
// registered per backend name, so tfjs's and the project's stay). If that fails, the shipped
// single-thread factory runs instead and the reason is reported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { ThreadedWasmFiles } from './wasmPaths';

export const THREADS_ENV = 'DISTILLERY_WASM_THREADS';
/** tfjs's cap (max_num_threads in backend.cc) and the glue's pre-started worker pool. */
const MAX_THREADS = 8;
/** tfjs-backend-wasm's own registration priority. */
const WASM_PRIORITY = 2;

/**
 * Threads to ask for: DISTILLERY_WASM_THREADS (1–8), else 1. One is the default because on the
 * default experiment's small models the pool cost more than it gave (2 cores, shared machine:
 * bench/probes/wasm-threads.ts; the MLP student's step took about twice as long). `note`
 * explains an ignored value.
 */
export function wantedWasmThreads(env: NodeJS.ProcessEnv = process.env): { threads: number; note?: string } {
  const raw = env[THREADS_ENV]?.trim();
  if (!raw) return { threads: 1 };
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= MAX_THREADS) return { threads: n };
  return { threads: 1, note: `${THREADS_ENV}=${JSON.stringify(raw)} ignored (want an integer from 1 to ${MAX_THREADS})` };
}

interface PThreadApi {
  unusedWorkers: Worker[];
  runningWorkers: Worker[];
  allocateUnusedWorker(): void;
}

type EmscriptenImports = { env: Record<string, unknown> };
type ThreadedModule = ConstructorParameters<typeof BackendWasm>[0] & { PThread: PThreadApi; cwrap: (...a: unknown[]) => unknown };

/**
 * The pool's workers wait on futexes forever; the glue refs a worker while it runs a pthread, so
 * they would keep the trainer alive after its work is done. Training calls are synchronous on the
 * main thread, which waits for the pool itself: nothing needs the workers to hold the process.
 */
function neverHoldProcess(pthread: PThreadApi): void {
  const detach = (w: Worker) => {
    w.unref();
    w.ref = () => w;
  };
  pthread.unusedWorkers.forEach(detach);
  pthread.runningWorkers.forEach(detach);
  const allocate = pthread.allocateUnusedWorker.bind(pthread);
  pthread.allocateUnusedWorker = () => {
    allocate();
    detach(pthread.unusedWorkers[pthread.unusedWorkers.length - 1]);
  };
}

async function instantiateThreaded(threads: number, files: ThreadedWasmFiles): Promise<ThreadedModule> {
  // Non-literal specifier: the glue stays a file (esbuild leaves it), the same one the workers import.
  const gluePath = files.glue;
  const factory = require(gluePath) as (config: object) => Promise<ThreadedModule>;
  const binary = fs.readFileSync(files.binary);
  return new Promise<ThreadedModule>((resolve, reject) => {
    factory({
      mainScriptUrlOrBlob: files.glue,
      locateFile: (name: string) => (name.endsWith('.worker.js') ? files.worker : path.join(path.dirname(files.binary), name)),
      instantiateWasm: (imports: EmscriptenImports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
        if (typeof imports.env?.emscripten_num_logical_cores !== 'function') {
          reject(new Error('the threaded glue no longer imports emscripten_num_logical_cores (tfjs changed?)'));
          return {};
        }
        // backend.cc halves this and caps the pool to it (reason 3 above).
        imports.env.emscripten_num_logical_cores = () => 2 * threads;
        WebAssembly.instantiate(binary, imports as unknown as WebAssembly.Imports).then((r) => receive(r.instance, r.module), reject);
        return {};
      },
      onAbort: (what: unknown) => reject(new Error(`the threaded wasm build aborted: ${String(what)}`)),
    }).then((module) => {
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      } as ThreadedModule['tfjs'];
      neverHoldProcess(module.PThread);
      resolve(module);
    }, reject);
  });
}

export interface ThreadedWasmRegistration {
  /** Why the single-thread build runs instead, once the backend has started; undefined if threaded. */
  fallback(): string | undefined;
}

/**
 * Makes the next start of the 'wasm' backend use the threaded build with `threads` threads.
 * Call before tf.setBackend('wasm') (and after setWasmPaths, which the fallback still reads).
 */
export function registerThreadedWasm(threads: number, files: ThreadedWasmFiles): ThreadedWasmRegistration {
  const shipped = tf.findBackendFactory('wasm');
  if (!shipped) throw new Error('tfjs-backend-wasm is not registered');
  let reason: string | undefined;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', async () => {
    try {
      const module = await instantiateThreaded(threads, files);
      // BackendWasm's constructor starts the pool with the count set here.
      setThreadsCount(threads);
      return new BackendWasm(module);
    } catch (e) {
      reason = (e as Error).message ?? String(e);
      setThreadsCount(1);
      return shipped();
    }
  }, WASM_PRIORITY);
  return { fallback: () => reason };
}
