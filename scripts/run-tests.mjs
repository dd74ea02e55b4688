// Runs node's test runner over test/<suite>/**/*.test.ts with tsx, one process per file.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passthrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
};
for (const s of suites.length ? suites : ['unit']) {
  try { walk(join('test', s)); } catch { /* a suite with no folder yet has no tests */ }
}
// Browser suites drive Debian's Chromium; install it (once) on a fresh machine.
if (suites.some((s) => s === 'webview' || s === 'e2e') && !existsSync('/usr/bin/chromium')) {
  const r = spawnSync('bash', ['test/e2e/install.sh', '--browser-only'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (files.length === 0) {
  console.error('no test files found for', suites.join(', '));
  process.exit(1);
}
// e2e files each drive a whole code-server + Chromium (and real training): one at a time,
// or on two shared cores they starve each other into timeouts.
const concurrency = suites.includes('e2e') ? 1 : 2;
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...passthrough, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
