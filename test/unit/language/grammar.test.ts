// The TextMate grammar and language configuration: valid JSON and regexes, and the loss
// kinds / layer types it highlights are exactly those of the schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { layerTypes, lossKinds } from '../../../src/core/config/schemaInfo';

const root = join(__dirname, '..', '..', '..');
const grammar = JSON.parse(readFileSync(join(root, 'syntaxes', 'distill-yaml.tmLanguage.json'), 'utf8'));
const langConfig = JSON.parse(readFileSync(join(root, 'language-configuration.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// Oniguruma accepts every pattern JavaScript accepts here; `\N`-style escapes are not used outside strings.
const js = (source: string): RegExp => new RegExp(source.replace(/\\N/g, 'N'));
const rule = (name: string): { match?: string; begin?: string; end?: string } => grammar.repository[name];

function alternatives(pattern: string, after: string): string[] {
  const m = pattern.match(new RegExp(`${after}\\(([a-z0-9_|]+)\\)`));
  return m ? m[1].split('|') : [];
}

describe('TextMate grammar', () => {
  it('is the grammar the manifest declares', () => {
    const g = manifest.contributes.grammars.find((x: { language: string }) => x.language === 'distill-yaml');
    assert.equal(g.scopeName, grammar.scopeName);
    assert.equal(g.path, './syntaxes/distill-yaml.tmLanguage.json');
  });
  it('every pattern compiles', () => {
    const walk = (o: unknown, where: string): void => {
      if (!o || typeof o !== 'object') return;
      for (const [k, v] of Object.entries(o)) {
        if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') assert.doesNotThrow(() => js(v), where + '.' + k);
        else walk(v, `${where}.${k}`);
      }
    };
    walk(grammar, 'grammar');
  });
  it('every include points at a rule', () => {
    const includes = JSON.stringify(grammar).match(/"include":"#([^"]+)"/g) ?? [];
    for (const inc of includes) assert.ok(grammar.repository[inc.slice(12, -1)], inc);
  });
  it('highlights exactly the schema loss kinds and layer types', () => {
    assert.deepEqual(alternatives(rule('loss-kind').match!, String.raw`\\s\+`).sort(), [...lossKinds].sort());
    assert.deepEqual(alternatives(rule('layer-type').match!, String.raw`\\s\*`).sort(), [...layerTypes].sort());
  });
  it('tells keys, loss kinds, layer types and block scalars apart', () => {
    const key = js(rule('key').match!);
    assert.equal('    teacher_layer: features'.match(key)?.[1], 'teacher_layer');
    assert.equal('  "quoted key": 1'.match(key)?.[1], '"quoted key"');
    assert.equal('  url: http://x'.match(key)?.[1], 'url');
    const kind = js(rule('loss-kind').match!);
    assert.equal('    - kind: soft_kd  # Hinton'.match(kind)?.[3], 'soft_kd');
    assert.equal('    - {kind: dkd, alpha: 1}'.match(kind)?.[3], 'dkd');
    assert.equal('    - kind: soft_kd_x'.match(kind), null);
    const layer = js(rule('layer-type').match!);
    assert.equal('    - conv2d: {filters: 32}'.match(layer)?.[1], 'conv2d');
    assert.equal('    conv2d: 3'.match(layer), null);
    const block = js(rule('block-scalar').begin!);
    assert.ok(block.test('  notes: |') && block.test('  notes: >-  # folded') && block.test('  - |'));
    assert.ok(!block.test('  a: b|c'));
    const end = rule('block-scalar').end!;
    assert.match(end, /\\1/, 'the block ends by the indentation captured at its start');
    const num = js(`^(?:${rule('number').match!})`);
    for (const n of ['1', '0.001', '1e-3', '-2', '.5', '.inf']) assert.ok(num.test(n), n);
    assert.ok(!num.test('v1.2'));
    const anchor = js(rule('anchor').match!);
    const alias = js(rule('alias').match!);
    assert.equal('base: &opt {name: adam}'.match(anchor)?.[2], 'opt');
    assert.equal('optimizer: *opt'.match(alias)?.[2], 'opt');
  });
});

describe('language configuration', () => {
  it('is the one the manifest declares', () => {
    const l = manifest.contributes.languages.find((x: { id: string }) => x.id === 'distill-yaml');
    assert.equal(l.configuration, './language-configuration.json');
    assert.deepEqual(l.filenamePatterns, ['*.distill.yaml', '*.distill.yml']);
  });
  it('has # comments, brackets and auto-closing pairs', () => {
    assert.equal(langConfig.comments.lineComment, '#');
    assert.deepEqual(langConfig.brackets, [['{', '}'], ['[', ']']]);
    assert.ok(langConfig.autoClosingPairs.some((p: { open: string }) => p.open === '"'));
  });
  it('indents after a key that opens a block, not after a key with a value', () => {
    const inc = js(langConfig.indentationRules.increaseIndentPattern);
    for (const l of ['teacher:', '  layers:', '    - dense:', '  notes: |', 'data:  # comment']) assert.ok(inc.test(l), l);
    for (const l of ['  name: foo', '    - kind: hint', '  split: {train: 1}', '# teacher:']) assert.ok(!inc.test(l), l);
  });
  it('continues a sequence item mapping at its key column', () => {
    const rule0 = langConfig.onEnterRules.find((r: { action: { appendText?: string } }) => r.action.appendText === '  ');
    assert.ok(js(rule0.beforeText).test('    - kind: hint'));
    assert.ok(!js(rule0.beforeText).test('    - dense:'));
  });
});
