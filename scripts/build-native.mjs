#!/usr/bin/env node
// Builds the optional native training engine (native/*.cc, *.h) into
// build/native/distillery.node with the C++ compiler of this machine, for this machine's CPU
// (-march=native). It is optional: on any failure this prints one warning line and exits 0, and
// training uses tfjs. Skipped when the stamp (sources, flags, compiler, Node version, CPU)
// matches the last build, or when DISTILLERY_NATIVE_BUILD=0.
//   node scripts/build-native.mjs [--force]
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'native');
// --portable: the build the VSIX ships (dist/native/, so `npm run package` runs it after the
// bundles): x86-64-v3 (AVX2, FMA) rather than this machine's CPU, loaded only where the CPU has
// those features. The default build (build/native/) is this machine's own, -march=native.
const PORTABLE = process.argv.includes('--portable');
/** CPU flags (as /proc/cpuinfo names them) an x86-64-v3 binary needs. */
const V3_FLAGS = ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'movbe'];
const outDir = PORTABLE ? join(root, 'dist/native') : join(root, 'build/native');
const out = join(outDir, PORTABLE ? `distillery-${process.platform}-${process.arch}.node` : 'distillery.node');
const stampPath = PORTABLE ? out.replace(/\.node$/, '.json') : join(outDir, 'stamp.json');
const FLAGS = [
  '-std=gnu++17', '-O3', PORTABLE ? '-march=x86-64-v3' : '-march=native', ...(PORTABLE ? ['-mtune=generic'] : []),
  '-fno-math-errno', '-fPIC', '-shared', '-fvisibility=hidden', '-pthread',
  // macOS links a shared object only when told that the N-API symbols come from the host process.
  ...(process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : []),
];

/**
 * What a -march=native binary depends on: the CPU model and its feature flags. The same
 * function is in src/trainer/native/load.ts, which refuses a binary built for another CPU
 * (it would die of SIGILL, which no try/catch can stop).
 */
export function cpuFingerprint() {
  let flags = '';
  try {
    flags = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch { /* not Linux: the model alone */ }
  return createHash('sha256').update(`${cpus()[0]?.model ?? '?'}\n${flags}`).digest('hex').slice(0, 16);
}

function sourcesHash() {
  const hash = createHash('sha256');
  for (const f of readdirSync(srcDir).filter((f) => /\.(cc|h)$/.test(f)).sort()) hash.update(`${f}\n`).update(readFileSync(join(srcDir, f)));
  return hash.digest('hex').slice(0, 16);
}

function build() {
  if (process.env.DISTILLERY_NATIVE_BUILD === '0') return 'skipped (DISTILLERY_NATIVE_BUILD=0)';
  if (PORTABLE && (process.platform !== 'linux' || process.arch !== 'x64')) return `no portable build for ${process.platform}-${process.arch}`;
  const include = join(dirname(process.execPath), '..', 'include', 'node');
  if (!existsSync(join(include, 'node_api.h'))) throw new Error(`Node's headers are not at ${include}`);
  const [cxx, ...cxxArgs] = (process.env.CXX || 'g++').trim().split(/\s+/);
  const version = spawnSync(cxx, [...cxxArgs, '--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) throw new Error(`no C++ compiler (${cxx}: ${version.error?.message ?? `exit ${version.status}`})`);

  const stamp = {
    sources: sourcesHash(),
    flags: FLAGS.join(' '),
    compiler: version.stdout.split('\n')[0],
    node: process.version,
    // The default build runs only on this CPU; the portable one on any with the v3 features.
    ...(PORTABLE ? { requires: V3_FLAGS } : { cpu: cpuFingerprint() }),
  };
  const key = JSON.stringify(stamp);
  if (!process.argv.includes('--force') && existsSync(out)) {
    try {
      if (JSON.stringify(JSON.parse(readFileSync(stampPath, 'utf8'))) === key) return 'up to date';
    } catch { /* no or unreadable stamp: rebuild */ }
  }

  mkdirSync(outDir, { recursive: true });
  // Compile next to the target and rename: a process loading the addon never sees half a file.
  const tmp = `${out}.${process.pid}.tmp`;
  const args = [
    ...cxxArgs, ...FLAGS, `-I${include}`, `-DDISTILLERY_FLAGS="${FLAGS.join(' ')}"`,
    join(srcDir, 'engine.cc'), '-o', tmp,
  ];
  const t0 = Date.now();
  const r = spawnSync(cxx, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(tmp, { force: true });
    const first = `${r.stderr ?? ''}`.split('\n').find((l) => /error/.test(l)) ?? r.error?.message ?? `exit ${r.status}`;
    throw new Error(`${cxx} failed: ${first.trim()}`);
  }
  renameSync(tmp, out);
  writeFileSync(stampPath, `${JSON.stringify(stamp, null, 2)}\n`);
  return `built ${out.slice(root.length + 1)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

try {
  const what = build();
  if (what !== 'up to date' || process.argv.includes('--verbose')) console.log(`distillery native engine: ${what}`);
} catch (e) {
  // A binary from other sources must not be loaded against this TypeScript; one from these
  // sources (say, built before the compiler went away) still serves.
  try {
    let built;
    try { built = JSON.parse(readFileSync(stampPath, 'utf8')).sources; } catch { /* none */ }
    if (existsSync(out) && built !== sourcesHash()) { rmSync(out, { force: true }); rmSync(stampPath, { force: true }); }
  } catch { /* nothing more to do */ }
  console.warn(`distillery: native engine not built (${e instanceof Error ? e.message : String(e)}); training uses tfjs`);
}
process.exit(0);
