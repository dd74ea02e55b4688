// The built webview bundles reference no remote URL: panels load nothing from the network.
// Comments and licence headers are stripped by the build (legalComments: 'none'); XML
// namespace names (xmlns="http://www.w3.org/2000/svg" in the toolkit's inline SVG) are
// identifiers that are never fetched, so they are removed before the search.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureWebviewBundles } from './harness';

/** Remote URLs that may appear in a bundle. Keep it empty. */
const ALLOWED: readonly string[] = [];

test('dist/webview/*.js contains no http(s) URL', async () => {
  const dist = await ensureWebviewBundles();
  const bundles = readdirSync(dist).filter((f) => f.endsWith('.js'));
  assert.ok(bundles.includes('loss.js') && bundles.includes('compare.js'), bundles.join(', '));
  for (const f of bundles) {
    const text = readFileSync(join(dist, f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/xmlns(:\w+)?=\\?["']https?:\/\/www\.w3\.org\/[^"'\\]*\\?["']/g, '');
    const urls = [...text.matchAll(/https?:\/\/[^\s"'`)<>\\]+/g)].map((m) => m[0]).filter((u) => !ALLOWED.includes(u));
    assert.deepEqual(urls, [], `${f} references remote URLs`);
  }
});

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourcesUnder(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('only src/webview/ui/toolkit.ts imports the toolkit; webviews import only core/protocol from outside', () => {
  const root = join(__dirname, '../..');
  const files = sourcesUnder(join(root, 'src/webview'));
  assert.ok(files.length > 10);
  for (const f of files) {
    const rel = f.slice(root.length + 1);
    const imports = [...readFileSync(f, 'utf8').matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    for (const spec of imports) {
      if (spec === '@vscode/webview-ui-toolkit') assert.equal(rel, 'src/webview/ui/toolkit.ts', `${rel} imports the toolkit directly`);
      else if (spec.startsWith('../../')) assert.match(spec, /^\.\.\/\.\.\/core\/protocol\//, `${rel} imports ${spec}`);
      else if (!spec.startsWith('.')) assert.ok(['uplot', 'uplot/dist/uPlot.min.css'].includes(spec), `${rel} imports ${spec}`);
    }
  }
});
