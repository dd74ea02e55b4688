// Shared setup of both panels' webviews: options limited to dist/webview, and the page.
import * as vscode from 'vscode';
import { parseWebviewToHost } from '../../core/protocol/messages';
import { makeNonce, panelHtml } from './html';
import { saveExport } from './saveExport';

export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  // No retainContextWhenHidden: state survives through setState and a fresh snapshot.
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

export function setPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: 'loss' | 'compare', title: string): void {
  const root = webviewRoot(extensionUri);
  webview.options = webviewOptions(extensionUri);
  webview.html = panelHtml({
    title,
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, `${bundle}.js`)).toString(),
    styleUris: [webview.asWebviewUri(vscode.Uri.joinPath(root, `${bundle}.css`)).toString()],
  });
}

/** Run directories from a webview's saved state, validated (it comes from the webview). */
export function runDirsFromState(state: unknown): string[] {
  if (typeof state !== 'object' || state === null) return [];
  const dirs = (state as { runDirs?: unknown }).runDirs;
  return Array.isArray(dirs) ? dirs.filter((d): d is string => typeof d === 'string' && d.length > 0).slice(0, 8) : [];
}

/**
 * Both panels' handling of what their webview says: the shape is validated (anything else is
 * logged and dropped), `ready` asks for a snapshot, exports are saved, webview errors logged.
 */
export function routeWebviewMessage(raw: unknown, panelName: string, to: { ready(): void; exportDir: string | undefined; log(message: string): void }): void {
  const msg = parseWebviewToHost(raw);
  if (!msg) {
    to.log(`${panelName}: ignored a malformed message from the webview`);
    return;
  }
  switch (msg.type) {
    case 'ready':
      to.ready();
      return;
    case 'saveFile':
      void saveExport(msg, to.exportDir);
      return;
    case 'error':
      to.log(`${panelName}: ${msg.message}`);
      return;
    default: {
      const unhandled: never = msg;
      void unhandled;
    }
  }
}
