// One status bar entry per active run; clicking it opens the run's loss panel.
import * as vscode from 'vscode';
import { statusBarText } from '../../core/runView/statusBarText';
import type { RunProgress } from '../../core/runView/runProgress';

export class RunStatusBarEntry implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(key: string, label: string) {
    this.item = vscode.window.createStatusBarItem(`distillery.run.${key}`, vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Distillery run';
    this.item.text = `$(clock) ${label} · queued`;
    this.item.tooltip = `Distillery: ${label} waits for a free slot (distillery.maxConcurrentRuns)`;
    this.item.command = { title: 'Cancel', command: 'distillery.stop', arguments: [key] };
    this.item.show();
  }

  /** The run started (or was re-attached): show its progress, open its loss panel on click. */
  update(runDir: string, progress: RunProgress): void {
    const { text, tooltip } = statusBarText(progress, Date.now());
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = { title: 'Open Loss Panel', command: 'distillery.openLossPanel', arguments: [runDir] };
  }

  dispose(): void {
    this.item.dispose();
  }
}
