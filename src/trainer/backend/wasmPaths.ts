// Where the wasm backend's .wasm binaries are: next to the bundle in dist/ (the build copies
// them there), or in node_modules when running from source (tsx, tests).
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
