import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outlineConfig } from '../../../src/core/runView/configOutline';

const text = `version: 1
name: mnist-kd
distillation:
  losses:
    - kind: cross_entropy
      weight: 0.1
    - {kind: soft_kd, weight: 0.9}
    - kind: soft_kd
      temperature: 8
    - kind: hint
      id: feat
  weighting: fixed
`;

test('finds name and loss terms with the ids the trainer uses', () => {
  const o = outlineConfig(text);
  assert.deepEqual(o.name, { value: 'mnist-kd', keyRange: { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } } });
  assert.deepEqual(o.losses.map((l) => [l.id, l.range.start.line, l.range.start.character]), [
    ['cross_entropy', 4, 6], ['soft_kd', 6, 6], ['soft_kd_2', 7, 6], ['feat', 9, 6],
  ]);
});

test('half-typed configs still give what can be found', () => {
  assert.deepEqual(outlineConfig('name: x\ndistillation:\n  losses:\n    - kind:\n').losses, []);
  assert.deepEqual(outlineConfig(': : :\n- [').losses, []);
  assert.equal(outlineConfig('').name, undefined);
});
