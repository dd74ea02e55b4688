// Checkpoints survive a kill at any point of their write: the previous one stays readable,
// and a kill between "move aside" and "move in" is recovered from the complete leftover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { disposeCheckpoint, readCheckpoint, writeCheckpoint } from '../../../src/trainer/loop/checkpoint';

test.before(async () => {
  await tf.setBackend('cpu');
});

const groups = (v: number) => ({ model: [tf.tensor2d([[v, v + 1]])], terms: [], optimizer: [{ name: 'iter', tensor: tf.scalar(v, 'int32') }] });

test('a round trip keeps position and values', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ck-')), 'distill');
  await writeCheckpoint(dir, { stage: 'distill', epoch: 1, stepInEpoch: 0, stageStep: 10 }, groups(3));
  const c = readCheckpoint(dir)!;
  assert.equal(c.stageStep, 10);
  assert.deepEqual(Array.from(c.model[0].dataSync()), [3, 4]);
  assert.equal(c.optimizer[0].tensor.dtype, 'int32');
  disposeCheckpoint(c);
});

test('killed between moving the old checkpoint aside and the new one in: the leftover is used, stale ones cleared', async () => {
  const root = mkdtempSync(join(tmpdir(), 'ck-'));
  const dir = join(root, 'distill');
  await writeCheckpoint(dir, { stage: 'distill', epoch: 1, stepInEpoch: 0, stageStep: 10 }, groups(1));
  renameSync(dir, `${dir}.old-4242`); // the state right after the first rename
  // A newer write cut short: its data file is there but the manifest never was.
  mkdirSync(`${dir}.tmp-4242`);
  writeFileSync(join(`${dir}.tmp-4242`, 'tensors.bin'), Buffer.alloc(3));
  const c = readCheckpoint(dir)!;
  assert.ok(c, 'the complete leftover is read');
  assert.equal(c.stageStep, 10);
  assert.deepEqual(Array.from(c.model[0].dataSync()), [1, 2]);
  disposeCheckpoint(c);
  assert.deepEqual(readdirSync(root).sort(), ['distill']);
});

test('a manifest whose data file was cut short is not a checkpoint', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ck-')), 'distill');
  await writeCheckpoint(dir, { stage: 'distill', epoch: 0, stepInEpoch: 5, stageStep: 5 }, groups(1));
  writeFileSync(join(dir, 'tensors.bin'), Buffer.alloc(2));
  assert.equal(readCheckpoint(dir), undefined);
  assert.ok(existsSync(dir));
});
