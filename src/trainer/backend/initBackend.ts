// Chooses and starts the TensorFlow.js backend: tfjs-node when it is installed and loads,
// else wasm (with the project's training kernels), else the pure-JS cpu backend.
// A backend that was asked for by name and fails is an error; `auto` reports its fallbacks.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../../core/config/types';
import { locateThreadedWasmFiles, locateWasmFiles } from './wasmPaths';
import { registerThreadedWasm, THREADS_ENV, wantedWasmThreads, type ThreadedWasmRegistration } from './wasmThreads';
import { registerWasmTrainingKernels } from './wasmKernels/registry';

export interface BackendInfo {
  /** The tfjs backend name now active: `tensorflow`, `wasm` or `cpu`. */
  name: string;
  /** Human-readable: versions, SIMD/threads, kernels added, and why `auto` fell back. */
  detail: string;
}

type Concrete = Exclude<BackendName, 'auto'>;

const TFJS_NODE = '@tensorflow/tfjs-node';

async function startTensorflow(): Promise<string> {
  // Non-literal specifier: esbuild leaves it to run time (tfjs-node is native and optional).
  const specifier = TFJS_NODE;
  let loaded: { version?: Record<string, string> };
  try {
    loaded = require(specifier);
  } catch (e) {
    throw new Error(`${TFJS_NODE} is not installed or failed to load: ${(e as Error).message.split('\n')[0]}`);
  }
  // tfjs-node registers into the tfjs-core it resolves itself; a bundle has its own copy.
  if (!tf.findBackendFactory('tensorflow')) {
    throw new Error(`${TFJS_NODE} loaded but registered with another copy of tfjs-core (bundled build); it cannot be used from this bundle.`);
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${TFJS_NODE} loaded but its backend failed to initialise.`);
  await tf.ready();
  return `tfjs-node ${loaded.version?.['tfjs-node'] ?? ''}`.trim();
}

/** XNNPACK's pool size; tfjs reports -1 (or throws) when the build has no pool at all. */
function poolThreads(): number {
  try {
    return Math.max(1, getThreadsCount());
  } catch {
    return 1;
  }
}

async function startWasm(): Promise<string> {
  const dir = locateWasmFiles();
  const notes: string[] = [];
  // Threads only on a fresh start: a wasm backend already running (tests start it repeatedly) is kept.
  if (!tf.findBackend('wasm')) {
    setWasmPaths(dir);
    const wanted = wantedWasmThreads();
    if (wanted.note) notes.push(wanted.note);
    let threaded: ThreadedWasmRegistration | undefined;
    if (wanted.threads > 1) {
      try {
        threaded = registerThreadedWasm(wanted.threads, locateThreadedWasmFiles());
      } catch (e) {
        notes.push(`threads unavailable: ${(e as Error).message}`);
      }
    }
    if (!(await tf.setBackend('wasm'))) throw new Error(`the wasm backend failed to initialise (binaries from ${dir}).`);
    const why = threaded?.fallback();
    if (why) notes.push(`threads unavailable: ${why}`);
  } else if (!(await tf.setBackend('wasm'))) {
    throw new Error('the wasm backend failed to initialise.');
  }
  await tf.ready();
  const added = registerWasmTrainingKernels();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = poolThreads();
  const how = threads > 1 ? ` (${THREADS_ENV})` : '';
  return `wasm ${tf.version_core}${simd ? ' simd' : ''}, ${threads} thread${threads > 1 ? 's' : ''}${how}; project kernels: ${added.join(', ')}${notes.length ? `; ${notes.join('; ')}` : ''}`;
}

async function startCpu(): Promise<string> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise.');
  await tf.ready();
  return `cpu (pure JS) ${tf.version_core}`;
}

const starters: Record<Concrete, () => Promise<string>> = {
  tensorflow: startTensorflow,
  wasm: startWasm,
  cpu: startCpu,
};

/** Starts the requested backend; resolves once ops can run. */
export async function initBackend(requested: BackendName): Promise<BackendInfo> {
  if (requested !== 'auto') {
    if (!(requested in starters)) throw new Error(`Unknown backend '${requested}': use auto, tensorflow, wasm or cpu.`);
    try {
      const detail = await starters[requested]();
      return { name: tf.getBackend(), detail };
    } catch (e) {
      throw new Error(`Backend '${requested}' was requested but is unavailable: ${(e as Error).message}`);
    }
  }
  const skipped: string[] = [];
  for (const name of ['tensorflow', 'wasm', 'cpu'] as Concrete[]) {
    try {
      const detail = await starters[name]();
      const why = skipped.length ? ` (auto: ${skipped.join('; ')})` : '';
      return { name: tf.getBackend(), detail: detail + why };
    } catch (e) {
      skipped.push(`${name} unavailable: ${(e as Error).message}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.join('; ')}`);
}
