import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadDataset } from '../../../src/trainer/data/registry';
import { parseCsv } from '../../../src/trainer/data/csv';
import { DataError } from '../../../src/trainer/data/types';
import type { DataConfig } from '../../../src/core/config/types';

const baseDir = join(__dirname, '../../fixtures/data');
const csvData = (path: string, extra: Partial<{ label: string; features: string[] }> = {}, split = { train: 0.6, test: 0.4 }): DataConfig =>
  ({ dataset: { format: 'csv', path, label: extra.label ?? 'label', ...(extra.features ? { features: extra.features } : {}) }, split });

test('parseCsv: quotes, doubled quotes, line breaks in quotes, CRLF, BOM, blank lines', () => {
  const recs = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n\r\n"multi\nline",2\n', 'f.csv');
  assert.deepEqual(recs, [
    { fields: ['a', 'b'], line: 1 },
    { fields: ['x, y', 'say "hi"'], line: 2 },
    { fields: ['multi\nline', '2'], line: 4 },
  ]);
});

test('csv: loads features and sorted class names, standardised on train statistics', async () => {
  const d = await loadDataset(csvData('tabular.csv', { label: 'species' }), { baseDir, seed: 3 });
  assert.equal(d.kind, 'tabular');
  assert.deepEqual(d.inputShape, [3]);
  assert.deepEqual(d.classNames, ['"virginica"', 'setosa', 'versi, color']);
  assert.equal(d.train.count, 18);
  assert.equal(d.test.count, 12);
  // Every class in both splits (stratified).
  for (const s of [d.train, d.test]) assert.deepEqual(new Set(s.y), new Set([0, 1, 2]));
  // Train features: mean 0, std 1 per column.
  for (let j = 0; j < 3; j++) {
    const col = Array.from({ length: d.train.count }, (_, r) => d.train.x[r * 3 + j]);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
    assert.ok(Math.abs(mean) < 1e-5 && Math.abs(sd - 1) < 1e-4, `column ${j}: mean ${mean} sd ${sd}`);
  }
  // describe() shows the raw values of the file.
  const shown = d.describe('test', 0);
  assert.equal(shown.kind, 'features');
  const rows = parseCsv(require('node:fs').readFileSync(join(baseDir, 'tabular.csv'), 'utf8'), 'x').slice(1);
  if (shown.kind === 'features') assert.deepEqual(shown.values.map((v) => +v.toFixed(3)), rows[d.test.index[0]].fields.slice(0, 3).map(Number));
});

test('csv: a features list picks and orders columns', async () => {
  const d = await loadDataset(csvData('tabular.csv', { label: 'species', features: ['sepal_width', 'sepal_length'] }), { baseDir, seed: 3 });
  assert.deepEqual(d.inputShape, [2]);
  const shown = d.describe('train', 0);
  const rows = parseCsv(require('node:fs').readFileSync(join(baseDir, 'tabular.csv'), 'utf8'), 'x').slice(1);
  const row = rows[d.train.index[0]].fields;
  if (shown.kind === 'features') assert.deepEqual(shown.values.map((v) => +v.toFixed(3)), [Number(row[1]), Number(row[0])]);
});

async function rejects(data: DataConfig, pattern: RegExp, where: { file: string; line?: number }) {
  await assert.rejects(loadDataset(data, { baseDir, seed: 1 }), (e: unknown) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${e}`);
    assert.match(e.message, pattern);
    assert.ok(e.file?.endsWith(where.file), `file ${e.file}`);
    assert.ok(e.message.includes(where.file + (where.line ? `:${where.line}` : '')), e.message);
    assert.equal(e.line, where.line);
    return true;
  });
}

test('csv: bad files name the file, line and column', async () => {
  await rejects(csvData('ragged.csv'), /row has 2 values but the header has 3 columns/, { file: 'ragged.csv', line: 4 });
  await rejects(csvData('non-numeric.csv'), /column "b" is "oops", not a finite number/, { file: 'non-numeric.csv', line: 3 });
  await rejects(csvData('nan.csv'), /column "a" is "NaN", not a finite number/, { file: 'nan.csv', line: 4 });
  await rejects(csvData('no-label.csv'), /no label column "label"; the columns are: "a", "b", "class"/, { file: 'no-label.csv', line: 1 });
  await rejects(csvData('tabular.csv', { label: 'species', features: ['petal'] }), /no feature column "petal"/, { file: 'tabular.csv', line: 1 });
  await rejects(csvData('empty.csv'), /empty/, { file: 'empty.csv' });
  await rejects(csvData('header-only.csv'), /no data rows/, { file: 'header-only.csv' });
  await rejects(csvData('unclosed-quote.csv'), /quoted field is never closed/, { file: 'unclosed-quote.csv', line: 2 });
  await rejects(csvData('missing.csv'), /CSV file not found/, { file: 'missing.csv' });
});

test('csv: a class that a split leaves out of train is an error naming the class', async () => {
  // 30 rows, 10 per class: a 2-example train split cannot hold all three classes.
  await assert.rejects(
    loadDataset(csvData('tabular.csv', { label: 'species' }, { train: 2, test: 10 }), { baseDir, seed: 1 }),
    /train split has no examples of class .*use a larger train split/,
  );
  const warnings: string[] = [];
  await loadDataset(csvData('tabular.csv', { label: 'species' }, { train: 27, test: 2 }), { baseDir, seed: 1, log: (_l, m) => warnings.push(m) });
  assert.match(warnings.join('\n'), /test split \(2 examples\) has no examples of class/);
});
