import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../../src/trainer/data/registry';
import { parseNpy } from '../../../src/trainer/data/npyFormat';
import { DataError } from '../../../src/trainer/data/types';
import type { DataConfig } from '../../../src/core/config/types';
import { npyBytes } from './npyFixture';

const fixtures = join(__dirname, '../../fixtures/data');
let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'distillery-npy-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const npyData = (inputs: string, labels: string, split = { train: 8, test: 4 }): DataConfig => ({ dataset: { format: 'npy', inputs, labels }, split });
const write = (name: string, bytes: Buffer) => { writeFileSync(join(dir, name), bytes); return name; };

test('npy: files written by numpy (v1 uint8 images + int64 labels, v2 float64 features + int32 labels)', async () => {
  const img = await loadDataset(npyData('images-x.npy', 'images-y.npy'), { baseDir: fixtures, seed: 1 });
  assert.equal(img.kind, 'image');
  assert.deepEqual(img.inputShape, [4, 4, 1]);
  assert.deepEqual(img.classNames, ['0', '1', '2']);
  const src = img.train.index[0];
  // uint8 scaled to [0, 1], in the source's row order.
  const raw = parseNpy(readFileSync(join(fixtures, 'images-x.npy')), 'images-x.npy');
  assert.deepEqual(Array.from(raw.data.subarray(0, 4)), [162, 68, 10, 4]); // numpy's first image
  const first = Array.from(img.train.x.subarray(0, 16), (v) => Math.round(v * 255));
  assert.deepEqual(first, Array.from(raw.data.subarray(src * 16, src * 16 + 16)));
  for (const v of img.train.x) assert.ok(v >= 0 && v <= 1);
  assert.equal(img.train.y[0], src % 3);
  const shown = img.describe('train', 0);
  if (shown.kind === 'image') assert.deepEqual(shown.pixels, first); else assert.fail('image expected');

  const tab = await loadDataset(npyData('features-v2-x.npy', 'features-y.npy'), { baseDir: fixtures, seed: 1 });
  assert.equal(tab.kind, 'tabular');
  assert.deepEqual(tab.inputShape, [3]);
  const i = tab.test.index[0];
  // Used as saved: row i is (3i, 3i+1, 3i+2) / 10.
  assert.deepEqual(Array.from(tab.test.x.subarray(0, 3), (v) => +v.toFixed(4)), [3 * i / 10, (3 * i + 1) / 10, (3 * i + 2) / 10]);
  assert.equal(tab.test.y[0], i % 2);
});

test('npy: float32 images (N, H, W, C), int32 token ids, float64 labels that are whole numbers', async () => {
  const x = write('rgb.npy', npyBytes('<f4', [6, 2, 2, 3], Array.from({ length: 72 }, (_, k) => k / 71)));
  const y = write('rgb-y.npy', npyBytes('<f8', [6], [0, 1, 0, 1, 0, 1]));
  const d = await loadDataset(npyData(x, y, { train: 4, test: 2 }), { baseDir: dir, seed: 1 });
  assert.deepEqual(d.inputShape, [2, 2, 3]);
  const tok = write('tok.npy', npyBytes('<i8', [6, 5], Array.from({ length: 30 }, (_, k) => k % 17)));
  const t = await loadDataset(npyData(tok, y, { train: 4, test: 2 }), { baseDir: dir, seed: 1 });
  assert.equal(t.kind, 'text');
  assert.equal(t.inputDtype, 'int32');
  assert.ok(t.train.x instanceof Int32Array);
  assert.deepEqual(t.inputShape, [5]);
  assert.equal(t.vocabSize, 17);
});

async function rejects(data: DataConfig, pattern: RegExp, file: string) {
  await assert.rejects(loadDataset(data, { baseDir: dir, seed: 1 }), (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    assert.match(e.message, pattern);
    assert.ok(e.message.includes(join(dir, file)), e.message);
    return true;
  });
}

test('npy: bad files get clear errors naming the file', async () => {
  const y = write('y.npy', npyBytes('<i4', [4], [0, 1, 0, 1]));
  const good = npyBytes('<f4', [4, 3], Array.from({ length: 12 }, (_, k) => k));
  await rejects(npyData(write('magic.npy', Buffer.from('PK\x03\x04 not numpy at all')), y), /not an NPY file/, 'magic.npy');
  await rejects(npyData(write('trunc.npy', good.subarray(0, good.length - 5)), y), /truncated data: shape \(4, 3\) of float32 needs 48 bytes, the file has 43/, 'trunc.npy');
  await rejects(npyData(write('header.npy', good.subarray(0, 40)), y), /truncated NPY header/, 'header.npy');
  const bad = Buffer.from(good); bad.write("{'nonsense': 1}", 10, 'latin1');
  await rejects(npyData(write('malformed.npy', bad), y), /malformed NPY header/, 'malformed.npy');
  await rejects(npyData(write('c16.npy', npyBytes('<c16', [4, 3], [])), y), /unsupported dtype '<c16'/, 'c16.npy');
  await rejects(npyData(write('be.npy', npyBytes('>f4', [4, 3], [])), y), /big-endian/, 'be.npy');
  await rejects(npyData(write('fortran.npy', npyBytes('<f4', [4, 3], Array(12).fill(0), { fortran: true })), y), /Fortran-order/, 'fortran.npy');
  await rejects(npyData(write('x.npy', good), write('y5.npy', npyBytes('<i4', [5], [0, 1, 0, 1, 0]))), /has 5 labels but .*x\.npy has 4 examples/, 'y5.npy');
  await rejects(npyData('x.npy', write('y2d.npy', npyBytes('<f4', [4, 2], Array(8).fill(0)))), /1-D array of class ids.*one-hot/, 'y2d.npy');
  await rejects(npyData('x.npy', write('yfrac.npy', npyBytes('<f4', [4], [0, 1, 0.5, 1]))), /label 2 is 0\.5/, 'yfrac.npy');
  await rejects(npyData(write('nan.npy', npyBytes('<f4', [4, 3], [0, 1, 2, 3, NaN, 5, 6, 7, 8, 9, 10, 11])), y), /value NaN at element 4 \(example 1\)/, 'nan.npy');
  await rejects(npyData('absent.npy', y), /NPY inputs file not found/, 'absent.npy');
  assert.throws(() => parseNpy(npyBytes('<i8', [1], [2n ** 60n]), 'big.npy'), /too large to represent exactly/);
});
