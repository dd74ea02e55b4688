// `distillery validate FILE... [--format text|json]`: the editor's diagnostics on a terminal.
// Imports core only (no tfjs), so that it starts fast.
import { validateConfigFile } from '../../core/config/validate';

export interface CliOutput { stdout(s: string): void; stderr(s: string): void }

interface Row { file: string; line: number; column: number; endLine: number; endColumn: number; severity: string; code: string; message: string }

const USAGE = 'usage: distillery validate FILE... [--format text|json]';

/** Exit code: 0 no errors (warnings allowed), 1 any error, 2 usage error. */
export async function validateCommand(argv: string[], out: CliOutput): Promise<number> {
  let format: 'text' | 'json' = 'text';
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--format' || a.startsWith('--format=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'text' && v !== 'json') { out.stderr(`distillery validate: --format must be text or json, not ${v ?? '(nothing)'}\n${USAGE}\n`); return 2; }
      format = v;
    } else if (a === '-h' || a === '--help') {
      out.stdout(USAGE + '\n');
      return 0;
    } else if (a.startsWith('-') && a !== '-') {
      out.stderr(`distillery validate: unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else {
      files.push(a);
    }
  }
  if (files.length === 0) { out.stderr(`distillery validate: no file given\n${USAGE}\n`); return 2; }

  const rows: Row[] = [];
  for (const file of files) {
    for (const d of validateConfigFile(file).diagnostics) {
      rows.push({ file, line: d.range.start.line + 1, column: d.range.start.character + 1, endLine: d.range.end.line + 1, endColumn: d.range.end.character + 1, severity: d.severity, code: d.code, message: d.message });
    }
  }
  if (format === 'json') {
    out.stdout(JSON.stringify(rows, null, 2) + '\n');
  } else {
    for (const r of rows) out.stdout(`${r.file}:${r.line}:${r.column} ${r.severity} ${r.code} ${r.message}\n`);
    const errors = rows.filter((r) => r.severity === 'error').length;
    const warnings = rows.length - errors;
    out.stderr(errors || warnings ? `${errors} error(s), ${warnings} warning(s) in ${files.length} file(s)\n` : `${files.length} file(s) valid\n`);
  }
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}
