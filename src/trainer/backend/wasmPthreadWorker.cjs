// The pthread worker of tfjs-backend-wasm's threaded build, as a file Node's worker_threads can
// start: tfjs hands emscripten this script as a blob: URL, which Node rejects (ERR_WORKER_PATH).
// tfjs ships the script as a string (wasm-out/…worker.js); it already carries emscripten's Node
// shims (parentPort, global self/postMessage/importScripts). Shipped as dist/wasm-pthread-worker.js.
'use strict';
const fs = require('fs');
const path = require('path');

const NAME = 'tfjs-backend-wasm-threaded-simd.worker.js';
// Bundled: scripts/build.mjs copies tfjs's module beside this file; from source: the package.
const beside = path.join(__dirname, NAME);
const { wasmWorkerContents } = require(fs.existsSync(beside) ? beside : '@tensorflow/tfjs-backend-wasm/wasm-out/' + NAME);
// The string came from a template literal, so its "\n" escapes are real newlines: restore them
// (tfjs does the same before making its Blob). Direct eval: the script uses require and __filename.
eval(wasmWorkerContents.replace(/\n/g, '\\n'));
