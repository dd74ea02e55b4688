// `distillery report RUN_DIR [RUN_DIR2] [--out FILE]`: one self-contained HTML file with the
// comparison view (bundle JS and CSS inlined, comparison data embedded, strict CSP, nothing
// loaded from anywhere), to attach to a CI run or send to someone without VS Code.
// Deliberately free of tfjs: it only reads comparison.json.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Comparison } from '../../core/protocol/events';
import {
  REPORT_SNAPSHOT_ELEMENT_ID, WEBVIEW_PROTOCOL_VERSION, isComparisonShape, type CompareSnapshotMessage,
} from '../../core/protocol/messages';

export interface CommandOutput { stdout(s: string): void; stderr(s: string): void }

const USAGE = `usage: distillery report RUN_DIR [RUN_DIR2] [--out FILE]

Writes RUN_DIR/report.html (or FILE): the teacher-vs-student comparison of the run as one
self-contained HTML file. With a second run directory, both runs are shown side by side.
`;

class ReportError extends Error {}

/** Where the built comparison bundle lives: next to dist/cli.js, or dist/ when run from source. */
function findBundleDir(): string {
  const candidates = [join(__dirname, 'webview'), resolve(__dirname, '../../../dist/webview'), resolve(process.cwd(), 'dist/webview')];
  const dir = candidates.find((d) => existsSync(join(d, 'compare.js')) && existsSync(join(d, 'compare.css')));
  if (!dir) throw new ReportError(`the comparison view bundle (compare.js, compare.css) was not found in ${candidates.join(', ')}; run \`npm run build\``);
  return dir;
}

/**
 * Offset of the first syntax error in a JSON text (Node 20's JSON.parse messages carry no
 * position), or -1. Only runs after JSON.parse has failed.
 */
