import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../../../src/trainer/data/registry';

test('mnist: 10,000 digits split deterministically, every class in test, pixels in [0, 1]', async () => {
  const data = { dataset: { format: 'builtin' as const, name: 'mnist' as const }, split: { train: 7000, validation: 1000, test: 2000 } };
  const d = await loadDataset(data, { baseDir: '.', seed: 7 });
  assert.equal(d.kind, 'image');
  assert.deepEqual(d.inputShape, [28, 28, 1]);
  assert.equal(d.inputDtype, 'float32');
  assert.equal(d.numClasses, 10);
  assert.deepEqual(d.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.equal(d.train.count, 7000);
  assert.equal(d.validation!.count, 1000);
  assert.equal(d.test.count, 2000);
  assert.ok(d.train.x instanceof Float32Array);
  assert.equal(d.train.x.length, 7000 * 784);
  let min = Infinity, max = -Infinity;
  for (const v of d.train.x) { if (v < min) min = v; if (v > max) max = v; }
  assert.ok(min >= 0 && max <= 1 && max > 0.9, `pixel range ${min}..${max}`);

  const perClass = new Array(10).fill(0);
  for (const y of d.test.y) perClass[y]++;
  assert.ok(perClass.every((n) => n >= 150), `test per class ${perClass}`);
  // No example appears in two splits.
  const seen = new Set<number>();
  for (const s of [d.train, d.validation!, d.test]) for (const i of s.index) { assert.ok(!seen.has(i)); seen.add(i); }

  const img = d.describe('test', 3);
  assert.equal(img.kind, 'image');
  if (img.kind === 'image') {
    assert.equal(img.pixels.length, 784);
    assert.deepEqual(img.pixels.slice(0, 784), Array.from(d.test.x.subarray(3 * 784, 4 * 784), (v) => Math.round(v * 255)));
  }

  const again = await loadDataset(data, { baseDir: '.', seed: 7 });
  assert.deepEqual(again.test.index, d.test.index);
  assert.equal(again.fingerprint, d.fingerprint);
  const other = await loadDataset(data, { baseDir: '.', seed: 8 });
  assert.notDeepEqual(Array.from(other.test.index), Array.from(d.test.index));
  assert.notEqual(other.fingerprint, d.fingerprint);
});
