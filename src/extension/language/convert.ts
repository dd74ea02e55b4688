// Conversions between the core's plain types and VS Code's classes.
import * as vscode from 'vscode';
import type { Diagnostic, Range, Severity, TextEdit } from '../../core/config/diagnostics';
import type { CompletionEntry } from '../../core/language/completion';
import type { SymbolKind } from '../../core/language/symbols';

export function toRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function fromPosition(p: vscode.Position): { line: number; character: number } {
  return { line: p.line, character: p.character };
}

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  switch (s) {
    case 'error': return vscode.DiagnosticSeverity.Error;
    case 'warning': return vscode.DiagnosticSeverity.Warning;
    case 'info': return vscode.DiagnosticSeverity.Information;
  }
}

export function toDiagnostic(d: Diagnostic, document: vscode.Uri): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(d.range), d.message, toSeverity(d.severity));
  out.source = 'distillery';
  out.code = d.code;
  if (d.related && d.related.length > 0) {
    out.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(
      new vscode.Location(r.file ? vscode.Uri.file(r.file) : document, toRange(r.range)), r.message));
  }
  return out;
}

export function toWorkspaceEdit(uri: vscode.Uri, edits: TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(uri, toRange(e.range), e.newText);
  return edit;
}

const completionKinds: Record<CompletionEntry['kind'], vscode.CompletionItemKind> = {
  property: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  snippet: vscode.CompletionItemKind.Snippet,
  layer: vscode.CompletionItemKind.Class,
  layerName: vscode.CompletionItemKind.Reference,
  file: vscode.CompletionItemKind.File,
  folder: vscode.CompletionItemKind.Folder,
};

export function toCompletionItem(e: CompletionEntry): vscode.CompletionItem {
  const item = new vscode.CompletionItem(e.label, completionKinds[e.kind]);
  item.detail = e.detail;
  if (e.documentation) item.documentation = new vscode.MarkdownString(e.documentation);
  item.insertText = e.snippet ? new vscode.SnippetString(e.insertText) : e.insertText;
  item.range = toRange(e.range);
  item.filterText = e.filterText;
  item.sortText = e.sortText;
  if (e.retrigger) item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest' };
  return item;
}

const symbolKinds: Record<SymbolKind, vscode.SymbolKind> = {
  section: vscode.SymbolKind.Module,
  key: vscode.SymbolKind.Object,
  list: vscode.SymbolKind.Array,
  layer: vscode.SymbolKind.Class,
  loss: vscode.SymbolKind.Function,
  value: vscode.SymbolKind.Property,
};

export function toSymbolKind(k: SymbolKind): vscode.SymbolKind {
  return symbolKinds[k];
}
