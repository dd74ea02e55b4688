// Host side of the live loss panel: a snapshot on every `ready` (open, reload, shown again),
// then live events batched into appends.
import * as vscode from 'vscode';
import type { TrainerEvent } from '../../core/protocol/events';
import { WEBVIEW_PROTOCOL_VERSION, type HostToLossMessage } from '../../core/protocol/messages';
import type { RunEventFeed } from './feed';
import { runRef } from './runLabel';
import { routeWebviewMessage, setPanelHtml } from './webviewSetup';

export const LOSS_VIEW_TYPE = 'distillery.loss';
/** Events arriving within this window go out as one append. */
const APPEND_INTERVAL_MS = 100;

export interface PanelDeps {
  extensionUri: vscode.Uri;
  feed: RunEventFeed;
  log(message: string): void;
}

export class LossPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** True between the webview's `ready` and it being hidden or replaced. */
  private ready = false;
  /** Snapshot being read: live events that arrive meanwhile wait here. */
  private reading?: Map<string, TrainerEvent[]>;
  private pending = new Map<string, TrainerEvent[]>();
  private timer?: ReturnType<typeof setTimeout>;
  private disposed = false;

  constructor(readonly panel: vscode.WebviewPanel, readonly runDirs: string[], private readonly deps: PanelDeps, onDispose: () => void) {
    setPanelHtml(panel.webview, deps.extensionUri, 'loss', panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      panel.onDidChangeViewState(() => {
        // A hidden webview is torn down; it says `ready` again when shown and gets a snapshot.
        if (!panel.visible) this.ready = false;
      }),
      deps.feed.onEvent((runDir, e) => this.onEvent(runDir, e)),
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
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private onMessage(raw: unknown): void {
    routeWebviewMessage(raw, 'loss panel', {
      ready: () => {
        this.ready = true;
        void this.sendSnapshot();
      },
      exportDir: this.runDirs[0],
      log: (m) => this.deps.log(m),
    });
  }

  private async sendSnapshot(): Promise<void> {
    const buffered = new Map<string, TrainerEvent[]>();
    this.reading = buffered;
    this.pending.clear();
    const runs = await Promise.all(this.runDirs.map(async (runDir) => {
      let events: TrainerEvent[] = [];
      try {
        events = await this.deps.feed.readEvents(runDir);
      } catch (err) {
        this.deps.log(`loss panel: cannot read events of ${runDir}: ${(err as Error).message}`);
      }
      return { ...runRef(runDir, events), events };
    }));
    if (this.disposed || this.reading !== buffered) return;
    this.reading = undefined;
    this.post({ type: 'snapshot', v: WEBVIEW_PROTOCOL_VERSION, runs });
    // Events that arrived during the read may already be in the file: drop exact repeats.
    for (const run of runs) {
      const late = buffered.get(run.runDir);
      if (!late?.length) continue;
      const tail = new Set(run.events.slice(-late.length - 64).map(eventIdentity));
      const fresh = late.filter((e) => !tail.has(eventIdentity(e)));
      if (fresh.length) this.post({ type: 'append', v: WEBVIEW_PROTOCOL_VERSION, runDir: run.runDir, events: fresh });
    }
  }

  private onEvent(runDir: string, e: TrainerEvent): void {
    if (!this.runDirs.includes(runDir) || !this.ready) return;
    const queue = this.reading ?? this.pending;
    const list = queue.get(runDir) ?? [];
    list.push(e);
    queue.set(runDir, list);
    if (!this.reading && !this.timer) this.timer = setTimeout(() => this.flush(), APPEND_INTERVAL_MS);
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.ready) return;
    for (const [runDir, events] of this.pending) this.post({ type: 'append', v: WEBVIEW_PROTOCOL_VERSION, runDir, events });
    this.pending.clear();
  }

  private post(msg: HostToLossMessage): void {
    void this.panel.webview.postMessage(msg);
  }
}

/**
 * Which event this is, whichever way it came (IPC object or parsed file line): type, time and
 * position. Whole-object JSON comparison missed repeats whose keys came in another order.
 */
function eventIdentity(e: TrainerEvent): string {
  const pos = e.type === 'step' ? `${e.stage}/${e.step}` : e.type === 'epoch' ? `${e.stage}/${e.epoch}` : e.type === 'stage' ? e.stage : '';
  return `${e.type}|${e.t}|${pos}`;
}
