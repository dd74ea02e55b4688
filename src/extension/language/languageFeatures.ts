// Registers the config language features (diagnostics, completion, hover, quick fixes,
// outline, folding) for `distill-yaml` documents. Called once from activate.
import * as vscode from 'vscode';
import { ConfigDiagnostics, LANGUAGE_ID, validateDocument } from './diagnostics';
import { CompletionProvider, FoldingProvider, HoverProvider, QuickFixProvider, SymbolProvider } from './providers';

const selector: vscode.DocumentSelector = [
  { language: LANGUAGE_ID, scheme: 'file' },
  { language: LANGUAGE_ID, scheme: 'untitled' },
];

let diagnostics: ConfigDiagnostics | undefined;

export function registerLanguageFeatures(context: vscode.ExtensionContext): void {
  const d = new ConfigDiagnostics();
  diagnostics = d;
  context.subscriptions.push(
    d,
    { dispose: () => { if (diagnostics === d) diagnostics = undefined; } },
    vscode.languages.registerCompletionItemProvider(selector, new CompletionProvider(), ...CompletionProvider.triggers),
    vscode.languages.registerHoverProvider(selector, new HoverProvider()),
    vscode.languages.registerCodeActionsProvider(selector, new QuickFixProvider(d), QuickFixProvider.metadata),
    vscode.languages.registerDocumentSymbolProvider(selector, new SymbolProvider(), { label: 'Distillery' }),
    vscode.languages.registerFoldingRangeProvider(selector, new FoldingProvider()),
  );
}

/** `distillery.validate`: validates the given (or active) config and says how many problems it has. */
export async function validateDocumentCommand(uri?: vscode.Uri): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showWarningMessage('Distillery: open a *.distill.yaml file to validate it.');
    return;
  }
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(target);
  } catch (err) {
    void vscode.window.showErrorMessage(`Distillery: cannot open ${target.fsPath}: ${String(err)}`);
    return;
  }
  // A config opened under another language id (plain `yaml`) is still validated, without the live features.
  const found = (document.languageId === LANGUAGE_ID ? diagnostics?.validateNow(document) : undefined) ?? validateDocument(document);
  const name = vscode.workspace.asRelativePath(document.uri);
  const errors = found.filter((f) => f.severity === 'error').length;
  const warnings = found.filter((f) => f.severity === 'warning').length;
  if (found.length === 0) {
    void vscode.window.showInformationMessage(`Distillery: ${name} is valid (0 problems).`);
  } else {
    const parts = [`${errors} error${errors === 1 ? '' : 's'}`, `${warnings} warning${warnings === 1 ? '' : 's'}`];
    const others = found.length - errors - warnings;
    if (others > 0) parts.push(`${others} info`);
    void vscode.window.showWarningMessage(`Distillery: ${found.length} problem${found.length === 1 ? '' : 's'} in ${name} (${parts.join(', ')}).`, 'Show Problems').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
  }
}
