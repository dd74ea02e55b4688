// Host side of the comparison panel: a snapshot of one or two runs' comparison.json on every
// `ready`, and again when a watched run writes its comparison or finishes.
import * as vscode from 'vscode';
import { WEBVIEW_PROTOCOL_VERSION, type CompareEntry, type HostToCompareMessage } from '../../core/protocol/messages';
import type { PanelDeps } from './lossPanel';
import { runRef } from './runLabel';
import { routeWebviewMessage, setPanelHtml } from './webviewSetup';

export const COMPARISON_VIEW_TYPE = 'distillery.comparison';

export class ComparisonPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  private generation = 0;

  constructor(readonly panel: vscode.WebviewPanel, readonly runDirs: string[], private readonly deps: PanelDeps, onDispose: () => void) {
    setPanelHtml(panel.webview, deps.extensionUri, 'compare', panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      deps.feed.onEvent((runDir, e) => {
        if (this.ready && this.runDirs.includes(runDir) && (e.type === 'comparison' || e.type === 'finished')) void this.sendSnapshot();
      }),
      panel.onDidDispose(() => {
        this.dispose();
        onDispose();
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private onMessage(raw: unknown): void {
    routeWebviewMessage(raw, 'comparison panel', {
      ready: () => {
        this.ready = true;
        void this.sendSnapshot();
      },
      exportDir: this.runDirs[0],
      log: (m) => this.deps.log(m),
    });
  }

  private async sendSnapshot(): Promise<void> {
    const generation = ++this.generation;
    const entries: CompareEntry[] = await Promise.all(this.runDirs.slice(0, 2).map(async (runDir) => {
      try {
        const comparison = await this.deps.feed.readComparison(runDir);
        return { ...runRef(runDir, undefined, comparison?.run_id), comparison };
      } catch (err) {
        this.deps.log(`comparison panel: cannot read the comparison of ${runDir}: ${(err as Error).message}`);
        return runRef(runDir);
      }
    }));
    // A newer snapshot superseded this one while it was reading.
    if (this.disposed || generation !== this.generation) return;
    const msg: HostToCompareMessage = { type: 'snapshot', v: WEBVIEW_PROTOCOL_VERSION, entries };
    void this.panel.webview.postMessage(msg);
  }
}
