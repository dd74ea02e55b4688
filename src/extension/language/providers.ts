// The VS Code providers: each converts the editor's arguments, calls the pure function in
// src/core/language and converts the answer back. No logic of their own.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { codeActions } from '../../core/language/codeActions';
import { complete } from '../../core/language/completion';
import { cursorContext } from '../../core/language/cursorContext';
import { hover } from '../../core/language/hover';
import type { LanguageContext } from '../../core/language/languageContext';
import { documentSymbols, foldingRanges, type DocumentSymbolEntry } from '../../core/language/symbols';
import { fromPosition, toCompletionItem, toRange, toSymbolKind, toWorkspaceEdit } from './convert';
import type { ConfigDiagnostics } from './diagnostics';
import { editorLanguageHost } from './documentHosts';

export function languageContext(document: vscode.TextDocument): LanguageContext {
  const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
  const tabSize = typeof editor?.options.tabSize === 'number' ? editor.options.tabSize : undefined;
  return {
    configPath: document.uri.scheme === 'file' ? document.uri.fsPath : path.resolve(document.uri.path),
    host: editorLanguageHost,
    tabSize,
  };
}

export class CompletionProvider implements vscode.CompletionItemProvider {
  static readonly triggers = [':', ' ', '/', '{', ','];

  async provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, context: vscode.CompletionContext): Promise<vscode.CompletionItem[]> {
    const text = document.getText();
    const ctx = languageContext(document);
    // A space only asks for values (after `key:` or `- `), not for keys while indenting.
    if (context.triggerKind === vscode.CompletionTriggerKind.TriggerCharacter && context.triggerCharacter === ' ') {
      const mode = cursorContext(text, fromPosition(position), { tabSize: ctx.tabSize }).mode;
      if (mode !== 'value' && mode !== 'item') return [];
    }
    const entries = await complete(text, fromPosition(position), ctx);
    return entries.map(toCompletionItem);
  }
}

export class HoverProvider implements vscode.HoverProvider {
  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const h = await hover(document.getText(), fromPosition(position), languageContext(document));
    return h ? new vscode.Hover(new vscode.MarkdownString(h.contents), toRange(h.range)) : undefined;
  }
}

export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly diagnostics: ConfigDiagnostics) {}

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter((d) => d.source === 'distillery');
    if (ours.length === 0) return [];
    // Match the editor's diagnostics to the core ones (which carry the fixes) by code and range.
    const core = this.diagnostics.coreDiagnostics(document).filter((c) => ours.some((d) => sameDiagnostic(d, c)));
    const actions = await codeActions(document.getText(), core, languageContext(document));
    return actions.map((a) => {
      const action = new vscode.CodeAction(a.title, vscode.CodeActionKind.QuickFix);
      action.edit = toWorkspaceEdit(document.uri, a.edits);
      action.isPreferred = a.preferred;
      action.diagnostics = ours.filter((d) => sameDiagnostic(d, a.diagnostic));
      return action;
    });
  }
}

function sameDiagnostic(d: vscode.Diagnostic, c: { code: string; message: string; range: { start: { line: number; character: number } } }): boolean {
  return d.code === c.code && d.message === c.message && d.range.start.line === c.range.start.line && d.range.start.character === c.range.start.character;
}

export class SymbolProvider implements vscode.DocumentSymbolProvider {
  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    const convert = (s: DocumentSymbolEntry): vscode.DocumentSymbol => {
      const sym = new vscode.DocumentSymbol(s.name, s.detail, toSymbolKind(s.kind), toRange(s.range), toRange(s.selectionRange));
      sym.children = s.children.map(convert);
      return sym;
    };
    return documentSymbols(document.getText()).map(convert);
  }
}

export class FoldingProvider implements vscode.FoldingRangeProvider {
  provideFoldingRanges(document: vscode.TextDocument): vscode.FoldingRange[] {
    return foldingRanges(document.getText(), languageContext(document).tabSize).map((f) =>
      new vscode.FoldingRange(f.startLine, f.endLine, f.kind === 'comment' ? vscode.FoldingRangeKind.Comment : undefined));
  }
}
