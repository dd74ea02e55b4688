// Bad input of every kind: a diagnostic on the right line, never an exception, fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, validateConfigFile } from '../../../src/core/config/validate';
import { exampleText, positionOf, lineOf, replaceOnce, only, codes } from './fixtures';

const base = exampleText('mnist-kd.distill.yaml');

test('YAML syntax error: reported at the unclosed bracket line', () => {
  const text = replaceOnce(base, 'split: {train: 8000, test: 2000}', 'split: {train: 8000, test: 2000');
  const r = validateConfig(text);
  assert.equal(r.config, undefined);
  assert.ok(r.diagnostics.length >= 1);
  assert.ok(r.diagnostics.every((d) => d.code === 'yaml-syntax'));
  assert.ok(r.diagnostics[0].range.start.line >= lineOf(text, 'split:'));
});

test('tab indentation: one yaml-tab error at the tab', () => {
  const text = replaceOnce(base, '  epochs: 20\n  batch_size: 64', '\tepochs: 20\n  batch_size: 64');
  const r = validateConfig(text);
  assert.deepEqual(codes(r.diagnostics), ['yaml-tab']);
  assert.deepEqual(r.diagnostics[0].range.start, { line: lineOf(text, '\tepochs'), character: 0 });
});

test('duplicate key: error on the second, related to the first, fix deletes its line', () => {
  const text = replaceOnce(base, 'seed: 7\n', 'seed: 7\nseed: 8\n');
  const d = only(validateConfig(text).diagnostics, 'duplicate-key');
  assert.deepEqual(d.range.start, positionOf(text, 'seed: 8'));
  assert.deepEqual(d.related![0].range.start, positionOf(text, 'seed: 7'));
  const edit = d.fixes![0].edits[0];
  const lines = text.split('\n');
  lines.splice(edit.range.start.line, edit.range.end.line - edit.range.start.line);
  assert.equal(edit.newText, '');
  assert.equal(lines.join('\n'), base);
});

test('duplicate key in a flow map: the fix leaves valid YAML', () => {
  const text = replaceOnce(base, 'split: {train: 8000, test: 2000}', 'split: {train: 8000, train: 7000, test: 2000}');
  const d = only(validateConfig(text).diagnostics, 'duplicate-key');
  const e = d.fixes![0].edits[0];
  const line = text.split('\n')[e.range.start.line];
  const fixed = line.slice(0, e.range.start.character) + line.slice(e.range.end.character);
  assert.equal(fixed, '  split: {train: 8000, test: 2000}');
});

test('wrong types at several places, each reported', () => {
  const text = replaceOnce(replaceOnce(base, 'seed: 7', 'seed: seven'), 'baseline: true', 'baseline: maybe');
  const ds = validateConfig(text).diagnostics.filter((d) => d.code === 'type');
  assert.deepEqual(ds.map((d) => d.range.start.line), [lineOf(text, 'seed: seven'), lineOf(text, 'baseline: maybe')]);
});

test('unknown key at the top level, with a suggestion', () => {
  const text = replaceOnce(base, 'evaluation:', 'evaluaton:');
  const d = only(validateConfig(text).diagnostics, 'unknown-key');
  assert.match(d.message, /`evaluation`/);
  assert.equal(d.range.start.line, lineOf(text, 'evaluaton:'));
});

test('empty file and comment-only file', () => {
  for (const text of ['', '   \n', '# nothing here\n']) {
    const r = validateConfig(text);
    assert.deepEqual(codes(r.diagnostics), ['empty-config']);
    assert.equal(r.diagnostics[0].range.start.line, 0);
  }
});

test('a list or a scalar document', () => {
  for (const [text, line] of [['- version: 1\n- data: {}\n', 0], ['\n\njust a string\n', 2], ['42', 0]] as const) {
    const r = validateConfig(text);
    assert.deepEqual(codes(r.diagnostics), ['not-a-mapping'], text);
    assert.equal(r.diagnostics[0].range.start.line, line);
  }
});

test('multi-document file: error at the second document marker', () => {
  const text = base + '---\nversion: 1\n';
  const d = only(validateConfig(text).diagnostics, 'multiple-documents');
  assert.equal(d.range.start.line, lineOf(text, '---\nversion'));
});

test('a 10 MB file is rejected quickly at line 1', () => {
  const text = base + '# ' + 'x'.repeat(10 * 1024 * 1024) + '\n';
  const t0 = performance.now();
  const r = validateConfig(text);
  assert.ok(performance.now() - t0 < 1000);
  assert.deepEqual(codes(r.diagnostics), ['file-too-large']);
  assert.equal(r.diagnostics[0].range.start.line, 0);
});

test('non-UTF-8 bytes: invalid-utf8 at the line and column of the bad byte', () => {
  const dir = mkdtempSync(join(tmpdir(), 'distill-utf8-'));
  const file = join(dir, 'bad.distill.yaml');
  const [before, after] = [Buffer.from(base.slice(0, base.indexOf('name: mnist') + 6), 'utf8'), Buffer.from(base.slice(base.indexOf('name: mnist') + 6), 'utf8')];
  writeFileSync(file, Buffer.concat([before, Buffer.from([0x63, 0xe9, 0x74]), after]));
  const r = validateConfigFile(file);
  assert.deepEqual(codes(r.diagnostics), ['invalid-utf8']);
  assert.deepEqual(r.diagnostics[0].range.start, { line: lineOf(base, 'name: mnist'), character: 'name: c'.length });
});

