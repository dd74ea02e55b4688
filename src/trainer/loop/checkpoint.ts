// Per-stage checkpoints: model weights, loss-term variables, optimizer state and the terms' own
// state (a discriminator and its optimizer) as one
// binary file plus a JSON manifest, written to a temp folder and renamed into place so
// that a crash mid-write leaves the previous checkpoint intact.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Stage } from '../../core/protocol/events';

export interface CheckpointPosition {
  stage: Stage;
  /** The epoch to continue in (0-based). */
  epoch: number;
  /** Steps of that epoch already done (0 when the epoch is complete and the next begins). */
  stepInEpoch: number;
  /** Steps done in the stage so far. */
  stageStep: number;
}

export interface CheckpointGroups {
  model: tf.Tensor[];
  terms: tf.Tensor[];
  optimizer: { name: string; tensor: tf.Tensor }[];
  /** The loss terms' state outside their variables (StageObjective.state), by name. */
  state?: { name: string; tensor: tf.Tensor }[];
}

interface Manifest extends CheckpointPosition {
  format: 1;
  tensors: { group: keyof CheckpointGroups; name: string; shape: number[]; dtype: 'float32' | 'int32'; offset: number; length: number }[];
}

const MANIFEST = 'checkpoint.json';
const DATA = 'tensors.bin';

export function checkpointDir(checkpointsRoot: string, stage: Stage): string {
  return join(checkpointsRoot, stage);
}

export async function writeCheckpoint(dir: string, pos: CheckpointPosition, groups: CheckpointGroups): Promise<void> {
  const entries: Manifest['tensors'] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  const add = async (group: keyof CheckpointGroups, name: string, t: tf.Tensor) => {
    const data = await t.data();
    const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
    const typed = dtype === 'int32' ? Int32Array.from(data as Int32Array) : Float32Array.from(data as Float32Array);
    const buf = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
    entries.push({ group, name, shape: t.shape, dtype, offset, length: buf.length });
    parts.push(buf);
    offset += buf.length;
  };
  for (const [i, t] of groups.model.entries()) await add('model', String(i), t);
  for (const [i, t] of groups.terms.entries()) await add('terms', String(i), t);
  for (const { name, tensor } of groups.optimizer) await add('optimizer', name, tensor);
  for (const { name, tensor } of groups.state ?? []) await add('state', name, tensor);
  const manifest: Manifest = { format: 1, ...pos, tensors: entries };
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, DATA), Buffer.concat(parts));
  writeFileSync(join(tmp, MANIFEST), JSON.stringify(manifest));
  // rename cannot replace a non-empty folder: move the old one aside first.
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}

export interface LoadedCheckpoint extends CheckpointPosition {
  model: tf.Tensor[];
  terms: tf.Tensor[];
  optimizer: { name: string; tensor: tf.Tensor }[];
  /** Empty for checkpoints written before the group existed. */
  state: { name: string; tensor: tf.Tensor }[];
}

function readManifest(dir: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Manifest;
    const size = statSync(join(dir, DATA)).size;
    return m.tensors.every((e) => e.offset + e.length <= size) ? m : undefined;
  } catch {
    return undefined; // missing, or cut short by a kill mid-write
  }
}

/**
 * The checkpoint folder to read. A kill between "move the old one aside" and "move the new
 * one in" leaves `dir` missing but a complete `.old-*` or `.tmp-*` beside it: take the
 * furthest complete one, and clear the leftovers so they do not pile up.
 */
function settleCheckpoint(dir: string): string | undefined {
  if (readManifest(dir)) return dir;
  const parent = dirname(dir);
  if (!existsSync(parent)) return undefined;
  const prefix = `${basename(dir)}.`;
  const leftovers = readdirSync(parent).filter((n) => n.startsWith(prefix) && /\.(old|tmp)-\d+$/.test(n)).map((n) => join(parent, n));
  let best: { path: string; step: number } | undefined;
  for (const p of leftovers) {
    const m = readManifest(p);
    if (m && (!best || m.stageStep > best.step)) best = { path: p, step: m.stageStep };
  }
  if (best) {
    rmSync(dir, { recursive: true, force: true });
    renameSync(best.path, dir);
  }
  for (const p of leftovers) if (p !== best?.path) rmSync(p, { recursive: true, force: true });
  return best ? dir : undefined;
}

/** Reads a checkpoint; undefined when there is none. Tensors belong to the caller. */
export function readCheckpoint(dir: string): LoadedCheckpoint | undefined {
  if (!settleCheckpoint(dir)) return undefined;
  const m = readManifest(dir)!;
  const data = readFileSync(join(dir, DATA));
  const out: LoadedCheckpoint = { stage: m.stage, epoch: m.epoch, stepInEpoch: m.stepInEpoch, stageStep: m.stageStep, model: [], terms: [], optimizer: [], state: [] };
  for (const e of m.tensors) {
    const bytes = data.subarray(e.offset, e.offset + e.length);
    const copy = new Uint8Array(bytes).buffer;
    const values = e.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy);
    const t = tf.tensor(values, e.shape, e.dtype);
    if (e.group === 'optimizer' || e.group === 'state') out[e.group].push({ name: e.name, tensor: t });
    else out[e.group].push(t);
  }
  return out;
}

export function disposeCheckpoint(c: LoadedCheckpoint): void {
  tf.dispose([...c.model, ...c.terms, ...c.optimizer.map((o) => o.tensor), ...c.state.map((o) => o.tensor)]);
}
