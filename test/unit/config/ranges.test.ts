// Diagnostics point at the exact key or value: line AND column, start AND end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../../src/core/config/validate';
import { exampleText, examplePath, positionOf, lineOf, replaceOnce, only, errorsOf } from './fixtures';

const base = exampleText('mnist-kd.distill.yaml');
const path = examplePath('mnist-kd.distill.yaml');
const run = (text: string) => validateConfig(text, { path });

test('misspelt key: the key itself, with a replace fix', () => {
  const text = replaceOnce(base, '  batch_size: 64\n  optimizer:', '  batch_sise: 64\n  optimizer:');
  const d = only(run(text).diagnostics, 'unknown-key');
  const at = positionOf(text, 'batch_sise');
  assert.deepEqual(d.range, { start: at, end: { line: at.line, character: at.character + 'batch_sise'.length } });
  assert.equal(d.pointer, '/training/batch_sise');
  assert.match(d.message, /Did you mean `batch_size`/);
  assert.deepEqual(d.fixes![0].edits, [{ range: d.range, newText: 'batch_size' }]);
});

test('string where a number belongs: the value', () => {
  const text = replaceOnce(base, 'temperature: 4', 'temperature: four');
  const d = only(run(text).diagnostics, 'type');
  const at = positionOf(text, 'four');
  assert.deepEqual(d.range, { start: at, end: { line: at.line, character: at.character + 4 } });
  assert.equal(d.pointer, '/distillation/losses/1/temperature');
});

test('a value inside a flow map: exact columns', () => {
  const text = replaceOnce(base, '{units: 64, activation: relu, name: hidden}', '{units: 64, activation: rleu, name: hidden}');
  const d = only(run(text).diagnostics, 'enum');
  const at = positionOf(text, 'rleu');
  assert.deepEqual(d.range, { start: at, end: { line: at.line, character: at.character + 4 } });
  assert.deepEqual(d.fixes![0].edits[0].newText, 'relu');
});

test('missing teacher: needs-teacher at the distillation loss that needs it', () => {
  const text = base.replace(/teacher:\n(?:  .*\n)+\n/, '');
  const ds = errorsOf(run(text).diagnostics);
  assert.deepEqual(ds.map((d) => d.code), ['needs-teacher']);
  assert.equal(ds[0].range.start.line, lineOf(text, 'kind: soft_kd'));
  assert.equal(ds[0].range.start.character, positionOf(text, 'soft_kd').character);
});

test('wrong layer name: the value, with related layer names and a fix', () => {
  const text = replaceOnce(base, '      temperature: 4\n', '      temperature: 4\n    - kind: hint\n      teacher_layer: penultimat\n      student_layer: hidden\n');
  const d = only(run(text).diagnostics, 'unknown-layer');
  const at = positionOf(text, 'penultimat\n');
  assert.deepEqual(d.range, { start: at, end: { line: at.line, character: at.character + 'penultimat'.length } });
  assert.deepEqual(d.fixes![0].edits[0].newText, 'penultimate');
  assert.deepEqual(d.related!.map((r) => r.range.start), [positionOf(text, 'features}'), positionOf(text, 'penultimate}')]);
});

test('missing required key in a block map: points at its parent key; the fix inserts it aligned', () => {
  const text = replaceOnce(base, '  epochs: 20\n  batch_size: 64', '  epochs: 20\n  batch_size: 64').replace('split: {train: 8000, test: 2000}', 'split: {test: 2000}');
  const d = only(run(text).diagnostics, 'missing-key');
  const at = positionOf(text, 'split:');
  assert.deepEqual(d.range, { start: at, end: { line: at.line, character: at.character + 5 } });
  const edit = d.fixes![0].edits[0];
  assert.equal(edit.newText, 'train: 1, ');
  assert.deepEqual(edit.range.start, { line: at.line, character: positionOf(text, '{test').character + 1 });
});

test('missing key in a block loss item: the fix inserts a line at the same indentation', () => {
  const text = replaceOnce(base, '    - kind: soft_kd                 # Hinton: T^2 * KL(softmax(t/T) || softmax(s/T))\n', '    - id: kd\n');
  const d = only(run(text).diagnostics, 'missing-key');
  assert.equal(d.range.start.line, lineOf(text, '- id: kd'));
  const edit = d.fixes![0].edits[0];
  assert.deepEqual(edit.range.start, positionOf(text, 'id: kd'));
  assert.equal(edit.newText, 'kind: cross_entropy\n      ');
});

test('a type error on a block mapping points at its key, not the whole block', () => {
  const text = replaceOnce(base, 'evaluation:\n  every: 1\n  examples: 24\n', 'evaluation:\n  - every\n');
  const d = only(run(text).diagnostics, 'type');
  const at = positionOf(text, 'evaluation:');
  assert.deepEqual(d.range, { start: at, end: { line: at.line, character: 'evaluation'.length } });
});

test('columns count UTF-16 code units after non-ASCII text', () => {
  const text = replaceOnce(base, 'name: mnist-cnn-to-mlp', 'name: "Zoë ✓ 😀"\nbogus: 1');
  const d = only(run(text).diagnostics, 'unknown-key');
  assert.deepEqual(d.range.start, positionOf(text, 'bogus'));
});

test('weight schedule errors land on the offending field', () => {
  const text = replaceOnce(base, 'weight: 0.9', 'weight: {from: 1, to: lots, shape: cosine}');
  const d = only(run(text).diagnostics, 'type');
  assert.deepEqual(d.range.start, positionOf(text, 'lots'));
  assert.equal(d.pointer, '/distillation/losses/1/weight/to');
  const t2 = replaceOnce(base, 'weight: 0.9', 'weight: {from: 1, to: 0, shape: cubic}');
  const e = only(run(t2).diagnostics, 'enum');
  assert.deepEqual(e.range.start, positionOf(t2, 'cubic'));
});