test('a missing file is a diagnostic, not an exception', () => {
  const r = validateConfigFile('/nonexistent/dir/x.distill.yaml');
  assert.deepEqual(codes(r.diagnostics), ['file-not-found']);
});

test('billion laughs: rejected fast by the alias limit', () => {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let prev = 'a';
  for (let i = 0; i < 9; i++) {
    const n = `b${i}`;
    text += `${n}: &${n} [${Array(9).fill('*' + prev).join(',')}]\n`;
    prev = n;
  }
  const t0 = performance.now();
  const r = validateConfig(text);
  assert.ok(performance.now() - t0 < 500, `took ${performance.now() - t0} ms`);
  const d = only(r.diagnostics, 'alias-limit');
  assert.equal(d.range.start.line, 1);
});

test('an alias to an undefined anchor', () => {
  const text = replaceOnce(base, 'seed: 7', 'seed: *nothing');
  const d = only(validateConfig(text).diagnostics, 'unresolved-alias');
  assert.deepEqual(d.range.start, positionOf(text, '*nothing'));
});

test('a few aliases are fine and validate like the expanded text', () => {
  const text = (replaceOnce(base, '  train: {epochs: 10, batch_size: 64, optimizer: {name: adam, learning_rate: 0.002}, lr_schedule: {name: cosine}}', '  train: {epochs: 10, batch_size: 64, optimizer: &opt {name: adam, learning_rate: 0.002}, lr_schedule: {name: cosine}}')).replace(/^  optimizer: \{name: adam, learning_rate: 0\.003\}.*$/m, '  optimizer: *opt');
  assert.match(text, /optimizer: \*opt\n/);
  assert.deepEqual(validateConfig(text).diagnostics, []);
});

test('version other than 1', () => {
  const text = replaceOnce(base, 'version: 1', 'version: 2');
  const d = only(validateConfig(text).diagnostics, 'version');
  assert.deepEqual(d.range.start, positionOf(text, '2\nname'));
});

test('negative sizes and an empty layer list', () => {
  const text = replaceOnce(replaceOnce(base, 'batch_size: 64\n  optimizer', 'batch_size: -64\n  optimizer'), 'student:\n  layers:                           # a deliberately small budget, so the teacher has something to add\n    - flatten: {}\n    - dense: {units: 64, activation: relu, name: hidden}\n    - dense: {units: 10}\n', 'student:\n  layers: []\n');
  const ds = validateConfig(text).diagnostics.filter((d) => d.code === 'out-of-range');
  assert.deepEqual(ds.map((d) => d.range.start.line).sort((a, b) => a - b), [lineOf(text, 'layers: []'), lineOf(text, 'batch_size: -64')].sort((a, b) => a - b));
});

test('an unknown layer type and a layer with two keys', () => {
  const t1 = replaceOnce(base, '- maxpool2d: {pool: 2}', '- maxpool: {pool: 2}');
  const d = only(validateConfig(t1).diagnostics, 'unknown-layer-type');
  assert.deepEqual(d.range.start, positionOf(t1, 'maxpool:'));
  assert.ok(d.fixes![0].edits[0].newText.startsWith('maxpool'));
  const t2 = replaceOnce(base, '    - dense: {units: 10}\n\ndistillation', '    - dense: {units: 10}\n      activation: relu\n\ndistillation');
  const e = only(validateConfig(t2).diagnostics, 'layer-shape');
  assert.equal(e.range.start.line, lineOf(t2, '- dense: {units: 10}\n      activation'));
});

test('an unknown loss kind suggests the closest', () => {
  const text = replaceOnce(base, 'kind: soft_kd', 'kind: softkd');
  const d = only(validateConfig(text).diagnostics, 'enum');
  assert.deepEqual(d.range.start, positionOf(text, 'softkd'));
  assert.equal(d.fixes![0].edits[0].newText, 'soft_kd');
});

test('thousands of nested brackets: too-deep, before the parser spends seconds on them', () => {
  const text = base + `extra: ${'['.repeat(5000)}1${']'.repeat(5000)}\n`;
  const t0 = performance.now();
  const d = only(validateConfig(text).diagnostics, 'too-deep');
  assert.ok(performance.now() - t0 < 500);
  assert.equal(d.range.start.line, lineOf(text, 'extra:'));
  assert.equal(d.range.start.character, 'extra: '.length + 64);
  // brackets inside quoted strings and comments do not count
  const quoted = replaceOnce(base, 'name: mnist-cnn-to-mlp', `name: mnist  # ${'['.repeat(100)}`);
  assert.deepEqual(validateConfig(quoted).diagnostics, []);
});

test('CRLF and lone CR line endings: lines and columns as the editor counts them', () => {
  const crlf = replaceOnce(base, 'temperature: 4', 'temperature: four').replace(/\n/g, '\r\n');
  const d = only(validateConfig(crlf).diagnostics, 'type');
  assert.deepEqual(d.range.start, positionOf(base.replace('temperature: 4', 'temperature: four'), 'four'));
  // The yaml parser does not break lines at a lone CR (the editor does): the file is then
  // one broken line to the parser, and the diagnostic must still fall inside the document.
  const cr = 'version: 1\r\rbogus: 1\r';
  const [e] = validateConfig(cr).diagnostics;
  assert.equal(e.code, 'yaml-syntax');
  assert.ok(e.range.start.line <= 2 && e.range.end.line <= 3);
});
