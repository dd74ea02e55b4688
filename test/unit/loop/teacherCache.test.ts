import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TeacherCache, teacherCacheKey } from '../../../src/trainer/loop/teacherCache';

const parts = { dataFingerprint: 'd', layers: [{ type: 'flatten' as const }], train: { epochs: 1, batch_size: 8, optimizer: { name: 'adam' as const, learning_rate: 0.001 }, lr_schedule: { name: 'constant' as const, warmup_epochs: 0 } }, seed: 1, inputShape: [4], numClasses: 2 };

test('the key changes with anything that changes the teacher', () => {
  const k = teacherCacheKey(parts);
  assert.equal(k, teacherCacheKey({ ...parts }));
  assert.notEqual(k, teacherCacheKey({ ...parts, seed: 2 }));
  assert.notEqual(k, teacherCacheKey({ ...parts, dataFingerprint: 'e' }));
  assert.notEqual(k, teacherCacheKey({ ...parts, train: { ...parts.train, epochs: 2 } }));
});

test('the lock excludes a second holder until released, and a dead holder\'s lock is broken', async () => {
  const cache = new TeacherCache(mkdtempSync(join(tmpdir(), 'cache-')));
  const release = await cache.lock('k');
  assert.ok(release);
  assert.equal(await cache.lock('k', 300), undefined, 'held by this (live) process');
  release!();
  const again = await cache.lock('k', 300);
  assert.ok(again);
  again!();
  writeFileSync(join(cache.root, 'k.lock'), '99999999');
  const stolen = await cache.lock('k', 300);
  assert.ok(stolen, 'stale lock of a dead process is broken');
  stolen!();
});

test('entries appear whole: written to a temp folder, then renamed', async () => {
  const cache = new TeacherCache(mkdtempSync(join(tmpdir(), 'cache-')));
  assert.equal(cache.lookup('k'), undefined);
  let seenDuringWrite: string | undefined = 'unset';
  await cache.store('k', async (tmp) => {
    writeFileSync(join(tmp, 'model.json'), '{}');
    seenDuringWrite = cache.lookup('k');
  });
  assert.equal(seenDuringWrite, undefined, 'not visible while being written');
  assert.equal(cache.lookup('k'), join(cache.root, 'k'));
  assert.deepEqual(readdirSync(cache.root), ['k']);
  await assert.rejects(cache.store('j', async () => { throw new Error('disk full'); }));
  assert.equal(existsSync(join(cache.root, 'j')), false, 'a failed write publishes nothing');
  assert.deepEqual(readdirSync(cache.root), ['k'], 'and leaves no temp folder');
});
