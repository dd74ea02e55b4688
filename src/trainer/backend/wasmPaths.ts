// Where the wasm backend's files are: next to the bundle in dist/ (the build copies them there),
// or in node_modules (and this folder) when running from source (tsx, tests).
import * as fs from 'node:fs';
import * as path from 'node:path';

const SIMD_BINARY = 'tfjs-backend-wasm-simd.wasm';

/** Folder holding the .wasm files, ending in a separator (setWasmPaths concatenates). */
export function locateWasmFiles(): string {
  const candidates: string[] = [];
  // Bundled: dist/trainer.js and dist/cli.js sit beside the copied binaries.
  if (typeof __dirname === 'string') candidates.push(__dirname);
  try {
    candidates.push(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/' + SIMD_BINARY)));
  } catch { /* not resolvable from a bundle shipped without node_modules */ }
  for (const dir of candidates) {
    if (fs.existsSync(path.join(dir, SIMD_BINARY))) return dir.endsWith(path.sep) ? dir : dir + path.sep;
  }
  throw new Error(`Cannot find ${SIMD_BINARY}: looked in ${candidates.join(', ')}. Run the build (it copies the binaries into dist/).`);
}

/** What the threaded-SIMD build needs as real files (Node's worker_threads takes no blob: URLs). */
export interface ThreadedWasmFiles {
  /** Emscripten's glue: the factory, loaded by the main thread and imported again by each worker. */
  glue: string;
  binary: string;
  /** The pthread worker script (wasmPthreadWorker.cjs, shipped as wasm-pthread-worker.js). */
  worker: string;
}

const THREADED_GLUE = 'tfjs-backend-wasm-threaded-simd.js';
const THREADED_WORKER_CONTENTS = 'tfjs-backend-wasm-threaded-simd.worker.js';
const THREADED_BINARY = 'tfjs-backend-wasm-threaded-simd.wasm';

function resolveFrom(specifier: string): string | undefined {
  try { return require.resolve(specifier); } catch { return undefined; }
}

/** The threaded build's files, all checked to exist; throws saying what is missing. */
export function locateThreadedWasmFiles(): ThreadedWasmFiles {
  const binary = locateWasmFiles() + THREADED_BINARY;
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  // Bundled (dist/): everything beside the bundle, as scripts/build.mjs copies it.
  if (here && fs.existsSync(path.join(here, 'wasm-pthread-worker.js')) && fs.existsSync(path.join(here, THREADED_GLUE))
    && fs.existsSync(path.join(here, THREADED_WORKER_CONTENTS)) && fs.existsSync(binary)) {
    return { glue: path.join(here, THREADED_GLUE), binary, worker: path.join(here, 'wasm-pthread-worker.js') };
  }
  // From source: tfjs's wasm-out/ for the glue (the worker script finds its contents there too).
  const glue = resolveFrom('@tensorflow/tfjs-backend-wasm/wasm-out/' + THREADED_GLUE);
  const contents = resolveFrom('@tensorflow/tfjs-backend-wasm/wasm-out/' + THREADED_WORKER_CONTENTS);
  const worker = here ? path.join(here, 'wasmPthreadWorker.cjs') : undefined;
  if (glue && contents && worker && fs.existsSync(worker) && fs.existsSync(binary)) return { glue, binary, worker };
  throw new Error(`the threaded wasm build's files are missing (${THREADED_GLUE}, wasm-pthread-worker.js, ${THREADED_WORKER_CONTENTS}, ${THREADED_BINARY}) beside ${here ?? 'the bundle'} and in node_modules`);
}
