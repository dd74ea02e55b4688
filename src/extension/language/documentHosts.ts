// File access for the language features and the validator: an open editor's unsaved text
// wins over the file on disk, so completion and diagnostics follow what the user sees.
import * as vscode from 'vscode';
import { nodeFsHost, type ConfigHost } from '../../core/config/host';
import type { DirectoryEntry, LanguageHost } from '../../core/language/languageContext';

function openText(absPath: string): string | undefined {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === absPath);
  return doc?.getText();
}

export const editorConfigHost: ConfigHost = {
  exists: (absPath) => openText(absPath) !== undefined || nodeFsHost.exists(absPath),
  readText: (absPath) => openText(absPath) ?? nodeFsHost.readText(absPath),
};

export const editorLanguageHost: LanguageHost = {
  async readFile(absPath) {
    const open = openText(absPath);
    if (open !== undefined) return open;
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(absPath));
      return new TextDecoder('utf-8').decode(bytes);
    } catch {
      return undefined;
    }
  },
  async readDirectory(absPath): Promise<DirectoryEntry[] | undefined> {
    try {
      const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.file(absPath));
      return entries.map(([name, type]) => ({ name, isDirectory: (type & vscode.FileType.Directory) !== 0 }));
    } catch {
      return undefined;
    }
  },
};
