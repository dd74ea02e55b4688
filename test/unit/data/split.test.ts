import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSplitCounts, splitIndices } from '../../../src/trainer/data/split';
import { mulberry32 } from '../../../src/trainer/data/random';
import { DataError } from '../../../src/trainer/data/types';

const labels = Int32Array.from({ length: 1000 }, (_, i) => (i * 7) % 10 < 3 ? 0 : (i % 3) + 1); // 4 unequal classes

test('mulberry32 is deterministic per seed and in [0, 1)', () => {
  const a = mulberry32(42), b = mulberry32(42), c = mulberry32(43);
  const xs = Array.from({ length: 100 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b()));
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

test('same seed gives the same split; a different seed a different one', () => {
  const s1 = splitIndices(labels, 4, { train: 600, validation: 100, test: 300 }, 7);
  const s2 = splitIndices(labels, 4, { train: 600, validation: 100, test: 300 }, 7);
  const s3 = splitIndices(labels, 4, { train: 600, validation: 100, test: 300 }, 8);
  assert.deepEqual(s1, s2);
  assert.notDeepEqual(Array.from(s1.test), Array.from(s3.test));
});

test('parts are disjoint, have the asked sizes, and keep class proportions', () => {
  const s = splitIndices(labels, 4, { train: 0.6, validation: 0.1, test: 0.3 }, 1);
  assert.equal(s.train.length, 600);
  assert.equal(s.validation!.length, 100);
  assert.equal(s.test.length, 300);
  const all = new Set([...s.train, ...s.validation!, ...s.test]);
  assert.equal(all.size, 1000);
  const share = (idx: Int32Array, c: number) => Array.from(idx).filter((i) => labels[i] === c).length / idx.length;
  for (let c = 0; c < 4; c++) {
    const overall = share(Int32Array.from(labels.keys()), c);
    assert.ok(Math.abs(share(s.test, c) - overall) <= 1 / 300 + 1e-9, `class ${c} test share`);
    assert.ok(Math.abs(share(s.validation!, c) - overall) <= 1 / 100 + 1e-9, `class ${c} validation share`);
  }
});

test('fractions use every example; counts and fractions are checked', () => {
  assert.deepEqual(resolveSplitCounts({ train: 0.8, test: 0.2 }, 149), { train: 119, validation: undefined, test: 30 });
  assert.deepEqual(resolveSplitCounts({ train: 100, test: 0.5 }, 400), { train: 100, validation: undefined, test: 200 });
  assert.throws(() => resolveSplitCounts({ train: 900, test: 200 }, 1000), (e: Error) => e instanceof DataError && /asks for 1100 examples.*only 1000/.test(e.message));
  assert.throws(() => resolveSplitCounts({ train: 0.8, test: 0.3 }, 1000), /add up to 1\.1/);
  assert.throws(() => resolveSplitCounts({ train: 10.5, test: 2 }, 1000), /whole number/);
  assert.throws(() => resolveSplitCounts({ train: 0.001, test: 2 }, 100), /selects no examples/);
  assert.throws(() => resolveSplitCounts({ train: 0.5 } as never, 100), /needs both `train` and `test`/);
});
