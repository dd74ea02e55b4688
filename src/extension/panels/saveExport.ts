// Webviews cannot download: exported CSV/PNG come to the host, which asks where to save.
import * as vscode from 'vscode';
import type { SaveFileMessage } from '../../core/protocol/messages';

export async function saveExport(msg: SaveFileMessage, near: string | undefined): Promise<void> {
  const base = near ? vscode.Uri.file(near) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: base ? vscode.Uri.joinPath(base, msg.name) : undefined,
    filters: msg.mime === 'text/csv' ? { CSV: ['csv'] } : { PNG: ['png'] },
  });
  if (!target) return;
  const bytes = msg.mime === 'text/csv'
    ? new TextEncoder().encode(msg.data)
    : Buffer.from(msg.data.slice('data:image/png;base64,'.length), 'base64');
  try {
    await vscode.workspace.fs.writeFile(target, bytes);
  } catch (err) {
    void vscode.window.showErrorMessage(`Distillery: could not save ${target.fsPath}: ${(err as Error).message}`);
  }
}
