// Finds and loads the optional native engine (build/native/distillery.node, built by
// scripts/build-native.mjs). Never throws: without the addon the trainer uses tfjs, and
// nativeUnavailableReason() says why for the logs.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { NativeModule } from './types';

const ADDON = 'build/native/distillery.node';

let loaded: NativeModule | undefined;
let failure: string | undefined;
let tried = false;

/** As scripts/build-native.mjs computes it: the CPU a -march=native binary was built for. */
function cpuFingerprint(): string {
  let flags = '';
  try {
    flags = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch { /* not Linux: the model alone */ }
  return createHash('sha256').update(`${cpus()[0]?.model ?? '?'}\n${flags}`).digest('hex').slice(0, 16);
}

/** Where the addon may be: the bundle (dist/*.js) and the source tree under tsx both reach the repo root. */
function candidates(): string[] {
  return [...new Set([resolve(__dirname, '..', ADDON), resolve(__dirname, '../../..', ADDON)])];
}

function load(): NativeModule {
  const explicit = process.env.DISTILLERY_NATIVE_PATH;
  const path = explicit ? resolve(explicit) : candidates().find((p) => existsSync(p));
  if (!path) throw new Error(`not built (no ${ADDON}; run node scripts/build-native.mjs, which needs a C++ compiler)`);
  if (!existsSync(path)) throw new Error(`DISTILLERY_NATIVE_PATH=${explicit} does not exist`);
  if (!explicit) {
    // A binary compiled for another CPU would die of SIGILL mid-step, past any try/catch.
    let stamp: { cpu?: string } | undefined;
    try {
      stamp = JSON.parse(readFileSync(join(dirname(path), 'stamp.json'), 'utf8'));
    } catch { /* built by hand: trust it */ }
    if (stamp?.cpu && stamp.cpu !== cpuFingerprint()) throw new Error(`${path} was built for another CPU; rebuild it with node scripts/build-native.mjs`);
  }
  // process.dlopen rather than require: bundlers leave it alone, and it is what require does for .node files.
  const mod: { exports: Partial<NativeModule> } = { exports: {} };
  process.dlopen(mod, path);
  if (typeof mod.exports.createTrainer !== 'function' || typeof mod.exports.describe !== 'function') {
    throw new Error(`${path} is not the distillery engine (no createTrainer/describe)`);
  }
  return mod.exports as NativeModule;
}

/** The engine, or undefined when it is disabled (DISTILLERY_NATIVE=0), not built, or fails to load. */
export function loadNative(): NativeModule | undefined {
  if (process.env.DISTILLERY_NATIVE === '0') return undefined;
  if (!tried) {
    tried = true;
    try {
      loaded = load();
    } catch (e) {
      failure = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    }
  }
  return loaded;
}

/** Why loadNative() returns undefined; undefined when the engine loads. */
export function nativeUnavailableReason(): string | undefined {
  if (process.env.DISTILLERY_NATIVE === '0') return 'disabled by DISTILLERY_NATIVE=0';
  return loadNative() ? undefined : failure;
}
