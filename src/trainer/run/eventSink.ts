// Where trainer events go: appended to events.jsonl (one write per event, so a reader
// or a crash sees whole lines), sent over IPC when forked, and to in-process listeners
// (the CLI's progress display).
import { closeSync, openSync, writeSync } from 'node:fs';
import { EVENTS_VERSION, type TrainerEvent } from '../../core/protocol/events';

/** An event as the loop builds it: the sink stamps `v` and `t`. */
export type EventBody = TrainerEvent extends infer E ? (E extends TrainerEvent ? Omit<E, 'v' | 't'> : never) : never;

export type EventListener = (e: TrainerEvent) => void;

export class EventSink {
  private fd: number | undefined;
  private readonly listeners: EventListener[] = [];

  constructor(file: string) {
    // Append mode: `--resume` continues the same file.
    this.fd = openSync(file, 'a');
  }

  onEvent(l: EventListener): void {
    this.listeners.push(l);
  }

  emit(body: EventBody): TrainerEvent {
    const event = { v: EVENTS_VERSION, t: Date.now(), ...body } as TrainerEvent;
    const line = JSON.stringify(event) + '\n';
    if (this.fd !== undefined) writeSync(this.fd, line);
    if (typeof process.send === 'function' && process.connected) {
      try { process.send(event); } catch { /* the parent went away; the file still has it */ }
    }
    for (const l of this.listeners) l(event);
    return event;
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void {
    this.emit({ type: 'log', level, message });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
