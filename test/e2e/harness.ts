// End-to-end harness: a real VS Code (code-server 4.100.3 = VS Code 1.100.3) with the
// packaged extension installed, driven through Debian's Chromium with playwright-core.
// Every process it starts runs in its own process group and is killed on stop, also when a
// test fails; on failure, screenshots and logs stay under test-results/e2e/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

export const repoRoot = resolve(__dirname, '..', '..');
export const resultsDir = join(repoRoot, 'test-results', 'e2e');

let codeServerBin: string | undefined;
let vsixPath: string | undefined;

/** Installs chromium + code-server into the cache (once) and returns the code-server binary. */
export function ensureInstalled(): string {
  if (codeServerBin) return codeServerBin;
  const r = spawnSync('bash', [join(repoRoot, 'test/e2e/install.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`test/e2e/install.sh failed (${r.status})`);
  codeServerBin = r.stdout.trim().split('\n').pop()!;
  return codeServerBin;
}

/** Packages the built extension as a VSIX with vsce (offline), once per process. */
export function packageExtension(): string {
  if (vsixPath) return vsixPath;
  if (!existsSync(join(repoRoot, 'dist/extension.js'))) throw new Error('dist/extension.js missing: run `npm run build` first');
  mkdirSync(join(repoRoot, 'out'), { recursive: true });
  const out = join(repoRoot, 'out', 'distillery-e2e.vsix');
  rmSync(out, { force: true });
  // As `npm run package` does: the portable native engine goes into the VSIX (optional: the
  // script exits 0 without it, and the extension then trains on tfjs).
  spawnSync(process.execPath, [join(repoRoot, 'scripts/build-native.mjs'), '--portable'], { cwd: repoRoot, stdio: 'inherit' });
  const vsce = join(repoRoot, 'node_modules/@vscode/vsce/vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vsce package failed:\n${r.stdout}\n${r.stderr}`);
  vsixPath = out;
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

function killGroup(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

async function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((res) => {
    const t = setTimeout(() => res(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      res(true);
    });
  });
}

export interface SessionOptions {
  /** Files to copy into the scratch workspace: relative path in the repo -> path in the workspace. */
  files: Record<string, string>;
  /** false: workspace trust is enabled and the folder is not trusted (restricted mode). */
  trusted?: boolean;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  name: string;
}

export class Session {
  readonly scratch: string;
  readonly workspace: string;
  private server?: ChildProcess;
  private browser?: Browser;
  page!: Page;
  private port = 0;
  private logFile: string;

  constructor(readonly options: SessionOptions) {
    this.scratch = mkdtempSync(join(tmpdir(), `distillery-e2e-${options.name}-`));
    this.workspace = join(this.scratch, 'workspace');
    this.logFile = join(this.scratch, 'code-server.log');
  }

  async start(): Promise<void> {
    const bin = ensureInstalled();
    const vsix = packageExtension();
    const home = join(this.scratch, 'home');
    const userData = join(this.scratch, 'user-data');
    const extensions = join(this.scratch, 'extensions');
    for (const d of [this.workspace, home, userData, extensions, join(home, 'tmp')]) mkdirSync(d, { recursive: true });
    for (const [from, to] of Object.entries(this.options.files)) {
      const dest = join(this.workspace, to);
      mkdirSync(join(dest, '..'), { recursive: true });
      cpSync(join(repoRoot, from), dest, { recursive: true });
    }
    const trusted = this.options.trusted !== false;
    const settings = {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'security.workspace.trust.enabled': !trusted,
      'security.workspace.trust.startupPrompt': 'never',
      'editor.quickSuggestions': { other: false, comments: false, strings: false },
      'window.restoreWindows': 'none',
      ...this.options.settings,
    };
    mkdirSync(join(userData, 'User'), { recursive: true });
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    const env = {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      TMPDIR: join(home, 'tmp'),
    };
    const install = spawnSync(bin, ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], {
      env,
      encoding: 'utf8',
    });
    if (install.status !== 0) throw new Error(`installing the VSIX failed:\n${install.stdout}\n${install.stderr}`);

    this.port = await freePort();
    const args = [
      '--config', '/dev/null', '--bind-addr', `127.0.0.1:${this.port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
      '--user-data-dir', userData, '--extensions-dir', extensions,
    ];
    if (trusted) args.push('--disable-workspace-trust');
    args.push(this.workspace);
    const { openSync } = await import('node:fs');
    const log = openSync(this.logFile, 'a');
    // detached = setsid: code-server and its extension host / watchers share one process group.
    this.server = spawn(bin, args, { env, detached: true, stdio: ['ignore', log, log] });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${this.port}/healthz`);
        if (r.ok) break;
      } catch {
        /* not listening yet */
      }
      if (this.server.exitCode !== null) throw new Error(`code-server exited early:\n${readFileSync(this.logFile, 'utf8')}`);
      if (Date.now() > deadline) throw new Error('code-server did not become healthy in 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }

    this.browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
      headless: true,
    });
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 900 } });
    this.page = await context.newPage();
    await this.page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  }

  /** Keeps a screenshot and the code-server log for a failed test. */
  async keepEvidence(testName: string): Promise<void> {
    const dir = join(resultsDir, `${this.options.name}-${testName.replace(/[^a-z0-9]+/gi, '_')}`);
    mkdirSync(dir, { recursive: true });
    try {
      await this.page?.screenshot({ path: join(dir, 'screenshot.png') });
    } catch {
      /* browser may be gone */
    }
    try {
      cpSync(this.logFile, join(dir, 'code-server.log'));
      const logs = join(this.scratch, 'user-data', 'logs');
      if (existsSync(logs)) cpSync(logs, join(dir, 'vscode-logs'), { recursive: true });
    } catch {
      /* nothing to copy */
    }
    console.error(`e2e: evidence kept in ${dir}`);
  }

  async stop(): Promise<void> {
    try {
      await this.browser?.close();
    } catch {
      /* already closed */
    }
    if (this.server) {
      killGroup(this.server, 'SIGTERM');
      if (!(await waitForExit(this.server, 5000))) killGroup(this.server, 'SIGKILL');
      // Stragglers in the group (watchers, extension host).
      killGroup(this.server, 'SIGKILL');
    }
    // Trainers are forked detached (their own session, so that they outlive a window
    // reload): they are not in the group. Ours are the ones whose command line names this
    // session's scratch folder.
    for (const pid of processesMentioning(this.scratch)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    rmSync(this.scratch, { recursive: true, force: true, maxRetries: 3 });
  }

  // ---- driving the workbench ----

  /** Runs a palette command by its title, retrying until the extension has registered it. */
  async command(title: string, timeoutMs = 60_000): Promise<void> {
    const page = this.page;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 10_000 });
      await page.keyboard.type(title, { delay: 5 });
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
      try {
        await row.waitFor({ timeout: 3000 });
        await page.keyboard.press('Enter');
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`command "${title}" never appeared in the palette`);
        await page.keyboard.press('Escape');
        await page.waitForTimeout(1000);
      }
    }
  }

  /** Opens a workspace file through Quick Open. */
  async openFile(relPath: string): Promise<void> {
    const page = this.page;
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type(relPath, { delay: 5 });
    const name = relPath.split('/').pop()!;
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator(`.tab.active[aria-label^="${name}"]`).first().waitFor({ timeout: 15_000 });
    await page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  /** Puts the cursor at a 1-based line/column with "Go to Line". */
  async gotoLine(line: number, column = 1): Promise<void> {
    const page = this.page;
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press('Enter');
  }

  /** The Problems panel's rows as text. */
  async problems(): Promise<string[]> {
    return this.page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  }

  /** Finds a frame (webviews are nested iframes) that holds `selector`. */
  async frameWith(selector: string, timeoutMs = 60_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const f of this.page.frames()) {
        try {
          if ((await f.locator(selector).count()) > 0) return f;
        } catch {
          /* frame detached mid-search */
        }
      }
      if (Date.now() > deadline) throw new Error(`no frame shows ${selector}`);
      await this.page.waitForTimeout(500);
    }
  }

  file(rel: string): string {
    return join(this.workspace, rel);
  }

  /** Runs `body`; when it throws, keeps a screenshot and the logs before rethrowing. */
  async step<T>(testName: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      await this.keepEvidence(testName);
      throw e;
    }
  }

  /** The visible text lines of the active editor (non-breaking spaces as spaces). */
  async editorText(): Promise<string> {
    const lines = await this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').allInnerTexts();
    return lines.map((l) => l.replace(/\u00a0/g, ' ')).join('\n');
  }

  /** Focuses the active editor group, so that editor keybindings (Ctrl+G, Ctrl+.) reach it. */
  async focusEditor(): Promise<void> {
    await this.page.keyboard.press('Escape');
    // Ctrl+1 (Focus First Editor Group): a click could land on a CodeLens or an overlay.
    await this.page.keyboard.press('Control+1');
    await this.page.locator('.editor-group-container.active .monaco-editor.focused').first().waitFor({ timeout: 10_000 });
  }

  /** The CodeLens entries of the editor showing `file` (else of the active group), as text. */
  async codeLenses(file?: string): Promise<string[]> {
    const group = file ? `.editor-group-container:has(.tab.active[aria-label^="${file}"])` : '.editor-group-container.active';
    const texts = await this.page.locator(`${group} .monaco-editor .codelens-decoration a`).allInnerTexts();
    return texts.map((t) => t.replace(/\u00a0/g, ' ').trim());
  }

  /**
   * Clicks the first matching CodeLens of the editor showing `file` (any group: with a panel
   * open beside, which group is "active" depends on focus), else of the active group.
   */
  async clickCodeLens(match: RegExp, file?: string, timeoutMs = 60_000): Promise<void> {
    const group = file ? `.editor-group-container:has(.tab.active[aria-label^="${file}"])` : '.editor-group-container.active';
    const lens = this.page.locator(`${group} .monaco-editor .codelens-decoration a`).filter({ hasText: match }).first();
    await lens.waitFor({ timeout: timeoutMs });
    await lens.click();
  }

  /** The status bar entries' text. */
  async statusBar(): Promise<string[]> {
    const texts = await this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item-label').allInnerTexts();
    return texts.map((t) => t.replace(/\u00a0/g, ' ').trim());
  }

  /** The text of the notifications shown (toasts and the notification center). */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-list-item-message').allInnerTexts();
  }

  /** Rows of the side bar's tree (the view shown there), as text, with the codicons each shows. */
  async sideBarRows(): Promise<SideBarRow[]> {
    return this.page.locator('#workbench\\.parts\\.sidebar .monaco-list-row').evaluateAll((rows) =>
      rows.map((r) => ({
        label: r.querySelector('.label-name')?.textContent?.replace(/\u00a0/g, ' ') ?? '',
        description: r.querySelector('.label-description')?.textContent?.replace(/\u00a0/g, ' ') ?? '',
        icons: [...r.querySelectorAll('[class*="codicon-"]')].map((i) => i.className).join(' '),
      })),
    );
  }
}

export interface SideBarRow { label: string; description: string; icons: string }

/** Pids of processes whose command line contains `needle` (Linux /proc). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return pids;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(needle)) pids.push(Number(e));
    } catch {
      /* ended meanwhile */
    }
  }
  return pids;
}

/** Polls `fn` until it returns a truthy value. */
export async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 60_000, everyMs = 500, seen?: () => unknown): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const saw = seen ? `; last seen: ${JSON.stringify(seen())}` : '';
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${saw}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
