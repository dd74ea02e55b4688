// The HTML shell of a panel: strict CSP, one nonce'd script, stylesheets from the webview
// folder. No vscode import, so the webview tests load exactly this page.
import { randomBytes } from 'node:crypto';

export interface PanelPage {
  title: string;
  /** webview.cspSource in VS Code. */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris: string[];
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[+/=]/g, '');
}

/** For text and double-quoted attributes (single quotes stay readable in the CSP). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function panelHtml(p: PanelPage): string {
  const styles = p.styleUris.map((u) => `<link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeHtml(panelCsp(p.cspSource, p.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <!-- The toolkit (FAST) probes :focus-visible with a <style> element; it takes its nonce from here. -->
    <meta property="csp-nonce" content="${p.nonce}">
    <title>${escapeHtml(p.title)}</title>
    ${styles}
  </head>
  <body>
    <script nonce="${p.nonce}" src="${escapeHtml(p.scriptUri)}"></script>
  </body>
</html>`;
}
