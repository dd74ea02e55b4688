import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { loadDataset } from '../../../src/trainer/data/registry';
import { writePixels } from '../../../src/trainer/data/imagePixels';
import { DataError } from '../../../src/trainer/data/types';
import type { DataConfig } from '../../../src/core/config/types';

let dir = '';
const rgba = (w: number, h: number, px: (x: number, y: number) => [number, number, number]) => {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { const [r, g, b] = px(x, y); data.set([r, g, b, 255], (y * w + x) * 4); }
  return { width: w, height: h, data };
};
const pngFile = (w: number, h: number, px: (x: number, y: number) => [number, number, number]) => {
  const png = new PNG({ width: w, height: h });
  rgba(w, h, px).data.copy(png.data);
  return PNG.sync.write(png);
};
const jpegFile = (w: number, h: number, px: (x: number, y: number) => [number, number, number]) => jpeg.encode(rgba(w, h, px), 95).data;
const put = (rel: string, bytes: Buffer | string) => { mkdirSync(join(dir, rel, '..'), { recursive: true }); writeFileSync(join(dir, rel), bytes); };

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'distillery-images-'));
  for (let i = 0; i < 4; i++) put(`pets/cat/c${i}.png`, pngFile(4, 4, () => [255, 0, 0]));
  for (let i = 0; i < 4; i++) put(`pets/dog/d${i}.JPG`, jpegFile(8, 8, () => [0, 0, 255]));
  put('pets/dog/notes.txt', 'not an image');
  put('broken/a/ok.png', pngFile(2, 2, () => [1, 2, 3]));
  put('broken/a/bad.png', Buffer.concat([pngFile(2, 2, () => [1, 2, 3]).subarray(0, 30), Buffer.from('garbage')]));
  put('broken/b/ok.png', pngFile(2, 2, () => [1, 2, 3]));
  put('empty-class/a/ok.png', pngFile(2, 2, () => [1, 2, 3]));
  mkdirSync(join(dir, 'empty-class/b'), { recursive: true });
  put('flat/x.png', pngFile(2, 2, () => [1, 2, 3]));
  put('fake/a/x.jpg', 'hello');
  put('fake/b/y.png', pngFile(2, 2, () => [1, 2, 3]));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const imgData = (path: string, opts: { width?: number; height?: number; grayscale?: boolean } = {}): DataConfig =>
  ({ dataset: { format: 'images', path, grayscale: opts.grayscale ?? false, ...(opts.width ? { width: opts.width } : {}), ...(opts.height ? { height: opts.height } : {}) }, split: { train: 6, test: 2 } });

test('images: class folders, first image size by default, mixed sizes resized and logged', async () => {
  const logs: string[] = [];
  const d = await loadDataset(imgData('pets'), { baseDir: dir, seed: 1, log: (_l, m) => logs.push(m) });
  assert.equal(d.kind, 'image');
  assert.deepEqual(d.classNames, ['cat', 'dog']);
  assert.deepEqual(d.inputShape, [4, 4, 3]);
  assert.match(logs.join('\n'), /resized 4 of 8 images to 4×4/);
  assert.match(logs.join('\n'), /skipped 1 file/);
  for (let i = 0; i < d.train.count; i++) {
    const px = Array.from(d.train.x.subarray(i * 48, i * 48 + 3));
    const want = d.train.y[i] === 0 ? [1, 0, 0] : [0, 0, 1];
    px.forEach((v, c) => assert.ok(Math.abs(v - want[c]) < 0.03, `example ${i} channel ${c}: ${v}`));
  }
  const shown = d.describe('test', 0);
  assert.ok(shown.kind === 'image' && shown.width === 4 && shown.channels === 3 && shown.pixels.length === 48);
});

test('images: configured size and grayscale', async () => {
  const d = await loadDataset(imgData('pets', { width: 6, height: 2, grayscale: true }), { baseDir: dir, seed: 1 });
  assert.deepEqual(d.inputShape, [2, 6, 1]);
  for (let i = 0; i < d.train.count; i++) {
    const want = d.train.y[i] === 0 ? 0.299 : 0.114;
    assert.ok(Math.abs(d.train.x[i * 12] - want) < 0.02, `luma ${d.train.x[i * 12]}`);
  }
  // Only one side given: the other follows the first image's aspect ratio (4×4).
  const w = await loadDataset(imgData('pets', { width: 2 }), { baseDir: dir, seed: 1 });
  assert.deepEqual(w.inputShape, [2, 2, 3]);
});

test('bilinear resize keeps a gradient and its mean', () => {
  const img = { width: 4, height: 1, data: Uint8Array.from([0, 0, 0, 255, 85, 85, 85, 255, 170, 170, 170, 255, 255, 255, 255, 255]) };
  const out = new Float32Array(2);
  writePixels(img, 2, 1, 1, out, 0);
  assert.ok(Math.abs(out[0] - 0.16667) < 1e-3 && Math.abs(out[1] - 0.83333) < 1e-3, `${out}`);
});

async function rejects(path: string, pattern: RegExp, names: string) {
  await assert.rejects(loadDataset(imgData(path), { baseDir: dir, seed: 1 }), (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    assert.match(e.message, pattern);
    assert.ok(e.message.includes(join(dir, names)), e.message);
    return true;
  });
}

test('images: corrupt files, empty class folders, no class folders', async () => {
  await rejects('broken', /cannot decode the image/, 'broken/a/bad.png');
  await rejects('fake', /not a PNG or JPEG image/, 'fake/a/x.jpg');
  await rejects('empty-class', /class folder "b" has no PNG or JPEG images/, 'empty-class/b');
  await rejects('flat', /no class sub-folders/, 'flat');
  await rejects('absent', /image folder not found/, 'absent');
});
