// Loads a built panel bundle in real Chromium, in the same page and CSP as the VS Code panel,
// with a fake acquireVsCodeApi that records what the webview posts. Every request that is not
// a local file is recorded (and aborted) so tests can assert nothing reaches the network.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../src/extension/panels/html';

export const ROOT = resolve(__dirname, '../..');
export const WEBVIEW_DIST = join(ROOT, 'dist/webview');

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** dist/webview as `npm run build` leaves it; built here (webview bundles only) when missing. */
export async function ensureWebviewBundles(): Promise<string> {
  const bundles = ['loss', 'compare'];
  if (bundles.every((b) => existsSync(join(WEBVIEW_DIST, `${b}.js`)) && existsSync(join(WEBVIEW_DIST, `${b}.css`)))) return WEBVIEW_DIST;
  await Promise.all(bundles.map((name) => esbuild.build({
    entryPoints: { [name]: join(ROOT, `src/webview/${name}/main.ts`) },
    bundle: true, sourcemap: 'linked', legalComments: 'none', logLevel: 'warning',
    outdir: WEBVIEW_DIST, platform: 'browser', target: 'chrome114', format: 'iife', loader: { '.css': 'css' },
  })));
  return WEBVIEW_DIST;
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface PanelPage {
  page: Page;
  /** Non-local requests the page tried to make. */
  remoteRequests: string[];
  /** Messages the webview posted to the (fake) host, in order. */
  posted(): Promise<Array<{ type: string; [k: string]: unknown }>>;
  send(msg: unknown): Promise<void>;
  state(): Promise<unknown>;
  /** securitypolicyviolation events seen so far. */
  violations(): Promise<Array<{ directive: string; blocked: string }>>;
  pageErrors: string[];
}

const isLocal = (url: string): boolean => /^(file|data|blob|about):/.test(url);

export async function openPanel(browser: Browser, bundle: 'loss' | 'compare', initialState?: unknown): Promise<PanelPage> {
  const dist = await ensureWebviewBundles();
  const dir = mkdtempSync(join(tmpdir(), `distillery-${bundle}-`));
  const htmlPath = join(dir, `${bundle}.html`);
  writeFileSync(htmlPath, panelHtml({
    title: bundle,
    cspSource: 'file:',
    nonce: 'testnonce0123456789',
    scriptUri: pathToFileURL(join(dist, `${bundle}.js`)).href,
    styleUris: [pathToFileURL(join(dist, `${bundle}.css`)).href],
  }));
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const remoteRequests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    remoteRequests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (r) => { if (!isLocal(r.url())) remoteRequests.push(r.url()); });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // A string, not a function: tsx would inject a `__name` helper the page does not have.
  await page.addInitScript(`
    window.__posted = [];
    window.__state = ${JSON.stringify(initialState ?? null)};
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber });
    });
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => window.__state,
      setState: (s) => { window.__state = s; },
    });
  `);
  await page.goto(pathToFileURL(htmlPath).href);
  return {
    page,
    remoteRequests,
    pageErrors,
    posted: () => page.evaluate(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted),
    // As a JSON string: playwright's own serialisation of 100k-event objects takes tens of seconds.
    send: (msg) => page.evaluate((json) => { window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(json) })); }, JSON.stringify(msg)),
    state: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
    violations: () => page.evaluate(() => (window as unknown as { __violations: Array<{ directive: string; blocked: string }> }).__violations),
  };
}

/** Resolves after the page has rendered at least one more animation frame. */
export function nextFrames(page: Page, n = 2): Promise<void> {
  // No named inner functions: tsx would wrap them in a `__name` helper the page lacks.
  return page.evaluate(async (count) => {
    for (let k = 0; k < count; k++) await new Promise((res) => requestAnimationFrame(res));
  }, n);
}
