// The published JSON schema accepts what the trainer writes and what the parser accepts,
// and rejects what the parser rejects: docs, schema and code cannot drift apart silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseEventLine } from '../../../src/core/protocol/eventsParse';

const schema = JSON.parse(readFileSync(join(__dirname, '../../../schemas/events.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const good = [
  { v: 1, t: 1, type: 'started', run_id: 'r', experiment: 'e', backend: 'wasm', seed: 7, config_hash: 'h', versions: { tfjs: '4.22.0' }, pid: 12, run_dir: '/x', resumed: true },
  { v: 1, t: 1, type: 'stage', stage: 'teacher', skipped: 'cached' },
  { v: 1, t: 1, type: 'step', stage: 'distill', epoch: 0, step: 0, losses: { soft_kd: { value: 1, weight: 0.9, weighted: 0.9 } }, total: 0.9, lr: 0.001, examples_per_sec: 10, metrics: { discriminator_accuracy: 0.5 } },
  { v: 1, t: 1, type: 'epoch', stage: 'distill', epoch: 0, train: { loss: 1, accuracy: 0.5 }, validation: { student_accuracy: 0.5, agreement: 0.7, kl: 0.1 }, weights: { soft_kd: 0.9 }, duration_ms: 10 },
  { v: 1, t: 1, type: 'checkpoint', stage: 'distill', epoch: 1, step: 125, path: 'checkpoints/distill' },
  { v: 1, t: 1, type: 'comparison', path: 'comparison.json', summary: { teacher_accuracy: 0.9, student_accuracy: 0.8, agreement: 0.85, compression: 2 } },
  { v: 1, t: 1, type: 'log', level: 'warn', message: 'm' },
  { v: 1, t: 1, type: 'finished', status: 'failed', error: { message: 'NaN', term: 'soft_kd' }, duration_ms: 5 },
];
const bad = [
  { v: 1, t: 1, type: 'stage', stage: 'warmup' },
  { v: 1, t: 1, type: 'step', stage: 'distill', epoch: 0 },
  { v: 1, t: 1, type: 'finished', status: 'exploded', duration_ms: 1 },
  { v: 1, t: 1, type: 'log', level: 'loud', message: 'm' },
  { v: 1, type: 'log', level: 'info', message: 'm' },
];

test('the schema and the parser agree on valid events', () => {
  for (const e of good) {
    assert.ok(validate(e), `${e.type}: ${JSON.stringify(validate.errors)}`);
    assert.equal(parseEventLine(JSON.stringify(e)).kind, 'event', e.type);
  }
});

test('the schema and the parser agree on invalid events', () => {
  for (const e of bad) {
    assert.equal(validate(e), false, JSON.stringify(e));
    assert.equal(parseEventLine(JSON.stringify(e)).kind, 'error', JSON.stringify(e));
  }
});
