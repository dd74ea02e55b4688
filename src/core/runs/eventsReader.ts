// Reading events.jsonl: whole-file (tolerant of a truncated last line) and incremental
// (offset-based, for tailing a file that a trainer is still appending to).
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { TrainerEvent } from '../protocol/events';
import { parseEventLine, parseEventsText, type ParsedEvents } from '../protocol/eventsParse';

/** Reads a whole events file; a missing file reads as no events. */
export function readEventsFile(file: string): ParsedEvents {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return { events: [], errors: [], truncatedTail: false };
    throw e;
  }
  return parseEventsText(text);
}

/**
 * Follows a growing events file. Each `poll()` returns the events of the complete lines
 * appended since the last call; a partial last line stays pending until its newline arrives.
 * A file that shrank (replaced) is read again from the start.
 */
export class EventsTail {
  private offset = 0;
  private pending = Buffer.alloc(0);
  private lineNo = 0;
  readonly errors: { line: number; message: string }[] = [];

  constructor(readonly file: string) {}

  /** Byte offset up to which complete lines have been consumed. */
  get position(): number {
    return this.offset - this.pending.length;
  }

  poll(): TrainerEvent[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (e) {
      if (['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return [];
      throw e;
    }
    const chunks: Buffer[] = [];
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) {
        this.offset = 0;
        this.pending = Buffer.alloc(0);
        this.lineNo = 0;
      }
      while (this.offset < size) {
        const buf = Buffer.alloc(Math.min(size - this.offset, 1 << 20));
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        chunks.push(buf.subarray(0, n));
        this.offset += n;
      }
    } finally {
      closeSync(fd);
    }
    if (chunks.length === 0) return [];
    // Split on bytes, not characters, so a multi-byte character cut at a chunk edge survives.
    const data = Buffer.concat([this.pending, ...chunks]);
    const events: TrainerEvent[] = [];
    let start = 0;
    for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
      this.lineNo++;
      const r = parseEventLine(data.subarray(start, nl).toString('utf8'));
      if (r.kind === 'event') events.push(r.event);
      else if (r.kind === 'error') this.errors.push({ line: this.lineNo, message: r.message });
      start = nl + 1;
    }
    this.pending = data.subarray(start);
    return events;
  }
}
