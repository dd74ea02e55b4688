// Diagnostics as `file:line:col: severity [code] message` lines (1-based, as editors and CI read them).
import type { Diagnostic } from '../../core/config/diagnostics';

export function formatDiagnostics(file: string, diagnostics: Diagnostic[]): string {
  return diagnostics.map((d) => `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} [${d.code}] ${d.message}\n`).join('');
}
