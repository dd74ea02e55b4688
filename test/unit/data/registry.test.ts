import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetLoaders, loadDataset, loaderId } from '../../../src/trainer/data/registry';
import { DataError } from '../../../src/trainer/data/types';
import type { BuiltinDataset, DataConfig, DatasetConfig } from '../../../src/core/config/types';

const fixtures = join(__dirname, '../../fixtures/data');

test('the registry has a loader for every built-in dataset and every file format', () => {
  const builtins: BuiltinDataset[] = ['mnist', 'spam-assassin'];
  const formats: Exclude<DatasetConfig['format'], 'builtin'>[] = ['csv', 'jsonl', 'npy', 'images'];
  assert.deepEqual([...datasetLoaders.keys()].sort(), [...builtins, ...formats].sort());
  for (const l of datasetLoaders.values()) assert.ok(l.description.length > 20, `${l.id} has a description`);
  assert.equal(loaderId({ format: 'builtin', name: 'mnist' }), 'mnist');
  assert.equal(loaderId({ format: 'csv', path: 'x.csv', label: 'y' }), 'csv');
});

test('unknown datasets and impossible splits are DataErrors', async () => {
  await assert.rejects(loadDataset({ dataset: { format: 'builtin', name: 'cifar' as BuiltinDataset }, split: { train: 1, test: 1 } }, { baseDir: '.', seed: 1 }),
    (e: unknown) => e instanceof DataError && /unknown dataset "cifar"; known: .*mnist/.test(e.message));
  await assert.rejects(loadDataset({ dataset: { format: 'csv', path: 'tabular.csv', label: 'species' }, split: { train: 25, test: 10 } }, { baseDir: fixtures, seed: 1 }),
    /split asks for 35 examples \(train 25 \+ test 10\) but the dataset has only 30/);
});

test('fingerprint: same for a moved file, different for changed content, split or seed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distillery-fp-'));
  try {
    copyFileSync(join(fixtures, 'tabular.csv'), join(dir, 'moved.csv'));
    const cfg = (path: string, train = 0.7): DataConfig => ({ dataset: { format: 'csv', path, label: 'species' }, split: { train, test: 0.3 } });
    const a = await loadDataset(cfg('tabular.csv'), { baseDir: fixtures, seed: 1 });
    const moved = await loadDataset(cfg('moved.csv'), { baseDir: dir, seed: 1 });
    assert.equal(moved.fingerprint, a.fingerprint);
    assert.match(a.fingerprint, /^[0-9a-f]{64}$/);
    assert.notEqual((await loadDataset(cfg('tabular.csv', 0.6), { baseDir: fixtures, seed: 1 })).fingerprint, a.fingerprint);
    assert.notEqual((await loadDataset(cfg('tabular.csv'), { baseDir: fixtures, seed: 2 })).fingerprint, a.fingerprint);
    writeFileSync(join(dir, 'moved.csv'), readFileSync(join(dir, 'moved.csv'), 'utf8').replace('1.13', '1.14'));
    assert.notEqual((await loadDataset(cfg('moved.csv'), { baseDir: dir, seed: 1 })).fingerprint, a.fingerprint);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
