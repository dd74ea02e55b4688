// Diagnostics shared by the CLI (`distillery validate`), the editor and the trainer.

/** 0-based line and character (UTF-16 code units), as in LSP and VS Code. */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning' | 'info';

export interface TextEdit { range: Range; newText: string }

/** A fix the editor offers as a quick fix; computed in core so that it is unit-tested. */
export interface DiagnosticFix { title: string; edits: TextEdit[]; preferred?: boolean }

export interface Diagnostic {
  severity: Severity;
  /** Stable identifier, e.g. `unknown-key`, `type`, `unknown-layer`; documented in docs/config.md. */
  code: string;
  message: string;
  range: Range;
  /** JSON pointer of the offending node, e.g. `/distillation/losses/2/student_layer`. */
  pointer?: string;
  /** Other places that matter (e.g. the layers a loss may refer to). */
  related?: { message: string; range: Range; file?: string }[];
  fixes?: DiagnosticFix[];
}
