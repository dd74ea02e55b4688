// The run commands, as the palette, the editor title, the explorer, the Runs view, the
// status bar and CodeLens call them: each accepts what those places pass (nothing, a file
// Uri, a tree node with its multi-selection, or a run folder path).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { runPaths } from '../../core/runs/layout';
import type { RunCatalog } from './runCatalog';
import { RunManager, UntrustedWorkspaceError } from './runManager';
import { RunNode } from './runsTree';

export interface PanelOpeners {
  openLoss(runDirs: string[]): void;
  openComparison(runDirs: string[]): void;
}

const CONFIG_PATTERN = /\.distill\.ya?ml$/;

function runDirsOf(arg: unknown, selection?: unknown): string[] {
  const one = (a: unknown): string | undefined =>
    a instanceof RunNode ? a.runDir : typeof a === 'string' ? a : a instanceof vscode.Uri && !CONFIG_PATTERN.test(a.fsPath) ? a.fsPath : undefined;
  if (Array.isArray(selection) && selection.length > 0) return selection.map(one).filter((d): d is string => !!d);
  const d = one(arg);
  return d ? [d] : [];
}

export function registerRunCommands(context: vscode.ExtensionContext, catalog: RunCatalog, manager: RunManager, panels: () => PanelOpeners): void {
  const reg = (id: string, fn: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  const startGuarded = (config: vscode.Uri, resume?: string) => {
    try {
      manager.start({ config, resume });
    } catch (e) {
      if (e instanceof UntrustedWorkspaceError) {
        void vscode.window.showErrorMessage(e.message, 'Manage Workspace Trust').then((a) => {
          if (a) void vscode.commands.executeCommand('workbench.trust.manage');
        });
      } else {
        void vscode.window.showErrorMessage(`Distillery: ${(e as Error).message}`);
      }
    }
  };

  /** The config of a finished run: the file it came from if it still exists, else the copy in the run folder. */
  const configOfRun = (runDir: string): vscode.Uri | undefined => {
    const source = catalog.get(runDir)?.source;
    if (source && existsSync(source)) return vscode.Uri.file(source);
    const copy = runPaths(runDir).config;
    if (existsSync(copy)) return vscode.Uri.file(copy);
    void vscode.window.showErrorMessage(`Distillery: no config found for ${basename(runDir)} (neither its source nor ${copy} exists).`);
    return undefined;
  };

  reg('distillery.run', async (arg) => {
    const config = await pickConfig(arg);
    if (!config) return;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === config.toString());
    if (doc?.isDirty) await doc.save();
    startGuarded(config);
  });

  reg('distillery.stop', async (arg) => {
    const active = manager.activeRuns();
    let target = typeof arg === 'string' ? arg : runDirsOf(arg)[0];
    if (arg instanceof vscode.Uri && CONFIG_PATTERN.test(arg.fsPath)) target = active.find((r) => r.config === arg.fsPath)?.key ?? '';
    if (!target) {
      if (active.length === 0) return void vscode.window.showInformationMessage('Distillery: no run is active.');
      const pick = active.length === 1 ? active[0] : (await vscode.window.showQuickPick(
        active.map((r) => ({ label: r.label, description: r.phase === 'queued' ? 'queued' : r.runDir ? basename(r.runDir) : 'starting', run: r })),
        { placeHolder: 'Stop which run?' },
      ))?.run;
      if (!pick) return;
      target = pick.key;
    }
    manager.stop(target);
  });

  reg('distillery.rerun', async (arg) => {
    if (arg instanceof vscode.Uri && CONFIG_PATTERN.test(arg.fsPath)) return startGuarded(arg);
    const dir = runDirsOf(arg)[0] ?? (await pickRun(catalog, 'Rerun which run?'));
    const config = dir && configOfRun(dir);
    if (config) startGuarded(config);
  });

  reg('distillery.resume', async (arg) => {
    const dir = runDirsOf(arg)[0] ?? (await pickRun(catalog, 'Resume which run?', (s) => s === 'stopped' || s === 'interrupted' || s === 'failed'));
    if (!dir) return;
    if (catalog.get(dir)?.status === 'running') return void vscode.window.showInformationMessage('Distillery: that run is still running.');
    const config = configOfRun(dir);
    if (config) startGuarded(config, dir);
  });

  reg('distillery.openLossPanel', async (arg, selection) => {
    let dirs = runDirsOf(arg, selection);
    if (dirs.length === 0) {
      const live = manager.activeRuns().find((r) => r.runDir)?.runDir;
      const dir = live ?? (await pickRun(catalog, 'Open the loss panel of which run?'));
      dirs = dir ? [dir] : [];
    }
    if (dirs.length) panels().openLoss(dirs);
  });

  reg('distillery.openComparison', async (arg, selection) => {
    let dirs = runDirsOf(arg, selection);
    if (dirs.length === 0 && arg instanceof vscode.Uri) {
      // From a config's editor title: its latest run with results.
      const latest = catalog.runsOf(arg.fsPath).find((r) => r.progress.summary);
      if (latest) dirs = [latest.dir];
    }
    if (dirs.length === 0) {
      const picks = await vscode.window.showQuickPick(
        catalog.runs().filter((r) => r.progress.summary).sort((a, b) => b.startedAt - a.startedAt).map((r) => ({ label: r.experiment, description: r.id, dir: r.dir })),
        { placeHolder: 'Compare which runs? (pick one, or several to compare them)', canPickMany: true },
      );
      dirs = picks?.map((p) => p.dir) ?? [];
    }
    if (dirs.length) panels().openComparison(dirs);
  });

  reg('distillery.openRunFolder', async (arg) => {
    const dir = runDirsOf(arg)[0] ?? (await pickRun(catalog, 'Open which run folder?'));
    if (!dir) return;
    const uri = vscode.Uri.file(dir);
    // No OS file manager on a remote or in the browser: reveal it in the Explorer then.
    const local = !vscode.env.remoteName && vscode.env.uiKind === vscode.UIKind.Desktop;
    if (local) await vscode.commands.executeCommand('revealFileInOS', uri);
    else if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: true });
  });

  reg('distillery.deleteRun', async (arg, selection) => {
    const dirs = runDirsOf(arg, selection);
    if (dirs.length === 0) return;
    const running = dirs.filter((d) => catalog.get(d)?.status === 'running');
    if (running.length) return void vscode.window.showWarningMessage(`Distillery: stop ${basename(running[0])} before deleting it.`);
    const what = dirs.length === 1 ? `run ${basename(dirs[0])}` : `${dirs.length} runs`;
    const ok = await vscode.window.showWarningMessage(`Delete ${what}? Its folder (models, events, comparison) is removed.`, { modal: true }, 'Delete');
    if (ok !== 'Delete') return;
    for (const d of dirs) {
      try {
        await vscode.workspace.fs.delete(vscode.Uri.file(d), { recursive: true, useTrash: false });
      } catch (e) {
        void vscode.window.showErrorMessage(`Distillery: could not delete ${d}: ${(e as Error).message}`);
      }
    }
    catalog.rescan();
  });

  reg('distillery.refreshRuns', () => catalog.rescan());

  reg('distillery.showRunLog', (arg) => {
    const dir = runDirsOf(arg)[0];
    if (dir) manager.showLog(dir);
  });
}

async function pickConfig(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri && CONFIG_PATTERN.test(arg.fsPath)) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && CONFIG_PATTERN.test(active.fsPath)) return active;
  const files = await vscode.workspace.findFiles('**/*.distill.{yaml,yml}', '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Distillery: no *.distill.yaml in this workspace. Create one with "Distillery: New Experiment".');
    return undefined;
  }
  if (files.length === 1) return files[0];
  const pick = await vscode.window.showQuickPick(files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { placeHolder: 'Run which experiment?' });
  return pick?.uri;
}

async function pickRun(catalog: RunCatalog, placeHolder: string, filter: (s: string) => boolean = () => true): Promise<string | undefined> {
  const runs = catalog.runs().filter((r) => filter(r.status)).sort((a, b) => b.startedAt - a.startedAt);
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('Distillery: no runs yet.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.experiment, description: `${r.status} · ${r.id}`, dir: r.dir })), { placeHolder });
  return pick?.dir;
}
