// A small stand-in for the `vscode` module, enough for the panel controllers: webview panels
// that record what the host posts, serializers, save dialogs. Installed before the panels
// module is loaded (see installFakeVscode).
import Module from 'node:module';

type Listener<T> = (e: T) => void;

export class Emitter<T> {
  private listeners: Array<Listener<T>> = [];
  event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.push(l);
    return { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } };
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  get count(): number {
    return this.listeners.length;
  }
}

export class FakeUri {
  constructor(readonly scheme: string, readonly path: string) {}
  static file(p: string): FakeUri { return new FakeUri('file', p); }
  static joinPath(base: FakeUri, ...parts: string[]): FakeUri { return new FakeUri(base.scheme, [base.path, ...parts].join('/')); }
  get fsPath(): string { return this.path; }
  toString(): string { return `${this.scheme}://${this.path}`; }
}

export class FakeWebviewPanel {
  readonly posted: unknown[] = [];
  readonly received = new Emitter<unknown>();
  readonly viewState = new Emitter<unknown>();
  readonly disposed = new Emitter<void>();
  visible = true;
  isDisposed = false;
  revealed = 0;
  readonly webview = {
    options: {} as Record<string, unknown>,
    html: '',
    cspSource: 'https://webview.test',
    asWebviewUri: (u: FakeUri) => new FakeUri('https', `webview.test${u.path}`),
    postMessage: async (m: unknown) => { this.posted.push(JSON.parse(JSON.stringify(m))); return true; },
    onDidReceiveMessage: this.received.event,
  };
  onDidChangeViewState = this.viewState.event;
  onDidDispose = this.disposed.event;
  constructor(readonly viewType: string, public title: string, readonly options: Record<string, unknown>) {}
  reveal(): void { this.revealed++; }
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
  }
  /** The webview sends a message to the host. */
  fromWebview(m: unknown): void { this.received.fire(m); }
  setVisible(v: boolean): void {
    this.visible = v;
    this.viewState.fire({ webviewPanel: this });
  }
}

export const fake = {
  panels: [] as FakeWebviewPanel[],
  serializers: new Map<string, { deserializeWebviewPanel(p: unknown, s: unknown): Promise<void> }>(),
  log: [] as string[],
  saveTarget: undefined as FakeUri | undefined,
  written: [] as Array<{ uri: FakeUri; bytes: Uint8Array }>,
};

export const vscodeModule = {
  Uri: FakeUri,
  ViewColumn: { Active: -1, Beside: -2 },
  window: {
    createWebviewPanel: (viewType: string, title: string, _col: number, options: Record<string, unknown>) => {
      const p = new FakeWebviewPanel(viewType, title, options);
      fake.panels.push(p);
      return p;
    },
    registerWebviewPanelSerializer: (viewType: string, s: { deserializeWebviewPanel(p: unknown, s: unknown): Promise<void> }) => {
      fake.serializers.set(viewType, s);
      return { dispose: () => fake.serializers.delete(viewType) };
    },
    createOutputChannel: () => ({ appendLine: (l: string) => fake.log.push(l), dispose: () => undefined }),
    showSaveDialog: async () => fake.saveTarget,
    showErrorMessage: async (m: string) => { fake.log.push(`error: ${m}`); },
  },
  workspace: {
    workspaceFolders: [{ uri: FakeUri.file('/ws') }],
    fs: { writeFile: async (uri: FakeUri, bytes: Uint8Array) => { fake.written.push({ uri, bytes }); } },
  },
};

export function installFakeVscode(): void {
  const M = Module as unknown as { _resolveFilename: (r: string, ...rest: unknown[]) => string; _cache: Record<string, unknown> };
  const resolve = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscodeModule } as unknown as NodeJS.Module;
}
