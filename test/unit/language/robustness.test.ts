// Every cursor position of complete and broken documents: completion and hover never throw,
// and whatever they return replaces text on the cursor's line, around the cursor.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete } from '../../../src/core/language/completion';
import { cursorContext } from '../../../src/core/language/cursorContext';
import { hover } from '../../../src/core/language/hover';
import { documentSymbols, foldingRanges } from '../../../src/core/language/symbols';
import { fullConfig, projectContext } from './cursorFixture';

const documents: Record<string, string> = {
  full: fullConfig,
  truncatedMidKey: fullConfig.slice(0, fullConfig.indexOf('temperature') + 5),
  unclosedFlow: fullConfig.replace('{units: 128, activation: relu, name: hidden}', '{units: 128, activation: relu, name: hid'),
  tabs: fullConfig.replace(/^( +)/gm, (m) => '\t'.repeat(m.length / 2)),
  crlf: fullConfig.replace(/\n/g, '\r\n'),
  junk: 'version: 1\n  : : -\n- - [ {\n"unterminated\nkey: \'x\n  - kind:\n\t\tstudent_layer:\n#',
  blockScalars: 'name: x\nnotes: |\n  - kind: not a key\n  teacher_layer: text\nseed: 3\n',
};

describe('every position', () => {
  for (const [name, text] of Object.entries(documents)) {
    it(`${name}: completion and hover are safe everywhere`, async () => {
      const lines = text.split(/\r?\n/);
      let offered = 0;
      for (let line = 0; line < lines.length; line++) {
        for (let character = 0; character <= lines[line].length; character += name === 'junk' || name === 'blockScalars' ? 1 : 3) {
          const pos = { line, character };
          const entries = await complete(text, pos, projectContext);
          offered += entries.length;
          for (const e of entries) {
            assert.equal(e.range.start.line, line, `${name} ${line}:${character} ${e.label}`);
            assert.ok(e.range.start.character <= character && e.range.end.character >= character, `${name} ${line}:${character} ${e.label}`);
          }
          const h = await hover(text, pos, projectContext);
          if (h) assert.equal(h.range.start.line, line);
        }
      }
      assert.ok(offered > 0, `${name}: something was offered somewhere`);
      documentSymbols(text);
      foldingRanges(text);
    });
  }
  it('text of a block scalar is not completed as keys', async () => {
    const text = documents.blockScalars;
    assert.equal(cursorContext(text, { line: 2, character: 9 }).mode, 'none');
    assert.deepEqual(await complete(text, { line: 3, character: 17 }, projectContext), []);
  });
});
