// Entry point: wires the features together, nothing more. Each feature receives what it
// needs, and everything registered goes into context.subscriptions where it is created.
import * as vscode from 'vscode';
import { registerNewExperiment } from './experiments/newExperiment';
import { NameHoverProvider } from './inline/nameHover';
import { ResultsCodeLensProvider } from './inline/resultsCodeLens';
import { registerPanels } from './panels/panels';
import { RunCatalog } from './runs/runCatalog';
import { registerRunCommands } from './runs/runCommands';
import { RunManager } from './runs/runManager';
import { runsFolders } from './runs/runsLocation';
import { RunsTreeProvider } from './runs/runsTree';

const CONFIG_SELECTOR: vscode.DocumentSelector = [{ language: 'distill-yaml' }, { pattern: '**/*.distill.{yaml,yml}' }];

export function activate(context: vscode.ExtensionContext): void {
  // The validator (YAML parser, JSON-schema compiler, the schema) is the heaviest part of the
  // bundle: it is evaluated after activation returns, so activating stays fast.
  const language = import('./language/languageFeatures');
  void language.then((m) => m.registerLanguageFeatures(context), (e) => console.error('Distillery: language features failed to load', e));
  context.subscriptions.push(vscode.commands.registerCommand('distillery.validate', async (uri?: vscode.Uri) => (await language).validateDocumentCommand(uri)));

  const catalog = new RunCatalog(runsFolders);
  context.subscriptions.push(catalog);
  const panels = registerPanels(context, catalog);
  const manager = new RunManager(context, catalog, panels);
  context.subscriptions.push(manager);

  const tree = new RunsTreeProvider(catalog);
  context.subscriptions.push(tree, vscode.window.createTreeView('distillery.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true }));
  registerRunCommands(context, catalog, manager, () => panels);
  registerNewExperiment(context);

  const lenses = new ResultsCodeLensProvider(catalog, manager);
  context.subscriptions.push(
    lenses,
    vscode.languages.registerCodeLensProvider(CONFIG_SELECTOR, lenses),
    vscode.languages.registerHoverProvider(CONFIG_SELECTOR, new NameHoverProvider(catalog)),
  );

  // Reading the runs folders (and re-attaching runs that outlived a reload) waits until
  // activation has returned: it reads files, and nothing on screen needs it first.
  const firstScan = setTimeout(() => catalog.rescan(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(firstScan) });
}

export function deactivate(): void {
  // Everything is in context.subscriptions; running trainers are detached and keep going.
}
