// `distillery report`: the self-contained HTML opens from disk in Chromium with no host, no
// network and no CSP violation, and bad run directories get messages that name the file.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { reportCommand } from '../../src/trainer/cli/report';
import { ROOT, ensureWebviewBundles, launch } from './harness';

let browser: Browser;
const tmp = mkdtempSync(join(tmpdir(), 'distillery-report-'));

function runDir(name: string, fixture?: string, text?: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  if (fixture) copyFileSync(join(ROOT, 'test/fixtures/comparison', fixture), join(dir, 'comparison.json'));
  if (text !== undefined) writeFileSync(join(dir, 'comparison.json'), text);
  return dir;
}

async function report(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await reportCommand(argv, { stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; } });
  return { code, stdout, stderr };
}

before(async () => {
  await ensureWebviewBundles();
  browser = await launch();
});
after(async () => { await browser?.close(); });

test('writes RUN_DIR/report.html that renders offline under its own CSP', async () => {
  const dir = runDir('mnist', 'mnist-kd.comparison.json');
  const r = await report([dir]);
  assert.equal(r.code, 0, r.stderr);
  const file = join(dir, 'report.html');
  assert.match(r.stdout, /wrote .*report\.html/);
  const html = readFileSync(file, 'utf8');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-[A-Za-z0-9]+'; style-src 'nonce-/);
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=/, 'everything must be inlined');

  const page = await browser.newPage();
  const remote: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    remote.push(url);
    return route.abort();
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(`window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`);
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('.run .cards');
  assert.equal(await page.$$eval('.card', (c) => c.length), 12);
  assert.equal(await page.$$eval('.gallery .example canvas', (c) => c.length), 38);
  assert.deepEqual(remote, []);
  assert.deepEqual(errors, []);
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), []);
  await page.close();
});

test('two runs side by side, --out FILE', async () => {
  const out = join(tmp, 'both.html');
  const r = await report([runDir('a', 'mnist-kd.comparison.json'), runDir('b', 'spam-kd.comparison.json'), '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const page = await browser.newPage();
  await page.goto(pathToFileURL(out).href);
  await page.waitForFunction(() => document.querySelectorAll('.run').length === 2);
  await page.close();
});

test('embedded data cannot break out of its script element', async () => {
  const spam = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/comparison/spam-kd.comparison.json'), 'utf8'));
  spam.disagreements[0].input.text = '</script><script>window.__pwned = 1</script>';
  const dir = runDir('hostile', undefined, JSON.stringify(spam));
  assert.equal((await report([dir])).code, 0);
  const page = await browser.newPage();
  await page.goto(pathToFileURL(join(dir, 'report.html')).href);
  await page.waitForSelector('.run .example .text');
  assert.equal(await page.$eval('.run .example .text', (e) => e.textContent), '</script><script>window.__pwned = 1</script>');
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  await page.close();
});

test('bad input gets a message naming the file', async () => {
  const missing = await report([join(tmp, 'nope')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope[/\\]comparison\.json: not found/);
  const broken = await report([runDir('broken', undefined, '{\n  "v": 1,\n  "teacher": oops\n}')]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /broken[/\\]comparison\.json at line 3, column \d+: invalid JSON/);
  const partial = await report([runDir('partial', undefined, '{"v": 1, "run_id": "x"}')]);
  assert.match(partial.stderr, /partial[/\\]comparison\.json: not a comparison\.json \(missing keys: class_names, teacher, student, summary, disagreements\)/);
  assert.equal((await report([])).code, 2);
  assert.equal((await report(['a', '--bogus'])).code, 2);
});

test('the report command does not pull in tfjs', async () => {
  const r = await esbuild.build({
    entryPoints: [join(ROOT, 'src/trainer/cli/report.ts')], bundle: true, platform: 'node', write: false, metafile: true, logLevel: 'silent',
  });
  const inputs = Object.keys(r.metafile!.inputs);
  assert.ok(!inputs.some((i) => i.includes('@tensorflow')), inputs.join('\n'));
});
