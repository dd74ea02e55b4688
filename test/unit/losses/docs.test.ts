// docs/methods.md and the config schema must describe exactly what the registry implements.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lossKinds, lossRegistry } from '../../../src/trainer/losses/registry';
import { weightingRegistry } from '../../../src/trainer/losses/weighting';
import type { LossDefinition } from '../../../src/trainer/losses/types';

const root = join(__dirname, '..', '..', '..');
const methods = readFileSync(join(root, 'docs', 'methods.md'), 'utf8');
const definitions = Object.values(lossRegistry) as unknown as LossDefinition[];

/** The text of the `## \`kind\`` section, up to the next level-2 heading. */
function section(kind: string): string {
  const start = methods.indexOf(`\n## \`${kind}\`\n`);
  assert.ok(start >= 0, `docs/methods.md has no "## \`${kind}\`" section`);
  const next = methods.indexOf('\n## ', start + 1);
  return methods.slice(start, next < 0 ? undefined : next);
}

/** How a default is written in the options table. */
function shown(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return `\`${value}\``;
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

describe('docs/methods.md', () => {
  for (const def of definitions) {
    it(`documents ${def.kind}: every option with its default, the paper and the formula`, () => {
      const text = section(def.kind);
      for (const option of def.options) {
        const row = text.split('\n').find((l) => l.startsWith(`| \`${option.name}\` |`));
        assert.ok(row, `${def.kind}: option ${option.name} has no row in its options table`);
        const cell = row.split('|')[2].trim();
        if (option.default !== undefined) assert.equal(cell, shown(option.default), `${def.kind}.${option.name}: docs say ${cell}, code says ${shown(option.default)}`);
      }
      const rows = text.split('\n').filter((l) => /^\| `[a-z_]+` \|/.test(l)).map((l) => l.split('`')[1]);
      assert.deepEqual(rows, def.options.map((o) => o.name), `${def.kind}: options table rows differ from the registry's options`);
      assert.equal(text.includes('Counts as a *soft* term'), def.perExampleSoft, `${def.kind}: docs and perExampleSoft disagree on confidence weighting`);
      if (def.paper) {
        const surname = def.paper.split(',')[0].split(' ').pop()!;
        assert.ok(text.includes(surname), `${def.kind}: paper by ${surname} not cited`);
      }
    });
  }
  it('lists every kind in the overview table, and nothing else', () => {
    const overview = methods.split('\n').filter((l) => /^\| \[`[a-z_]+`\]/.test(l)).map((l) => l.split('`')[1]);
    assert.deepEqual([...overview].sort(), [...lossKinds].sort());
  });
  it('documents every weighting mode and schedule form', () => {
    for (const mode of Object.keys(weightingRegistry)) assert.ok(methods.includes(`### \`${mode}\``), `weighting ${mode}`);
    for (const form of ['constant', 'ramp', 'warmup', 'linear', 'cosine', 'epochs', 'steps', 'length']) assert.ok(methods.includes(form), form);
  });
});

describe('schemas/distill.schema.json agrees with the registry', () => {
  const schema = JSON.parse(readFileSync(join(root, 'schemas', 'distill.schema.json'), 'utf8')) as { definitions: Record<string, { properties?: Record<string, { default?: unknown }> }> };
  const common = new Set(['kind', 'id', 'weight']);
  for (const def of definitions) {
    it(`${def.kind}: same option names and defaults`, () => {
      const props = schema.definitions[`loss_${def.kind}`]?.properties;
      assert.ok(props, `schema has no definitions/loss_${def.kind}`);
      assert.deepEqual(Object.keys(props).filter((k) => !common.has(k)).sort(), def.options.map((o) => o.name).sort());
      for (const o of def.options) assert.deepEqual(props[o.name].default, o.default, `${def.kind}.${o.name} default`);
    });
  }
});
