import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hover } from '../../../src/core/language/hover';
import { lossDocs } from '../../../src/core/language/lossDocs';
import { lossKinds } from '../../../src/core/config/schemaInfo';
import { at, fullConfig, inFull, projectContext } from './cursorFixture';

async function hoverText(marked: string): Promise<string | undefined> {
  const { text, position } = at(marked);
  return (await hover(text, position, projectContext))?.contents;
}

describe('hover', () => {
  it('a top-level key shows its description', async () => {
    const h = await hoverText(inFull('\nse'));
    assert.match(h ?? '', /\*\*seed\*\*/);
    assert.match(h ?? '', /Random seed/);
    assert.match(h ?? '', /Default: `42`/);
  });
  it('a loss kind value shows title, formula and paper', async () => {
    const h = await hoverText(inFull('kind: soft_', 'kind: soft_'));
    assert.match(h ?? '', /soft_kd/);
    assert.match(h ?? '', /Formula: `KD = T²/);
    assert.match(h ?? '', /Hinton/);
    assert.match(h ?? '', /`temperature` \(default `4`\)/);
  });
  it('the range covers the whole word', async () => {
    const { text: t2, position: p2 } = at('distillation:\n  losses:\n    - kind: dk|d\n');
    const h = await hover(t2, p2, projectContext);
    assert.deepEqual(h?.range, { start: { line: 2, character: 12 }, end: { line: 2, character: 15 } });
    assert.match(h?.contents ?? '', /Decoupled/);
  });
  it('an option of a loss kind', async () => {
    const h = await hoverText('distillation:\n  losses:\n    - kind: hint\n      proj|ection: linear');
    assert.match(h ?? '', /Trainable map/);
    assert.match(h ?? '', /Default: `linear`/);
  });
  it('an enum value shows its own description', async () => {
    const h = await hoverText('distillation:\n  losses:\n    - kind: hint\n      projection: conv|1x1');
    assert.match(h ?? '', /1x1 convolution/);
  });
  it('a layer type', async () => {
    const h = await hoverText(inFull('    - conv', '    - conv'));
    assert.match(h ?? '', /2-D convolution/);
  });
  it('a key inside a flow mapping', async () => {
    const h = await hoverText(inFull('{filters: 32, ker', '{filters: 32, ker'));
    assert.match(h ?? '', /Kernel size/);
  });
  it('a layer name value says which layer it is', async () => {
    const h = await hoverText(inFull('teacher_layer: penult', 'teacher_layer: penult'));
    assert.match(h ?? '', /teacher layer 3 \(`dense`\)/);
  });
  it('an unknown layer name lists the declared ones', async () => {
    const text = fullConfig.replace('student_layer: hidden', 'student_layer: hiden|');
    const h = await hoverText(text);
    assert.match(h ?? '', /no student layer has this name/);
    assert.match(h ?? '', /`hidden`, `out`/);
  });
  it('an unknown key gives no hover', async () => {
    assert.equal(await hoverText('training:\n  epochz|: 3'), undefined);
  });
  it('whitespace gives no hover', async () => {
    assert.equal(await hoverText('training:\n |  epochs: 3'), undefined);
  });
  it('works in a broken document', async () => {
    const h = await hoverText('name: [broken\ntraining:\n  optimizer:\n    learning_ra|te: 0.1\n  epochs: {');
    assert.match(h ?? '', /learning rate/i);
  });
  it('every loss kind of the schema has docs, with a formula', () => {
    for (const k of lossKinds) {
      const doc = lossDocs[k as keyof typeof lossDocs];
      assert.ok(doc, k);
      assert.ok(doc.formula.length > 5 && doc.title.length > 5, k);
    }
    assert.deepEqual(Object.keys(lossDocs).sort(), [...lossKinds].sort());
  });
});
