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
