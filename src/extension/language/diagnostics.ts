// Live diagnostics for distill-yaml documents: on open, while typing (debounced), on save.
// The core diagnostics are kept per document so that quick fixes can use their `fixes`.
import * as vscode from 'vscode';
import type { Diagnostic } from '../../core/config/diagnostics';
import { validateConfig } from '../../core/config/validate';
import { toDiagnostic } from './convert';
import { editorConfigHost } from './documentHosts';

export const LANGUAGE_ID = 'distill-yaml';
const DEBOUNCE_MS = 250;

/** The validator's diagnostics of a document's current text (unsaved edits included). */
export function validateDocument(document: vscode.TextDocument): Diagnostic[] {
  try {
    return validateConfig(document.getText(), {
      path: document.uri.scheme === 'file' ? document.uri.fsPath : undefined,
      host: editorConfigHost,
    }).diagnostics;
  } catch (err) {
    // The validator reports problems as diagnostics; a throw is a bug, shown rather than lost.
    return [{ severity: 'error', code: 'internal-error', message: `Distillery could not validate this file: ${String(err)}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
  }
}

export class ConfigDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('distillery');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly core = new Map<string, Diagnostic[]>();
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.validateNow(d)),
      vscode.workspace.onDidSaveTextDocument((d) => this.validateNow(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.validateSoon(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
    );
    for (const d of vscode.workspace.textDocuments) this.validateNow(d);
  }

  /** Validates at once and returns the core diagnostics (undefined for other languages). */
  validateNow(document: vscode.TextDocument): Diagnostic[] | undefined {
    if (document.languageId !== LANGUAGE_ID) return undefined;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const diagnostics = validateDocument(document);
    this.core.set(key, diagnostics);
    this.collection.set(document.uri, diagnostics.map((d) => toDiagnostic(d, document.uri)));
    return diagnostics;
  }

  validateSoon(document: vscode.TextDocument): void {
    if (document.languageId !== LANGUAGE_ID) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => this.validateNow(document), DEBOUNCE_MS));
  }

  /** The core diagnostics behind the editor's diagnostics of a document. */
  coreDiagnostics(document: vscode.TextDocument): Diagnostic[] {
    return this.core.get(document.uri.toString()) ?? this.validateNow(document) ?? [];
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.core.delete(key);
    this.collection.delete(document.uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const d of this.disposables) d.dispose();
  }
}