function jsonErrorOffset(s: string): number {
  let i = 0;
  const fail = (): never => { throw i; };
  const ws = (): void => { while (i < s.length && ' \t\r\n'.includes(s[i]!)) i++; };
  const str = (): void => {
    i++;
    while (i < s.length && s[i] !== '"') {
      if (s.charCodeAt(i) < 0x20) fail();
      i += s[i] === '\\' ? 2 : 1;
    }
    if (i >= s.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const open = s[i];
    if (open === '{' || open === '[') {
      const close = open === '{' ? '}' : ']';
      i++;
      ws();
      if (s[i] === close) { i++; return; }
      for (;;) {
        if (open === '{') {
          ws();
          if (s[i] !== '"') fail();
          str();
          ws();
          if (s[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i] === close) { i++; return; }
        fail();
      }
    }
    if (open === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(s.slice(i, i + 400));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < s.length) fail();
    return -1;
  } catch (pos) {
    return typeof pos === 'number' ? pos : -1;
  }
}

function lineAndColumn(text: string): string {
  const at = jsonErrorOffset(text);
  if (at < 0) return '';
  const before = text.slice(0, at);
  return ` at line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`;
}

function readComparison(runDir: string): Comparison {
  const file = join(runDir, 'comparison.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ReportError(`${file}: not found (a run writes it when its evaluate stage finishes)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    throw new ReportError(`${file}${lineAndColumn(text)}: invalid JSON: ${msg}`);
  }
  if (!isComparisonShape(data)) {
    const keys = ['run_id', 'class_names', 'teacher', 'student', 'summary', 'disagreements'];
    const missing = typeof data === 'object' && data !== null ? keys.filter((k) => !(k in data)) : keys;
    throw new ReportError(`${file}: not a comparison.json${missing.length ? ` (missing key${missing.length > 1 ? 's' : ''}: ${missing.join(', ')})` : ' (a teacher/student report has the wrong shape)'}`);
  }
  return data;
}

/** Inline <script> text must not close its element early. */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/^\/\/# sourceMappingURL=.*$/m, '');
}

/** JSON inside <script type="application/json">: `<` escaped so no tag can start. */
function jsonSafe(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

// Outside VS Code there are no theme variables: a light and a dark default.
const REPORT_THEME = `
:root {
  --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px;
  --vscode-foreground: #1f1f1f; --vscode-editor-foreground: #1f1f1f; --vscode-editor-background: #ffffff;
  --vscode-descriptionForeground: #616161; --vscode-panel-border: #d0d0d0; --vscode-editorWidget-border: #d0d0d0;
  --vscode-charts-blue: #1a85ff; --vscode-charts-red: #e51400; --vscode-charts-green: #388a34;
  --vscode-charts-yellow: #bf8803; --vscode-charts-orange: #d18616; --vscode-charts-purple: #652d90;
}
@media (prefers-color-scheme: dark) {
  :root {
    --vscode-foreground: #cccccc; --vscode-editor-foreground: #cccccc; --vscode-editor-background: #1e1e1e;
    --vscode-descriptionForeground: #9d9d9d; --vscode-panel-border: #444444; --vscode-editorWidget-border: #444444;
    --vscode-charts-blue: #3794ff; --vscode-charts-red: #f14c4c; --vscode-charts-green: #89d185;
    --vscode-charts-yellow: #cca700; --vscode-charts-orange: #d18616; --vscode-charts-purple: #b180d7;
  }
}`;

export function reportHtml(snapshot: CompareSnapshotMessage, js: string, css: string): string {
  const nonce = randomBytes(18).toString('base64').replace(/[+/=]/g, '');
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data: blob:`;
  const title = `Distillery report: ${snapshot.entries.map((e) => e.comparison?.experiment ?? e.label).join(' vs ')}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${REPORT_THEME}
${css.replace(/<\/(style)/gi, '<\\/$1').replace(/\/\*# sourceMappingURL=.*?\*\//g, '')}</style>
</head>
<body>
<script type="application/json" id="${REPORT_SNAPSHOT_ELEMENT_ID}">${jsonSafe(snapshot)}</script>
<script nonce="${nonce}">${scriptSafe(js)}</script>
</body>
</html>
`;
}

export async function reportCommand(argv: string[], out: CommandOutput): Promise<number> {
  const runDirs: string[] = [];
  let outFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      out.stdout(USAGE);
      return 0;
    }
    if (a === '--out' || a === '-o') {
      outFile = argv[++i];
      if (!outFile) {
        out.stderr(`report: --out needs a file name\n${USAGE}`);
        return 2;
      }
    } else if (a.startsWith('--out=')) {
      outFile = a.slice('--out='.length);
    } else if (a.startsWith('-')) {
      out.stderr(`report: unknown option ${a}\n${USAGE}`);
      return 2;
    } else {
      runDirs.push(a);
    }
  }
  if (runDirs.length === 0 || runDirs.length > 2) {
    out.stderr(`report: expected one or two run directories, got ${runDirs.length}\n${USAGE}`);
    return 2;
  }
  try {
    const entries = runDirs.map((dir) => {
      const comparison = readComparison(dir);
      return { runDir: resolve(dir), runId: comparison.run_id, label: basename(resolve(dir)), comparison };
    });
    const bundleDir = findBundleDir();
    const js = readFileSync(join(bundleDir, 'compare.js'), 'utf8');
    const css = readFileSync(join(bundleDir, 'compare.css'), 'utf8');
    const snapshot: CompareSnapshotMessage = { type: 'snapshot', v: WEBVIEW_PROTOCOL_VERSION, entries };
    const target = resolve(outFile ?? join(runDirs[0]!, 'report.html'));
    try {
      await writeFile(target, reportHtml(snapshot, js, css));
    } catch (err) {
      throw new ReportError(`${target}: cannot write: ${(err as Error).message}`);
    }
    out.stdout(`wrote ${target}\n`);
    return 0;
  } catch (err) {
    out.stderr(err instanceof ReportError ? `report: ${err.message}\n` : `report: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
