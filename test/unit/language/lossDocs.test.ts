// The hover table in core must say what the trainer's loss registry says.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { lossDocs } from '../../../src/core/language/lossDocs';
import { lossKinds as schemaKinds } from '../../../src/core/config/schemaInfo';
import { getLossDefinition, lossKinds } from '../../../src/trainer/losses/registry';

it('lossDocs agree with the trainer registry and the schema', () => {
  assert.deepEqual(Object.keys(lossDocs).sort(), [...lossKinds].sort());
  assert.deepEqual(Object.keys(lossDocs).sort(), [...schemaKinds].sort());
  for (const kind of lossKinds) {
    const def = getLossDefinition(kind);
    const doc = lossDocs[kind];
    assert.equal(doc.title, def.title, kind);
    assert.equal(doc.formula, def.formula, kind);
    assert.equal(doc.paper, def.paper, kind);
  }
});
