import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventsTail, readEventsFile } from '../../../src/core/runs/eventsReader';

const log = (message: string) => JSON.stringify({ v: 1, t: 1, type: 'log', level: 'info', message });

test('the tail returns only complete lines and picks up the rest when it arrives', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tail-')), 'events.jsonl');
  const tail = new EventsTail(file);
  assert.deepEqual(tail.poll(), [], 'a missing file reads as nothing yet');
  const second = log('zwei – ü');
  writeFileSync(file, `${log('one')}\n${second.slice(0, 30)}`);
  assert.deepEqual(tail.poll().map((e) => e.type === 'log' && e.message), ['one']);
  assert.deepEqual(tail.poll(), []);
  appendFileSync(file, `${second.slice(30)}\n${log('three')}\n`);
  assert.deepEqual(tail.poll().map((e) => e.type === 'log' && e.message), ['zwei – ü', 'three']);
  appendFileSync(file, 'garbage\n');
  assert.deepEqual(tail.poll(), []);
  assert.deepEqual(tail.errors.map((e) => e.line), [4]);
});

test('a multi-byte character split between two polls survives', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tail-')), 'events.jsonl');
  const bytes = Buffer.from(log('ü€') + '\n');
  const cut = bytes.indexOf(Buffer.from('€')) + 1;
  writeFileSync(file, bytes.subarray(0, cut));
  const tail = new EventsTail(file);
  assert.deepEqual(tail.poll(), []);
  appendFileSync(file, bytes.subarray(cut));
  assert.deepEqual(tail.poll().map((e) => e.type === 'log' && e.message), ['ü€']);
});

test('a replaced (shorter) file is read again from the start', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'tail-')), 'events.jsonl');
  writeFileSync(file, `${log('a long first message')}\n${log('b')}\n`);
  const tail = new EventsTail(file);
  assert.equal(tail.poll().length, 2);
  writeFileSync(file, `${log('c')}\n`);
  assert.deepEqual(tail.poll().map((e) => e.type === 'log' && e.message), ['c']);
  assert.equal(readEventsFile(join(file, 'missing')).events.length, 0);
});
