import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, Vocabulary, PAD_ID, UNKNOWN_ID } from '../../../src/trainer/data/tokenizer';

test('tokenize lowercases, drops URLs, e-mail addresses, punctuation and pure numbers', () => {
  assert.deepEqual(
    tokenize('Hello, World! Visit https://example.com/x?y=1 or www.spam.biz NOW: 100% off, call 555-1234. Don\'t mail bob@example.org; MP3s!'),
    ['hello', 'world', 'visit', 'or', 'now', 'off', 'call', "don't", 'mail', 'mp3s'],
  );
  assert.deepEqual(tokenize('Keep Case', false), ['Keep', 'Case']);
  assert.deepEqual(tokenize('café naïve'), ['café', 'naïve']);
});

test('vocabulary keeps the most frequent words, ties alphabetical, ids 0 pad and 1 unknown', () => {
  const v = Vocabulary.build([['b', 'a', 'c', 'a'], ['c', 'd', 'a']], 4);
  assert.deepEqual(v.words, ['a', 'c']); // a:3, c:2, then b/d (1 each) cut
  assert.equal(v.size, 4);
  assert.equal(v.id('a'), 2);
  assert.equal(v.id('c'), 3);
  assert.equal(v.id('b'), UNKNOWN_ID);
  const out = new Int32Array(10).fill(-1);
  v.encodeInto(['a', 'zzz', 'c'], 5, out, 2);
  assert.deepEqual(Array.from(out), [-1, -1, 2, UNKNOWN_ID, 3, PAD_ID, PAD_ID, -1, -1, -1]);
  const short = new Int32Array(3).fill(-1);
  v.encodeInto(['a', 'c', 'a', 'c'], 2, short, 0); // truncated to max_length, nothing written past it
  assert.deepEqual(Array.from(short), [2, 3, -1]);
});
