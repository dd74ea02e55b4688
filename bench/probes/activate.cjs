// Extension activation probe: loads dist/extension.js with a stand-in `vscode` module (every
// API returns a do-nothing object) and times require + activate(context) in a fresh process.
// Usage: node bench/probes/activate.cjs   (prints one JSON line)
'use strict';
const Module = require('node:module');
const path = require('node:path');

/** A callable, constructible object whose every property is another such object. */
function stub(name) {
  const fn = function () {};
  const children = new Map();
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === Symbol.iterator) return function* () {}; // an empty collection
      if (prop === 'then' || typeof prop === 'symbol') return undefined; // not a promise
      if (prop === 'prototype') return target.prototype;
      if (!children.has(prop)) children.set(prop, stub(`${name}.${String(prop)}`));
      return children.get(prop);
    },
    apply() { return stub(`${name}()`); },
    construct() { return stub(`new ${name}`); },
  });
}

const t0 = performance.now();
// esbuild's interop copies the module's own property names, so name every API the bundle uses.
const bundle = require('node:fs').readFileSync(path.resolve(__dirname, '../../dist/extension.js'), 'utf8');
const vscode = {};
for (const m of bundle.matchAll(/\bvscode\d*\.([A-Za-z_$][\w$]*)/g)) vscode[m[1]] ??= stub(`vscode.${m[1]}`);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolveFilename.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
const root = path.resolve(__dirname, '../..');
const cpu0 = process.cpuUsage();
const tReq = performance.now();
const ext = require(path.join(root, 'dist/extension.js'));
const tAct = performance.now();
const context = new Proxy({ subscriptions: [], extensionPath: root, extensionUri: stub('Uri'), globalState: stub('memento'), workspaceState: stub('memento') }, {
  get(target, prop) { return prop in target ? target[prop] : stub(`context.${String(prop)}`); },
});
ext.activate(context);
const tEnd = performance.now();
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ require_ms: tAct - tReq, activate_ms: tEnd - tAct, total_ms: tEnd - tReq, cpu_ms: (cpu.user + cpu.system) / 1000, setup_ms: tReq - t0, subscriptions: context.subscriptions.length }) + '\n');
// The first catalog scan is deferred; it may keep timers alive: leave now.
process.exit(0);
