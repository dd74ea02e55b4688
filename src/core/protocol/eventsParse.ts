// Parses one line of events.jsonl into a TrainerEvent. Shared by the trainer (resume),
// the CLI and the editor, so that all of them accept and reject exactly the same lines.
import { EVENTS_VERSION, type TrainerEvent, type TrainerEventType } from './events';

export type ParsedLine =
  | { kind: 'event'; event: TrainerEvent }
  /** A well-formed event of a type this reader does not know (a newer writer): skipped, not an error. */
  | { kind: 'ignored'; type: string }
  | { kind: 'blank' }
  | { kind: 'error'; message: string };

type FieldCheck = [name: string, type: 'string' | 'number' | 'object' | 'boolean', optional?: boolean];

/** The fields each known type must carry; readers rely on these, extra fields are allowed. */
const REQUIRED: Record<TrainerEventType, FieldCheck[]> = {
  started: [['run_id', 'string'], ['experiment', 'string'], ['backend', 'string'], ['seed', 'number'], ['config_hash', 'string'], ['pid', 'number'], ['versions', 'object', true], ['run_dir', 'string', true], ['resumed', 'boolean', true]],
  stage: [['stage', 'string'], ['epochs', 'number', true], ['steps_per_epoch', 'number', true], ['skipped', 'string', true]],
  step: [['stage', 'string'], ['epoch', 'number'], ['step', 'number'], ['losses', 'object'], ['total', 'number'], ['lr', 'number'], ['examples_per_sec', 'number'], ['metrics', 'object', true]],
  epoch: [['stage', 'string'], ['epoch', 'number'], ['train', 'object'], ['validation', 'object', true], ['weights', 'object', true], ['metrics', 'object', true], ['duration_ms', 'number']],
  checkpoint: [['stage', 'string'], ['epoch', 'number'], ['step', 'number'], ['path', 'string']],
  comparison: [['path', 'string'], ['summary', 'object']],
  log: [['level', 'string'], ['message', 'string']],
  finished: [['status', 'string'], ['error', 'object', true], ['duration_ms', 'number']],
};

const STAGES = new Set(['teacher', 'baseline', 'distill', 'evaluate']);
const FINISHED = new Set(['completed', 'stopped', 'failed']);
const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/** Validates a decoded JSON value as an event. */
export function toEvent(value: unknown): ParsedLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'error', message: 'not a JSON object' };
  const o = value as Record<string, unknown>;
  if (typeof o.type !== 'string') return { kind: 'error', message: 'missing string field "type"' };
  if (typeof o.v !== 'number') return { kind: 'error', message: 'missing number field "v" (protocol version)' };
  if (o.v > EVENTS_VERSION) return { kind: 'ignored', type: o.type };
  if (typeof o.t !== 'number') return { kind: 'error', message: `${o.type}: missing number field "t" (ms since epoch)` };
  const checks = (REQUIRED as Record<string, FieldCheck[] | undefined>)[o.type];
  if (!checks) return { kind: 'ignored', type: o.type };
  for (const [name, type, optional] of checks) {
    const f = o[name];
    if (f === undefined && optional) continue;
    const actual = f === null ? 'null' : Array.isArray(f) ? 'array' : typeof f;
    if (actual !== type) return { kind: 'error', message: `${o.type}: field "${name}" should be a ${type}, got ${f === undefined ? 'nothing' : actual}` };
  }
  if ('stage' in o && !STAGES.has(o.stage as string)) return { kind: 'error', message: `${o.type}: unknown stage "${String(o.stage)}"` };
  if (o.type === 'finished' && !FINISHED.has(o.status as string)) return { kind: 'error', message: `finished: unknown status "${String(o.status)}"` };
  if (o.type === 'log' && !LEVELS.has(o.level as string)) return { kind: 'error', message: `log: unknown level "${String(o.level)}"` };
  if (o.type === 'step') {
    for (const [term, tv] of Object.entries(o.losses as Record<string, unknown>)) {
      const ok = typeof tv === 'object' && tv !== null && ['value', 'weight', 'weighted'].every((k) => typeof (tv as Record<string, unknown>)[k] === 'number' || (tv as Record<string, unknown>)[k] === null);
      if (!ok) return { kind: 'error', message: `step: losses.${term} should be {value, weight, weighted}` };
    }
  }
  return { kind: 'event', event: o as unknown as TrainerEvent };
}

/** Parses one line (without its newline). NaN/Infinity are written as null by JSON.stringify and read back as null. */
export function parseEventLine(line: string): ParsedLine {
  const text = line.trim();
  if (text === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { kind: 'error', message: `not valid JSON (${(e as Error).message})` };
  }
  return toEvent(value);
}

export interface ParsedEvents {
  events: TrainerEvent[];
  /** 1-based line numbers and reasons of lines that were rejected. */
  errors: { line: number; message: string }[];
  /** The text ended without a newline and its last line did not parse: a writer is mid-line or died mid-line. */
  truncatedTail: boolean;
}

/** Parses a whole events.jsonl text, tolerating a partial last line. */
export function parseEventsText(text: string): ParsedEvents {
  const lines = text.split('\n');
  const out: ParsedEvents = { events: [], errors: [], truncatedTail: false };
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    const r = parseEventLine(line);
    if (r.kind === 'event') out.events.push(r.event);
    else if (r.kind === 'error') {
      if (last) out.truncatedTail = true;
      else out.errors.push({ line: i + 1, message: r.message });
    }
  });
  return out;
}
