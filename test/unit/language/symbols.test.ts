import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentSymbols, foldingRanges } from '../../../src/core/language/symbols';
import { fullConfig } from './cursorFixture';

describe('document symbols', () => {
  const symbols = documentSymbols(fullConfig);
  it('top-level sections in order', () => {
    assert.deepEqual(symbols.map((s) => s.name), ['version', 'name', 'seed', 'data', 'teacher', 'student', 'distillation', 'training']);
    assert.ok(symbols.every((s) => s.kind === 'section'));
    assert.equal(symbols[1].detail, 'mnist-cnn-to-mlp');
  });
  it('layers as `index: type (name)`', () => {
    const teacherLayers = symbols.find((s) => s.name === 'teacher')!.children.find((c) => c.name === 'layers')!;
    assert.deepEqual(teacherLayers.children.map((c) => c.name), ['0: conv2d', '1: conv2d (features)', '2: flatten', '3: dense (penultimate)', '4: dense']);
    assert.ok(teacherLayers.children.every((c) => c.kind === 'layer'));
    // The block-style dense layer spans its three option lines.
    const dense = teacherLayers.children[3];
    assert.equal(dense.range.start.line, 13);
    assert.equal(dense.range.end.line, 16);
  });
  it('losses by id or kind', () => {
    const text = fullConfig.replace('    - kind: soft_kd\n', '    - kind: soft_kd\n      id: kd_main\n');
    const losses = documentSymbols(text).find((s) => s.name === 'distillation')!.children.find((c) => c.name === 'losses')!;
    assert.deepEqual(losses.children.map((c) => c.name), ['cross_entropy', 'kd_main', 'hint']);
    assert.equal(losses.children[1].detail, 'soft_kd');
    assert.ok(losses.children.every((c) => c.kind === 'loss'));
  });
  it('selection range is inside the range', () => {
    const walk = (ss: typeof symbols): void => ss.forEach((s) => {
      assert.ok(s.selectionRange.start.line >= s.range.start.line && s.selectionRange.end.line <= s.range.end.line, s.name);
      walk(s.children);
    });
    walk(symbols);
  });
  it('a broken document still has an outline', () => {
    const s = documentSymbols('version: 1\nteacher:\n  layers:\n    - dense: {units: 3, name: a\nstudent: [\n');
    assert.ok(s.some((x) => x.name === 'teacher'));
  });
  it('an empty document has none', () => {
    assert.deepEqual(documentSymbols(''), []);
  });
});

describe('folding ranges', () => {
  const ranges = foldingRanges(fullConfig);
  const has = (start: number, end: number): boolean => ranges.some((r) => r.startLine === start && r.endLine === end);
  it('sections fold to their last line', () => {
    assert.ok(has(4, 6), 'data');
    assert.ok(has(8, 18), 'teacher');
    assert.ok(has(9, 17), 'teacher.layers');
    assert.ok(has(13, 16), 'the block dense layer');
  });
  it('sequences at the key indentation fold with their key', () => {
    const text = 'distillation:\n  losses:\n  - kind: soft_kd\n    temperature: 4\n  - kind: hard_kd\n  weighting: fixed\n';
    const r = foldingRanges(text);
    assert.ok(r.some((x) => x.startLine === 1 && x.endLine === 4), JSON.stringify(r));
    assert.ok(r.some((x) => x.startLine === 2 && x.endLine === 3));
  });
  it('comment blocks fold', () => {
    const r = foldingRanges('# one\n# two\n# three\nversion: 1\n');
    assert.deepEqual(r, [{ startLine: 0, endLine: 2, kind: 'comment' }]);
  });
  it('block scalars fold with their key', () => {
    const r = foldingRanges('name: x\nnotes: |\n  first\n    second\nseed: 1\n');
    assert.ok(r.some((x) => x.startLine === 1 && x.endLine === 3));
  });
});
