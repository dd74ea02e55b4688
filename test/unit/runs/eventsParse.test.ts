import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEventLine, parseEventsText } from '../../../src/core/protocol/eventsParse';

const step = { v: 1, t: 1, type: 'step', stage: 'distill', epoch: 0, step: 3, losses: { soft_kd: { value: 1, weight: 0.9, weighted: 0.9 } }, total: 0.9, lr: 0.001, examples_per_sec: 100 };

test('a valid line parses to its event', () => {
  const r = parseEventLine(JSON.stringify(step));
  assert.equal(r.kind, 'event');
  assert.equal(r.kind === 'event' && r.event.type, 'step');
});

test('unknown types and newer versions are ignored, not errors', () => {
  assert.deepEqual(parseEventLine('{"v":1,"t":1,"type":"gpu_temperature","celsius":70}'), { kind: 'ignored', type: 'gpu_temperature' });
  assert.equal(parseEventLine('{"v":2,"t":1,"type":"step"}').kind, 'ignored');
  assert.equal(parseEventLine('   ').kind, 'blank');
});

test('bad lines are reported with the reason', () => {
  const noField = parseEventLine('{"v":1,"t":1,"type":"step","stage":"distill","epoch":0}');
  assert.equal(noField.kind, 'error');
  assert.match(noField.kind === 'error' ? noField.message : '', /step: field "step" should be a number, got nothing/);
  const badStage = parseEventLine(JSON.stringify({ ...step, stage: 'warmup' }));
  assert.match(badStage.kind === 'error' ? badStage.message : '', /unknown stage "warmup"/);
  const badTerm = parseEventLine(JSON.stringify({ ...step, losses: { kd: 3 } }));
  assert.match(badTerm.kind === 'error' ? badTerm.message : '', /losses\.kd/);
  assert.equal(parseEventLine('[1,2]').kind, 'error');
  assert.equal(parseEventLine('{"type":"log"}').kind, 'error');
  const fin = parseEventLine('{"v":1,"t":1,"type":"finished","status":"exploded","duration_ms":1}');
  assert.match(fin.kind === 'error' ? fin.message : '', /unknown status "exploded"/);
});

test('a truncated last line is tolerated and flagged; earlier bad lines are counted with line numbers', () => {
  const started = { v: 1, t: 1, type: 'started', run_id: 'r', experiment: 'e', backend: 'cpu', seed: 1, config_hash: 'h', versions: {}, pid: 1, run_dir: '/x' };
  const full = JSON.stringify(step);
  const text = `${JSON.stringify(started)}\nnot json\n${full}\n${full.slice(0, 25)}`;
  const r = parseEventsText(text);
  assert.equal(r.events.length, 2);
  assert.deepEqual(r.errors.map((e) => e.line), [2]);
  assert.equal(r.truncatedTail, true);
  const complete = parseEventsText(`${full}\n`);
  assert.equal(complete.truncatedTail, false);
  assert.equal(complete.events.length, 1);
});
