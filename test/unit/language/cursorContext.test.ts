// Where the cursor is, found by indentation and flow scanning, in documents being typed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cursorContext, offsetToPosition, positionToOffset } from '../../../src/core/language/cursorContext';
import { scanLines } from '../../../src/core/language/documentLines';
import { at } from './cursorFixture';

function ctxOf(marked: string) {
  const { text, position } = at(marked);
  return cursorContext(text, position);
}

const cases: { name: string; doc: string; mode: string; path: (string | number)[]; prefix?: string; existing?: string[] }[] = [
  { name: 'empty document', doc: '|', mode: 'key', path: [] },
  { name: 'half-typed top key', doc: 'version: 1\ndis|', mode: 'key', path: [], prefix: 'dis', existing: ['version'] },
  { name: 'blank child line', doc: 'training:\n  |', mode: 'key', path: ['training'] },
  { name: 'blank line back at the top', doc: 'training:\n  epochs: 3\n|', mode: 'key', path: [], existing: ['training'] },
  { name: '`- kind: ` with nothing after', doc: 'distillation:\n  losses:\n    - kind: |', mode: 'value', path: ['distillation', 'losses', 0, 'kind'], prefix: '' },
  { name: 'second loss item', doc: 'distillation:\n  losses:\n    - kind: a\n    - kind: b\n      weight: 1\n    - kind: |', mode: 'value', path: ['distillation', 'losses', 2, 'kind'] },
  { name: 'key under an item', doc: 'distillation:\n  losses:\n    - kind: hint\n      teacher_layer: x\n      st|', mode: 'key', path: ['distillation', 'losses', 0], prefix: 'st', existing: ['kind', 'teacher_layer'] },
  { name: 'trailing `student_layer:` with no value', doc: 'distillation:\n  losses:\n    - kind: hint\n      student_layer:|', mode: 'value', path: ['distillation', 'losses', 0, 'student_layer'] },
  { name: 'right after a dash', doc: 'teacher:\n  layers:\n    - dense: {}\n    - |', mode: 'item', path: ['teacher', 'layers', 1] },
  { name: 'half-typed layer type', doc: 'teacher:\n  layers:\n    - con|', mode: 'item', path: ['teacher', 'layers', 0], prefix: 'con' },
  { name: 'sequence at the key column', doc: 'losses:\n- kind: a\n- kind: |', mode: 'value', path: ['losses', 1, 'kind'] },
  { name: 'flow mapping key', doc: 'teacher:\n  layers:\n    - conv2d: {filters: 3, ker|}', mode: 'key', path: ['teacher', 'layers', 0, 'conv2d'], prefix: 'ker', existing: ['filters'] },
  { name: 'flow mapping value', doc: 'training:\n  optimizer: {name: ad|, learning_rate: 1}', mode: 'value', path: ['training', 'optimizer', 'name'], prefix: 'ad' },
  { name: 'keys after the cursor in the flow mapping count', doc: 'training:\n  optimizer: {|, learning_rate: 1}', mode: 'key', path: ['training', 'optimizer'], existing: ['learning_rate'] },
  { name: 'nested flow', doc: 'distillation:\n  losses:\n    - kind: attention\n      pairs: [{teacher_layer: a}, {student_layer: |}]', mode: 'value', path: ['distillation', 'losses', 0, 'pairs', 1, 'student_layer'] },
  { name: 'flow sequence item', doc: 'x:\n  hidden_units: [64, |]', mode: 'value', path: ['x', 'hidden_units', 1] },
  { name: 'tabs for indentation', doc: 'teacher:\n\ttrain:\n\t\tep|', mode: 'key', path: ['teacher', 'train'], prefix: 'ep' },
  { name: 'syntax error above', doc: 'name: [oops\nseed: {\ntraining:\n  optimizer:\n    na|', mode: 'key', path: ['training', 'optimizer'], prefix: 'na' },
  { name: 'comment lines and blank lines between', doc: 'data:\n  # the data\n\n  dataset: mnist\n\n  # split next\n  |', mode: 'key', path: ['data'], existing: ['dataset'] },
  { name: 'deeper than a key with a value falls back to its parent', doc: 'data:\n  dataset: mnist\n    |', mode: 'key', path: ['data'] },
  { name: 'item mapping continued below', doc: 'losses:\n  - |\n    weight: 1', mode: 'item', path: ['losses', 0], existing: ['weight'] },
  { name: 'CRLF line ends', doc: 'training:\r\n  epochs: 1\r\n  |', mode: 'key', path: ['training'], existing: ['epochs'] },
  { name: 'quoted key above', doc: '"training":\n  |', mode: 'key', path: ['training'] },
  { name: 'nested dashes', doc: 'm:\n  - - a\n    - |', mode: 'item', path: ['m', 0, 1] },
  { name: 'block scalar above does not confuse the path', doc: 'notes: >\n  - kind: x\n  y: z\ntraining:\n  |', mode: 'key', path: ['training'] },
];

describe('cursor context', () => {
  for (const c of cases) {
    it(c.name, () => {
      const ctx = ctxOf(c.doc);
      assert.equal(ctx.mode, c.mode);
      assert.deepEqual(ctx.path, c.path);
      if (c.prefix !== undefined) assert.equal(ctx.prefix, c.prefix);
      if (c.existing !== undefined) assert.deepEqual([...ctx.existingKeys].sort(), [...c.existing].sort());
    });
  }
  it('inside a comment: nothing', () => {
    assert.equal(ctxOf('training: # epo|').mode, 'none');
  });
  it('the discriminator of the item at the cursor is read from the lines', () => {
    const ctx = ctxOf('distillation:\n  losses:\n    - kind: dkd\n      |\n      weight: 1');
    assert.deepEqual(ctx.valueAt(['distillation', 'losses', 0]), { kind: 'dkd', weight: 1 });
  });
  it('offsets and positions convert both ways', () => {
    const text = 'a: 1\r\nbb: 2\nccc';
    for (let o = 0; o <= text.length; o++) {
      if (text[o - 1] === '\r') continue;
      assert.equal(positionToOffset(text, offsetToPosition(text, o)), o);
    }
  });
  it('block scalars are text, not structure', () => {
    const lines = scanLines('a: >-\n  b: c\n  - d\ne: 1');
    assert.deepEqual(lines.map((l) => l.structural), [true, false, false, true]);
  });
});
