// Registers the loss and comparison panels: commands' entry points, and serializers that
// restore open panels after a window reload from the run directories in their saved state.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { ComparisonPanel, COMPARISON_VIEW_TYPE } from './comparisonPanel';
import type { RunEventFeed } from './feed';
import { LOSS_VIEW_TYPE, LossPanel, type PanelDeps } from './lossPanel';
import { runDirsFromState, webviewOptions } from './webviewSetup';

export interface Panels {
  openLoss(runDirs: string[]): void;
  openComparison(runDirs: string[]): void;
}

function titleOf(prefix: string, runDirs: string[]): string {
  return `${prefix}: ${runDirs.map((d) => basename(d)).join(' vs ')}`;
}

const keyOf = (runDirs: string[]): string => [...runDirs].sort().join('\n');

export function registerPanels(context: vscode.ExtensionContext, feed: RunEventFeed): Panels {
  const output = vscode.window.createOutputChannel('Distillery Panels');
  context.subscriptions.push(output);
  const deps: PanelDeps = { extensionUri: context.extensionUri, feed, log: (m) => output.appendLine(m) };
  // Lookup by run set (to reveal instead of duplicating); `open` owns every panel, including
  // a restored one whose runs are also shown by another.
  const loss = new Map<string, LossPanel>();
  const comparison = new Map<string, ComparisonPanel>();
  const open = new Set<vscode.Disposable>();
  context.subscriptions.push({
    dispose: () => {
      for (const p of [...open]) p.dispose();
    },
  });

  const adoptLoss = (panel: vscode.WebviewPanel, runDirs: string[]): void => {
    const key = keyOf(runDirs);
    const p: LossPanel = new LossPanel(panel, runDirs, deps, () => {
      open.delete(p);
      if (loss.get(key) === p) loss.delete(key);
    });
    open.add(p);
    loss.set(key, p);
  };
  const adoptComparison = (panel: vscode.WebviewPanel, runDirs: string[]): void => {
    const key = keyOf(runDirs);
    const p: ComparisonPanel = new ComparisonPanel(panel, runDirs, deps, () => {
      open.delete(p);
      if (comparison.get(key) === p) comparison.delete(key);
    });
    open.add(p);
    comparison.set(key, p);
  };

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(LOSS_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state) {
        const runDirs = runDirsFromState(state);
        if (runDirs.length === 0) {
          panel.dispose();
          return;
        }
        adoptLoss(panel, runDirs);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(COMPARISON_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state) {
        const runDirs = runDirsFromState(state).slice(0, 2);
        if (runDirs.length === 0) {
          panel.dispose();
          return;
        }
        adoptComparison(panel, runDirs);
      },
    }),
  );

  return {
    openLoss(runDirs) {
      if (runDirs.length === 0) return;
      const existing = loss.get(keyOf(runDirs));
      if (existing) return existing.reveal();
      const panel = vscode.window.createWebviewPanel(LOSS_VIEW_TYPE, titleOf('Loss', runDirs), vscode.ViewColumn.Beside, webviewOptions(context.extensionUri));
      adoptLoss(panel, runDirs);
    },
    openComparison(runDirs) {
      const dirs = runDirs.slice(0, 2);
      if (dirs.length === 0) return;
      const existing = comparison.get(keyOf(dirs));
      if (existing) return existing.reveal();
      const panel = vscode.window.createWebviewPanel(COMPARISON_VIEW_TYPE, titleOf('Comparison', dirs), vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
      adoptComparison(panel, dirs);
    },
  };
}
