// docs/config.md is generated from the schema; a stale committed copy fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderConfigDoc, configDocPath, validatorPath } from '../../../scripts/gen-config-doc';
import { generateValidatorSource } from '../../../src/core/config/schemaValidatorCodegen';
import { diagnosticCodes } from '../../../src/core/config/codes';

test('docs/config.md is up to date (regenerate: npx tsx scripts/gen-config-doc.ts)', () => {
  assert.equal(readFileSync(configDocPath, 'utf8'), renderConfigDoc());
});

test('the precompiled schema validator is up to date with the schema', () => {
  assert.equal(readFileSync(validatorPath, 'utf8'), generateValidatorSource(), 'regenerate: npx tsx scripts/gen-config-doc.ts');
});

test('the doc lists every diagnostic code, every loss kind and every layer type', () => {
  const doc = renderConfigDoc();
  for (const code of Object.keys(diagnosticCodes)) assert.ok(doc.includes(`| \`${code}\` |`), code);
  for (const kind of ['soft_kd', 'dkd', 'adversarial']) assert.ok(doc.includes(`### \`${kind}\``), kind);
  for (const layer of ['conv2d', 'global_avg_pool1d', 'lstm']) assert.ok(doc.includes(`### \`${layer}\``), layer);
});

test('every code the validator emits is registered (and so documented)', () => {
  const dir = `${__dirname}/../../../src/core/config`;
  const emitted = new Set<string>();
  for (const file of ['parse.ts', 'schemaCheck.ts', 'semantic.ts', 'validate.ts']) {
    const src = readFileSync(`${dir}/${file}`, 'utf8');
    for (const m of src.matchAll(/code: ([^,]+),|err\(ctx, '([a-z0-9-]+)'/g)) {
      for (const q of (m[1] ?? `'${m[2]}'`).matchAll(/'([a-z0-9-]+)'/g)) emitted.add(q[1]);
    }
  }
  assert.ok(emitted.size > 25, `found only ${emitted.size}`);
  assert.deepEqual([...emitted].filter((c) => !(c in diagnosticCodes)), []);
});
