// The Runs view: experiments, each with its runs newest first, a status icon per run and
// its key metrics in the description.
import * as vscode from 'vscode';
import type { RunStatus } from '../../core/protocol/events';
import { formatMetrics, formatLoss } from '../../core/runView/headline';
import { groupRuns } from '../../core/runView/runGroups';
import { failureMessage } from '../../core/runView/runProgress';
import type { CatalogRun, RunCatalog } from './runCatalog';

export class ExperimentNode {
  readonly kind = 'experiment';
  constructor(readonly experiment: string, readonly runs: RunNode[]) {}
}

export class RunNode {
  readonly kind = 'run';
  constructor(readonly run: CatalogRun) {}
  get runDir(): string {
    return this.run.dir;
  }
}

export type RunsTreeNode = ExperimentNode | RunNode;

const ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin'),
  completed: new vscode.ThemeIcon('check', new vscode.ThemeColor('testing.iconPassed')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  interrupted: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
};

function runDescription(r: CatalogRun): string {
  const p = r.progress;
  if (p.summary) return formatMetrics(p.summary);
  if (r.status === 'running') {
    const s = p.stage;
    if (!s) return 'starting';
    const epoch = s.lastStep ? ` ${s.lastStep.epoch + 1}${s.epochs ? `/${s.epochs}` : ''}` : '';
    const loss = s.lastStep ? ` · loss ${formatLoss(s.lastStep.total)}` : '';
    return `${s.stage}${epoch}${loss}`;
  }
  if (r.status === 'failed') return failureMessage(p) ?? 'failed';
  return r.status;
}

function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsTreeNode | undefined>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly catalog: RunCatalog) {
    this.subscription = catalog.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: RunsTreeNode): RunsTreeNode[] {
    if (node instanceof RunNode) return [];
    if (node instanceof ExperimentNode) return node.runs;
    return groupRuns(this.catalog.runs()).map((g) => new ExperimentNode(g.experiment, g.runs.map((r) => new RunNode(r))));
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    if (node instanceof ExperimentNode) {
      const item = new vscode.TreeItem(node.experiment, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `experiment:${node.experiment}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.description = `${node.runs.length} run${node.runs.length === 1 ? '' : 's'}`;
      item.contextValue = 'experiment';
      return item;
    }
    const r = node.run;
    const item = new vscode.TreeItem(when(r.startedAt), vscode.TreeItemCollapsibleState.None);
    item.id = `run:${r.dir}`;
    item.iconPath = ICONS[r.status];
    item.description = runDescription(r);
    item.resourceUri = vscode.Uri.file(r.dir);
    // `run:<status>` plus `:comparison` when the run has results: menus match on these.
    item.contextValue = `run:${r.status}${r.progress.summary ? ':comparison' : ''}`;
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${r.experiment}** — ${r.status}\n\n`);
    tip.appendText(`${r.id}\n`);
    if (r.progress.backend) tip.appendText(`backend: ${r.progress.backend}\n`);
    if (r.progress.summary) tip.appendText(`${formatMetrics(r.progress.summary)}\n`);
    const err = failureMessage(r.progress);
    if (r.status === 'failed' && err) tip.appendText(`error: ${err}\n`);
    item.tooltip = tip;
    item.command = { title: 'Open', command: r.progress.summary ? 'distillery.openComparison' : 'distillery.openLossPanel', arguments: [r.dir] };
    return item;
  }

  getParent(node: RunsTreeNode): RunsTreeNode | undefined {
    if (node instanceof ExperimentNode) return undefined;
    const group = groupRuns(this.catalog.runs()).find((g) => g.experiment === node.run.experiment);
    return group && new ExperimentNode(group.experiment, group.runs.map((r) => new RunNode(r)));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
