// CodeLens on a config: Run or Stop, the latest run's headline (opens its comparison),
// and on each loss term its last value and weight from the latest run that reported it.
import * as vscode from 'vscode';
import { formatHeadline, formatLoss } from '../../core/runView/headline';
import { failureMessage } from '../../core/runView/runProgress';
import { statusBarText } from '../../core/runView/statusBarText';
import type { RunCatalog } from '../runs/runCatalog';
import type { RunManager } from '../runs/runManager';
import { outlineOf, runsOfConfig } from './configResults';

const REFRESH_MS = 1000;

export class ResultsCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];
  private timer: NodeJS.Timeout | undefined;
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly catalog: RunCatalog, private readonly manager: RunManager) {
    const refresh = () => {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.changed.fire();
      }, REFRESH_MS);
    };
    this.subscriptions = [catalog.onDidChange(refresh), manager.onDidChangeActive(() => this.changed.fire())];
  }

  private poll: NodeJS.Timeout | undefined;

  private pollWhileLive(): void {
    if (this.poll) return;
    this.poll = setTimeout(() => {
      this.poll = undefined;
      this.changed.fire();
    }, 2 * REFRESH_MS);
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const outline = await outlineOf(doc);
    const runs = runsOfConfig(this.catalog, doc, outline);
    const top = new vscode.Range(outline.name?.keyRange.start.line ?? 0, 0, outline.name?.keyRange.start.line ?? 0, 0);
    const lenses: vscode.CodeLens[] = [];

    const own = this.manager.activeRuns().filter((r) => r.config === doc.uri.fsPath);
    const live = runs.find((r) => r.status === 'running');
    if (own.length > 0 || live) {
      // While a lens shows a live run, re-ask every few seconds: its progress text ages, and a
      // change event that lands while VS Code is still resolving lenses must not leave "Stop" behind.
      this.pollWhileLive();
      const target = own[0]?.key ?? live!.dir;
      lenses.push(new vscode.CodeLens(top, { title: '$(debug-stop) Stop', command: 'distillery.stop', arguments: [target] }));
      if (live) {
        const { text, tooltip } = statusBarText(live.progress, Date.now());
        lenses.push(new vscode.CodeLens(top, { title: text.replace(/^\$\(sync~spin\) [^·]*· /, '$(sync~spin) '), tooltip, command: 'distillery.openLossPanel', arguments: [live.dir] }));
      } else if (own[0]?.phase === 'queued') {
        lenses.push(new vscode.CodeLens(top, { title: '$(clock) queued', command: '' }));
      }
    } else {
      lenses.push(new vscode.CodeLens(top, { title: '$(play) Run', tooltip: 'Run this experiment', command: 'distillery.run', arguments: [doc.uri] }));
    }

    const finished = runs.find((r) => r.status !== 'running');
    if (finished?.progress.summary) {
      lenses.push(new vscode.CodeLens(top, {
        title: formatHeadline(finished.progress.summary),
        tooltip: `Latest results (${finished.id}): open the comparison`,
        command: 'distillery.openComparison',
        arguments: [finished.dir],
      }));
    } else if (finished && (finished.status === 'failed' || finished.status === 'interrupted')) {
      lenses.push(new vscode.CodeLens(top, {
        title: `$(error) last run ${finished.status}${finished.status === 'failed' ? `: ${truncate(failureMessage(finished.progress) ?? '', 80)}` : ''}`,
        tooltip: failureMessage(finished.progress),
        command: 'distillery.openLossPanel',
        arguments: [finished.dir],
      }));
    }

    const withTerms = runs.find((r) => Object.keys(r.progress.distillTerms).length > 0);
    if (withTerms) {
      for (const term of outline.losses) {
        const tv = withTerms.progress.distillTerms[term.id];
        if (!tv) continue;
        const weight = withTerms.progress.distillWeights[term.id] ?? tv.weight;
        const range = new vscode.Range(term.range.start.line, 0, term.range.start.line, 0);
        lenses.push(new vscode.CodeLens(range, {
          title: `${term.id}: ${formatLoss(tv.value)} × ${formatLoss(weight)} = ${formatLoss(tv.value * weight)}`,
          tooltip: `Last value of this term in the distill stage of ${withTerms.id} (unweighted × weight)`,
          command: 'distillery.openLossPanel',
          arguments: [withTerms.dir],
        }));
      }
    }
    return lenses;
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.poll);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
