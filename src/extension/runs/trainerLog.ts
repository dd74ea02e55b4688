// A trainer's stdout/stderr go to a file the host owns (never a pipe: a detached trainer
// must survive the window reloading, and writing to a closed pipe would kill it). This
// follows that file into the run's Output channel.
import type * as vscode from 'vscode';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const POLL_MS = 500;

export class TrainerLogTail implements vscode.Disposable {
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly file: string, private readonly output: vscode.OutputChannel) {
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  /** Reads what was appended since the last call. */
  poll(): void {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      this.output.append(buf.subarray(0, n).toString('utf8'));
    } finally {
      closeSync(fd);
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.poll();
  }
}
