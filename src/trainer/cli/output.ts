// Where CLI commands write: injected, so commands are testable without a terminal.
// The same shape as validate.ts's output, plus what the progress display needs.
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is an interactive terminal (progress redraws in place). */
  isTTY?: boolean;
  /** Terminal width, for the progress line. */
  columns?: number;
}

export const processOutput: CliOutput = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  get isTTY() { return Boolean(process.stdout.isTTY); },
  get columns() { return process.stdout.columns; },
};
