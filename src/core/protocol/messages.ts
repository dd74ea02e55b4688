// Host <-> webview messages. One contract imported by both sides (src/extension/panels and
// src/webview). Each direction is a discriminated union on `type`. The webview sends `ready`
// first; the host answers with a full `snapshot`, then sends `append`s. A panel that is
// shown again, or reloads, gets a fresh snapshot: no message depends on what the other side
// is assumed to hold. Bump WEBVIEW_PROTOCOL_VERSION on any incompatible change.

import type { Comparison, TrainerEvent, TrainerEventType } from './events';

export const WEBVIEW_PROTOCOL_VERSION = 1;

export type PanelKind = 'loss' | 'compare';

/** One run as the panels see it: where it lives and what to call it. */
export interface RunRef {
  runDir: string;
  /** Stable id (run.json's id, else the folder name); run colours are derived from it. */
  runId: string;
  label: string;
}

// ---- host -> loss panel ----

export interface LossSnapshotMessage {
  type: 'snapshot';
  v: typeof WEBVIEW_PROTOCOL_VERSION;
  runs: Array<RunRef & { events: TrainerEvent[] }>;
}

export interface LossAppendMessage {
  type: 'append';
  v: typeof WEBVIEW_PROTOCOL_VERSION;
  runDir: string;
  events: TrainerEvent[];
}

export type HostToLossMessage = LossSnapshotMessage | LossAppendMessage;

// ---- host -> comparison panel ----

export interface CompareEntry extends RunRef {
  /** Undefined while the run has not written comparison.json yet. */
  comparison?: Comparison;
}

export interface CompareSnapshotMessage {
  type: 'snapshot';
  v: typeof WEBVIEW_PROTOCOL_VERSION;
  /** One entry, or two to compare runs side by side. */
  entries: CompareEntry[];
}

export type HostToCompareMessage = CompareSnapshotMessage;

// ---- webview -> host (both panels) ----

export interface ReadyMessage { type: 'ready'; v: typeof WEBVIEW_PROTOCOL_VERSION; panel: PanelKind }

/** Webviews cannot download files; the host asks where to save them. */
export interface SaveFileMessage {
  type: 'saveFile';
  v: typeof WEBVIEW_PROTOCOL_VERSION;
  /** Suggested file name, no directory part. */
  name: string;
  mime: 'text/csv' | 'image/png';
  /** utf8 text for CSV; a `data:image/png;base64,...` URL for PNG. */
  data: string;
}

/** Errors the webview caught, so they reach the output channel rather than vanish. */
export interface WebviewErrorMessage { type: 'error'; v: typeof WEBVIEW_PROTOCOL_VERSION; message: string }

export type WebviewToHostMessage = ReadyMessage | SaveFileMessage | WebviewErrorMessage;

/** Element id of the embedded snapshot in a static report (no host to talk to). */
export const REPORT_SNAPSHOT_ELEMENT_ID = 'distillery-report-snapshot';

// ---- shape guards: anything that fails them is ignored by the receiver ----

const TRAINER_EVENT_TYPES: ReadonlySet<TrainerEventType> = new Set<TrainerEventType>([
  'started', 'stage', 'step', 'epoch', 'checkpoint', 'comparison', 'log', 'finished',
]);

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isString(x: unknown): x is string {
  return typeof x === 'string';
}

/**
 * Shallow check of one trainer event: known `type`, numeric `t`. The panels read every
 * other field defensively (events may come from other trainers), so this is enough to
 * keep a malformed line from breaking a view.
 */
export function isTrainerEventShape(x: unknown): x is TrainerEvent {
  return isRecord(x) && isString(x.type) && TRAINER_EVENT_TYPES.has(x.type as TrainerEventType) && isFiniteNumber(x.t);
}

function isRunRef(x: Record<string, unknown>): boolean {
  return isString(x.runDir) && isString(x.runId) && isString(x.label);
}

function isNumberArray(x: unknown): x is number[] {
  return Array.isArray(x) && x.every(isFiniteNumber);
}

