import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../../src/trainer/data/registry';
import { DataError } from '../../../src/trainer/data/types';
import { UNKNOWN_ID, PAD_ID } from '../../../src/trainer/data/tokenizer';
import type { DataConfig } from '../../../src/core/config/types';

const baseDir = join(__dirname, '../../fixtures/data');
const jsonlData = (path: string, split = { train: 10, test: 6 }, text = { tokenizer: 'word' as const, vocab_size: 100, max_length: 6, lowercase: true }): DataConfig =>
  ({ dataset: { format: 'jsonl', path, text: 'body', label: 'stars' }, split, text });

test('jsonl: texts tokenised to padded ids, numeric labels sorted as class names', async () => {
  const d = await loadDataset(jsonlData('reviews.jsonl'), { baseDir, seed: 2 });
  assert.equal(d.kind, 'text');
  assert.deepEqual(d.inputShape, [6]);
  assert.equal(d.inputDtype, 'int32');
  assert.ok(d.train.x instanceof Int32Array);
  assert.deepEqual(d.classNames, ['1', '5']);
  assert.equal(d.train.count + d.test.count, 16);
  assert.ok(d.vocabSize! > 2 && d.vocabSize! <= 100);
  for (const v of d.train.x) assert.ok(v >= 0 && v < d.vocabSize!);
  // Short reviews end in padding.
  assert.ok(Array.from(d.train.x).includes(PAD_ID));
  const shown = d.describe('test', 0);
  assert.equal(shown.kind, 'text');
  const lines = require('node:fs').readFileSync(join(baseDir, 'reviews.jsonl'), 'utf8').split('\n');
  if (shown.kind === 'text') assert.equal(shown.text, JSON.parse(lines[d.test.index[0]]).body);
});

test('jsonl: the vocabulary comes from the train split only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distillery-jsonl-'));
  try {
    // Every example has its own word; the class words are shared.
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ body: `${i % 2 ? 'good' : 'bad'} unique${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`, stars: i % 2 }));
    writeFileSync(join(dir, 'u.jsonl'), rows.join('\n'));
    const d = await loadDataset(jsonlData('u.jsonl', { train: 30, test: 10 }, { tokenizer: 'word', vocab_size: 1000, max_length: 2, lowercase: true }), { baseDir: dir, seed: 5 });
    assert.equal(d.vocabSize, 2 + 2 + 30); // pad, unknown, good, bad, 30 train-only words
    for (let i = 0; i < d.train.count; i++) assert.ok(d.train.x[i * 2 + 1] >= 2, 'train words are known');
    for (let i = 0; i < d.test.count; i++) {
      assert.ok(d.test.x[i * 2] >= 2, 'class word known');
      assert.equal(d.test.x[i * 2 + 1], UNKNOWN_ID, 'a word seen only in test is unknown');
    }
    // Different text settings give a different fingerprint (teacher cache key).
    const d2 = await loadDataset(jsonlData('u.jsonl', { train: 30, test: 10 }, { tokenizer: 'word', vocab_size: 1000, max_length: 3, lowercase: true }), { baseDir: dir, seed: 5 });
    assert.notEqual(d2.fingerprint, d.fingerprint);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function rejects(path: string, pattern: RegExp, line: number) {
  await assert.rejects(loadDataset(jsonlData(path), { baseDir, seed: 1 }), (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    assert.match(e.message, pattern);
    assert.ok(e.message.includes(`${path}:${line}: `), e.message);
    assert.equal(e.line, line);
    return true;
  });
}

test('jsonl: broken lines and missing fields name the file and line', async () => {
  await rejects('broken.jsonl', /not valid JSON/, 3);
  await rejects('missing-field.jsonl', /missing label field "stars" \(fields: "body"\)/, 3);
  await rejects('wrong-type.jsonl', /text field "body" must be a string/, 1);
});
