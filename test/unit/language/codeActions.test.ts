import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnostic, TextEdit } from '../../../src/core/config/diagnostics';
import { validateConfig } from '../../../src/core/config/validate';
import { codeActions, pointerToPath } from '../../../src/core/language/codeActions';
import { positionToOffset } from '../../../src/core/language/cursorContext';
import { fullConfig, projectContext } from './cursorFixture';

function apply(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => positionToOffset(text, b.range.start) - positionToOffset(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, positionToOffset(out, e.range.start)) + e.newText + out.slice(positionToOffset(out, e.range.end));
  return out;
}

function diagnosticsOf(text: string, code: string): Diagnostic[] {
  const found = validateConfig(text, {}).diagnostics.filter((d) => d.code === code);
  assert.ok(found.length > 0, `the validator reports ${code}`);
  return found;
}

/** The same diagnostics without the validator's fixes: the language layer must compute them. */
const withoutFixes = (ds: Diagnostic[]): Diagnostic[] => ds.map((d) => ({ ...d, fixes: undefined }));

const cases: { name: string; code: string; broken: string; expectLine: RegExp }[] = [
  { name: 'unknown key', code: 'unknown-key', broken: fullConfig.replace('  epochs: 5', '  epohcs: 5'), expectLine: /^ {2}epochs: 5$/m },
  { name: 'unknown enum value', code: 'enum', broken: fullConfig.replace('weighting: fixed', 'weighting: fixd'), expectLine: /^ {2}weighting: fixed$/m },
  { name: 'unknown layer type', code: 'unknown-layer-type', broken: fullConfig.replace('    - flatten: {}\n    - dense: {units: 128', '    - flaten: {}\n    - dense: {units: 128'), expectLine: /^ {4}- flatten: \{\}\n {4}- dense: \{units: 128/m },
  { name: 'unknown layer name', code: 'unknown-layer', broken: fullConfig.replace('student_layer: hidden', 'student_layer: hiden'), expectLine: /student_layer: hidden$/m },
  { name: 'loss kind typo', code: 'enum', broken: fullConfig.replace('kind: soft_kd', 'kind: sotf_kd'), expectLine: /kind: soft_kd$/m },
];

describe('quick fixes', () => {
  for (const c of cases) {
    it(`${c.name}: the validator's fix becomes a preferred action`, async () => {
      const ds = diagnosticsOf(c.broken, c.code);
      const actions = await codeActions(c.broken, ds, projectContext);
      assert.ok(actions.length >= 1);
      assert.equal(actions[0].preferred, true);
      assert.equal(actions[0].diagnostic, ds[0]);
      assert.match(apply(c.broken, actions[0].edits), c.expectLine);
    });
    it(`${c.name}: computed here when the validator gives no fix`, async () => {
      const ds = withoutFixes(diagnosticsOf(c.broken, c.code));
      const actions = await codeActions(c.broken, ds, projectContext);
      assert.equal(actions.length, 1, JSON.stringify(actions));
      assert.match(actions[0].title, /^Change to '/);
      assert.match(apply(c.broken, actions[0].edits), c.expectLine);
    });
  }

  it('missing required key: inserted at the mapping indentation (computed)', async () => {
    const broken = fullConfig.replace('      teacher_layer: penultimate\n', '');
    const ds = withoutFixes(diagnosticsOf(broken, 'missing-key'));
    const actions = await codeActions(broken, ds, projectContext);
    assert.equal(actions[0].title, "Add 'teacher_layer'");
    assert.equal(actions.length, 2, 'the computed fix uses the first name; the second name is an extra action');
    const fixed = apply(broken, actions[0].edits);
    assert.match(fixed, /\n {6}projection: linear\n {6}teacher_layer: features\n/);
    assert.equal(validateConfig(fixed, {}).diagnostics.filter((d) => d.severity === 'error').length, 0);
  });
  it('missing required key in a flow mapping (computed)', async () => {
    const broken = fullConfig.replace('  split: {train: 8000, test: 2000}', '  split: {train: 8000}');
    const ds = withoutFixes(diagnosticsOf(broken, 'missing-key'));
    const actions = await codeActions(broken, ds, projectContext);
    assert.match(apply(broken, actions[0].edits), /split: \{train: 8000, test: /);
  });
  it('missing required key: the validator fix is used when present, then one action per teacher layer', async () => {
    const broken = fullConfig.replace('      teacher_layer: penultimate\n', '');
    const ds = diagnosticsOf(broken, 'missing-key');
    const actions = await codeActions(broken, ds, projectContext);
    assert.match(actions[0].title, /teacher_layer/);
    assert.equal(actions[0].preferred, true);
    assert.match(apply(broken, actions[0].edits), /teacher_layer:/);
    assert.deepEqual(actions.slice(1).map((a) => a.title), ["Add 'teacher_layer: features'", "Add 'teacher_layer: penultimate'"]);
    assert.ok(actions.slice(1).every((a) => !a.preferred));
    const fixed = apply(broken, actions[2].edits);
    assert.equal(validateConfig(fixed, {}).diagnostics.filter((d) => d.severity === 'error').length, 0);
  });
  it('duplicate key: removed with its line, computed and from the validator', async () => {
    const broken = fullConfig.replace('  epochs: 5\n', '  epochs: 5\n  epochs: 6\n');
    for (const ds of [diagnosticsOf(broken, 'duplicate-key'), withoutFixes(diagnosticsOf(broken, 'duplicate-key'))]) {
      const actions = await codeActions(broken, ds, projectContext);
      const fixed = apply(broken, actions[0].edits);
      assert.equal(fixed, fullConfig);
    }
  });
  it('duplicate key in a flow mapping (computed)', async () => {
    const broken = fullConfig.replace('{name: adam, learning_rate: 0.001}', '{name: adam, learning_rate: 0.001, name: sgd}');
    const ds = withoutFixes(diagnosticsOf(broken, 'duplicate-key'));
    const actions = await codeActions(broken, ds, projectContext);
    assert.match(apply(broken, actions[0].edits), /optimizer: \{name: adam, learning_rate: 0\.001\}/);
  });
  it('no action for a diagnostic that has no fix and no computable one', async () => {
    const d: Diagnostic = { severity: 'error', code: 'type', message: 'x', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, pointer: '/version' };
    assert.deepEqual(await codeActions(fullConfig, [d], projectContext), []);
  });
  it('pointers become paths with indices', () => {
    assert.deepEqual(pointerToPath('/distillation/losses/2/a~1b'), ['distillation', 'losses', 2, 'a/b']);
  });
});