function isModelReport(x: unknown): boolean {
  return isRecord(x) && isFiniteNumber(x.accuracy) && isNumberArray(x.per_class_accuracy)
    && Array.isArray(x.confusion) && x.confusion.every(isNumberArray)
    && Array.isArray(x.reliability) && isFiniteNumber(x.ece);
}

/** Enough of comparison.json for the comparison view to render every section. */
export function isComparisonShape(x: unknown): x is Comparison {
  return isRecord(x) && isString(x.run_id) && Array.isArray(x.class_names) && x.class_names.every(isString)
    && isModelReport(x.teacher) && isModelReport(x.student)
    && (x.baseline === undefined || isModelReport(x.baseline))
    && isRecord(x.summary) && Array.isArray(x.disagreements);
}

/** Ignores events that fail the shape check rather than the whole message. */
function cleanEvents(x: unknown): TrainerEvent[] | undefined {
  return Array.isArray(x) ? x.filter(isTrainerEventShape) : undefined;
}

export function parseHostToLoss(x: unknown): HostToLossMessage | undefined {
  if (!isRecord(x) || x.v !== WEBVIEW_PROTOCOL_VERSION) return undefined;
  if (x.type === 'snapshot') {
    if (!Array.isArray(x.runs)) return undefined;
    const runs: LossSnapshotMessage['runs'] = [];
    for (const r of x.runs) {
      if (!isRecord(r) || !isRunRef(r)) continue;
      const events = cleanEvents(r.events);
      if (events) runs.push({ runDir: r.runDir as string, runId: r.runId as string, label: r.label as string, events });
    }
    return { type: 'snapshot', v: WEBVIEW_PROTOCOL_VERSION, runs };
  }
  if (x.type === 'append') {
    const events = cleanEvents(x.events);
    if (!isString(x.runDir) || !events) return undefined;
    return { type: 'append', v: WEBVIEW_PROTOCOL_VERSION, runDir: x.runDir, events };
  }
  return undefined;
}

export function parseHostToCompare(x: unknown): HostToCompareMessage | undefined {
  if (!isRecord(x) || x.v !== WEBVIEW_PROTOCOL_VERSION || x.type !== 'snapshot' || !Array.isArray(x.entries)) return undefined;
  const entries: CompareEntry[] = [];
  for (const e of x.entries.slice(0, 2)) {
    if (!isRecord(e) || !isRunRef(e)) continue;
    const entry: CompareEntry = { runDir: e.runDir as string, runId: e.runId as string, label: e.label as string };
    if (isComparisonShape(e.comparison)) entry.comparison = e.comparison;
    entries.push(entry);
  }
  return { type: 'snapshot', v: WEBVIEW_PROTOCOL_VERSION, entries };
}

const SAVE_NAME = /^[^/\\:*?"<>|\x00-\x1f]{1,200}$/;

export function parseWebviewToHost(x: unknown): WebviewToHostMessage | undefined {
  if (!isRecord(x) || x.v !== WEBVIEW_PROTOCOL_VERSION) return undefined;
  const type = x.type as WebviewToHostMessage['type'];
  switch (type) {
    case 'ready':
      return x.panel === 'loss' || x.panel === 'compare' ? { type, v: WEBVIEW_PROTOCOL_VERSION, panel: x.panel } : undefined;
    case 'saveFile': {
      if (!isString(x.name) || !SAVE_NAME.test(x.name) || !isString(x.data)) return undefined;
      if (x.mime === 'text/csv') return { type, v: WEBVIEW_PROTOCOL_VERSION, name: x.name, mime: x.mime, data: x.data };
      if (x.mime === 'image/png' && x.data.startsWith('data:image/png;base64,')) {
        return { type, v: WEBVIEW_PROTOCOL_VERSION, name: x.name, mime: x.mime, data: x.data };
      }
      return undefined;
    }
    case 'error':
      return isString(x.message) ? { type, v: WEBVIEW_PROTOCOL_VERSION, message: x.message.slice(0, 2000) } : undefined;
    default: {
      // Unknown types are ignored; the assignment keeps the cases exhaustive at compile time.
      const unknownType: never = type;
      void unknownType;
      return undefined;
    }
  }
}
