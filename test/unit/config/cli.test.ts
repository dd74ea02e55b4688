// `distillery validate`: formats, exit codes, 1-based positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCommand } from '../../../src/trainer/cli/validate';
import { examplePath, exampleText, positionOf, replaceOnce } from './fixtures';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (s: string) => { out.stdout += s; }, stderr: (s: string) => { out.stderr += s; } } };
}

const dir = mkdtempSync(join(tmpdir(), 'distill-cli-'));
const bad = join(dir, 'bad.distill.yaml');
const badText = replaceOnce(exampleText('mnist-kd.distill.yaml'), 'temperature: 4', 'temperature: four');
writeFileSync(bad, badText);
const warn = join(dir, 'warn.distill.yaml');
writeFileSync(warn, replaceOnce(exampleText('mnist-kd.distill.yaml'), '  split: {train: 8000, test: 2000}\n', '  split: {train: 8000, test: 2000}\n  text: {max_length: 10}\n'));

test('valid files: exit 0, nothing on stdout', async () => {
  const { out, io } = capture();
  assert.equal(await validateCommand([examplePath('mnist-kd.distill.yaml'), examplePath('spam-kd.distill.yaml')], io), 0);
  assert.equal(out.stdout, '');
  assert.match(out.stderr, /2 file\(s\) valid/);
});

test('text format: file:line:col severity code message, exit 1', async () => {
  const { out, io } = capture();
  assert.equal(await validateCommand([examplePath('mnist-kd.distill.yaml'), bad], io), 1);
  const at = positionOf(badText, 'four');
  assert.equal(out.stdout.split('\n')[0], `${bad}:${at.line + 1}:${at.character + 1} error type distillation.losses[1].temperature must be a number, not the string "four".`);
});

test('json format: 1-based rows', async () => {
  const { out, io } = capture();
  assert.equal(await validateCommand(['--format', 'json', bad], io), 1);
  const rows = JSON.parse(out.stdout);
  const at = positionOf(badText, 'four');
  assert.deepEqual(rows, [{ file: bad, line: at.line + 1, column: at.character + 1, endLine: at.line + 1, endColumn: at.character + 5, severity: 'error', code: 'type', message: 'distillation.losses[1].temperature must be a number, not the string "four".' }]);
});

test('warnings alone exit 0', async () => {
  const { out, io } = capture();
  assert.equal(await validateCommand(['--format=json', warn], io), 0);
  assert.deepEqual(JSON.parse(out.stdout).map((r: { code: string }) => r.code), ['text-unused']);
});

test('usage errors exit 2', async () => {
  for (const argv of [[], ['--format', 'xml', bad], ['--nope', bad], ['--format']]) {
    const { out, io } = capture();
    assert.equal(await validateCommand(argv, io), 2, JSON.stringify(argv));
    assert.match(out.stderr, /usage: distillery validate/);
  }
});

test('a missing file is an error row, not a crash', async () => {
  const { out, io } = capture();
  assert.equal(await validateCommand([join(dir, 'missing.distill.yaml')], io), 1);
  assert.match(out.stdout, /:1:1 error file-not-found/);
});
