// Finds and loads the optional native engine (this machine's build/native/distillery.node, or
// the portable dist/native build a VSIX ships; both by scripts/build-native.mjs). Never throws: without the addon the trainer uses tfjs, and
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

/** The CPU's feature flags line from /proc/cpuinfo ('' where there is none: not Linux). */
function cpuFlagsLine(): string {
  try {
    return /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

/** As scripts/build-native.mjs computes it: the CPU a -march=native binary was built for. */
function cpuFingerprint(flags: string): string {
  return createHash('sha256').update(`${cpus()[0]?.model ?? '?'}\n${flags}`).digest('hex').slice(0, 16);
}

/** The portable build the VSIX ships (scripts/build-native.mjs --portable), beside the bundles. */
const PORTABLE = `dist/native/distillery-${process.platform}-${process.arch}.node`;

/**
 * Where the addon may be, best first: this machine's own build (build/native), then the portable
 * one. The bundle (dist/*.js) and the source tree under tsx both reach the repo root.
 */
function candidates(): string[] {
  const roots = [resolve(__dirname, '..'), resolve(__dirname, '../../..')];
  return [...new Set([...roots.map((r) => resolve(r, ADDON)), ...roots.map((r) => resolve(r, PORTABLE))])];
}

interface Stamp { cpu?: string; requires?: string[] }

/** The build's stamp: stamp.json beside build/native's addon, <name>.json beside a portable one. */
function readStamp(path: string): Stamp | undefined {
  const file = path.endsWith(`${join('native', 'distillery.node')}`) ? join(dirname(path), 'stamp.json') : path.replace(/\.node$/, '.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return undefined; // built by hand: trust it
  }
}

/** Why this CPU cannot run a build with this stamp, or undefined when it can. */
export function cpuMismatch(stamp: Stamp | undefined, cpuFlags: string[], fingerprint: string): string | undefined {
  if (stamp?.cpu && stamp.cpu !== fingerprint) return 'it was built for another CPU; rebuild it with node scripts/build-native.mjs';
  const missing = (stamp?.requires ?? []).filter((f) => !cpuFlags.includes(f));
  if (missing.length) return `this CPU lacks ${missing.join(', ')}`;
  return undefined;
}

function load(): NativeModule {
  const explicit = process.env.DISTILLERY_NATIVE_PATH;
  if (explicit && !existsSync(resolve(explicit))) throw new Error(`DISTILLERY_NATIVE_PATH=${explicit} does not exist`);
  const found = explicit ? [resolve(explicit)] : candidates().filter((p) => existsSync(p));
  if (!found.length) throw new Error(`not built (no ${ADDON}; run node scripts/build-native.mjs, which needs a C++ compiler)`);
  const refused: string[] = [];
  const flags = cpuFlagsLine();
  for (const path of found) {
    if (!explicit) {
      // A binary compiled for another CPU would die of SIGILL mid-step, past any try/catch.
      const why = cpuMismatch(readStamp(path), flags.split(/\s+/), cpuFingerprint(flags));
      if (why) { refused.push(`${path}: ${why}`); continue; }
    }
    // process.dlopen rather than require: bundlers leave it alone, and it is what require does for .node files.
    const mod: { exports: Partial<NativeModule> } = { exports: {} };
    process.dlopen(mod, path);
    if (typeof mod.exports.createTrainer !== 'function' || typeof mod.exports.describe !== 'function') {
      throw new Error(`${path} is not the distillery engine (no createTrainer/describe)`);
    }
    return mod.exports as NativeModule;
  }
  throw new Error(refused.join('; '));
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
