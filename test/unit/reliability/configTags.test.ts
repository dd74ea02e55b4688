// Configs never evaluate code: YAML tags that other loaders use to construct objects or run
// code (`!!js/function`, `!!python/object/apply`, `!import`) are inert here. The value stays
// plain data (then typed by the schema) and nothing is executed, imported or written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../../src/core/config/validate';
import { tinyYaml } from '../loop/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'distillery-tags-'));
const marker = join(dir, 'pwned');
const g = globalThis as { __distilleryPwned?: boolean };

// Each tag put where a string goes (the experiment name) and where a number goes (the seed).
const TAGS = [
  `!!js/function "function () { globalThis.__distilleryPwned = true; return 1 }"`,
  `!!js/eval "globalThis.__distilleryPwned = true"`,
  `!!python/object/apply:os.system ["touch ${marker}"]`,
  `!!python/object:__main__.Evil {cmd: "touch ${marker}"}`,
  `!import ./evil.distill.yaml`,
  `!include ./evil.distill.yaml`,
  `!!binary aGVsbG8=`,
];

writeFileSync(join(dir, 'evil.distill.yaml'), 'name: imported\n');

for (const tag of TAGS) {
  test(`tag ${tag.split(' ')[0]} is inert`, () => {
    for (const [key, valid] of [['name', /^name: tiny-blobs$/m], ['seed', /^seed: 3$/m]] as const) {
      const text = tinyYaml().replace(valid, `${key}: ${tag}`);
      const r = validateConfig(text, { path: join(dir, 'x.distill.yaml') });
      assert.equal(g.__distilleryPwned, undefined, 'no code ran');
      assert.ok(!existsSync(marker), 'no command ran');
      if (r.config) {
        // Accepted only as plain data: a primitive, never a function or constructed object.
        const v = (r.config as unknown as Record<string, unknown>)[key];
        assert.ok(['string', 'number'].includes(typeof v), `${key} is plain data, got ${typeof v}`);
        assert.notEqual(v, 'imported', 'nothing was imported');
      } else {
        assert.ok(r.diagnostics.some((d) => d.severity === 'error'), 'rejected with a diagnostic');
      }
      const errs = r.diagnostics.filter((d) => d.severity === 'error');
      for (const d of errs) assert.ok(d.message.length > 0 && !/TypeError|undefined is not/.test(d.message), d.message);
    }
  });
}

test('a number-typed key given a code tag gets a positioned type error, not a value', () => {
  const text = tinyYaml().replace(/^seed: 3$/m, 'seed: !!js/function "function () { return 3 }"');
  const r = validateConfig(text, { path: join(dir, 'x.distill.yaml') });
  assert.equal(r.config, undefined);
  const d = r.diagnostics.find((x) => x.severity === 'error' && /seed/.test(x.message));
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(d!.range.start.line, text.split('\n').findIndex((l) => l.startsWith('seed:')));
});

test('each custom tag gets a yaml-tag warning on its own line', async () => {
  const { validateConfig } = await import('../../../src/core/config/validate');
  const text = 'version: 1\nname: !!js/function "function(){}"\nseed: !import seed.js\n';
  const tags = validateConfig(text).diagnostics.filter((d) => d.code === 'yaml-tag');
  assert.deepEqual(tags.map((d) => [d.severity, d.range.start.line]), [['warning', 1], ['warning', 2]]);
  assert.match(tags[0].message, /!!js\/function is ignored/);
});
