// Seeded mutation fuzzing of the example configs: the validator never throws, answers
// within 1 s, and every diagnostic lies inside the document. Inputs that once broke
// one of these live in fuzz-corpus/ and are replayed first.
// More variants: FUZZ_VARIANTS=5000; save failures to the corpus: FUZZ_SAVE=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig } from '../../../src/core/config/validate';
import { exampleFiles, exampleText } from './fixtures';
import { mulberry32 } from '../../../src/trainer/data/random';

const corpusDir = join(__dirname, 'fuzz-corpus');
const VARIANTS = Number(process.env.FUZZ_VARIANTS ?? 520);

type Rand = () => number;
const pick = <T,>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const UNICODE = ['é', '✓', '😀', '\u0000', '\u200b', '\ufeff', '\u2028', 'Ω', '\ud800', '\t', '\r', '"', "'", '{', '[', ':', '-', '#', '&', '*', '!', '|', '>', '%', '@', '`'];
const VALUES = ['~', 'null', '[]', '{}', '""', 'true', '-1', '0', '1e308', '-1e308', '.nan', '.inf', '99999999999999999999999', '0.0000001', 'x', '[1, [2, [3]]]', '{a: {b: {c: 1}}}', '!!binary aGk=', '2001-12-14', '0x1F', '*undefined_alias', '&anc 5', "'quoted'", '-5', '1.5'];

const mutations: Record<string, (text: string, r: Rand) => string> = {
  deleteLine: (t, r) => { const ls = t.split('\n'); ls.splice(Math.floor(r() * ls.length), 1); return ls.join('\n'); },
  duplicateLine: (t, r) => { const ls = t.split('\n'); const i = Math.floor(r() * ls.length); ls.splice(i, 0, ls[i]); return ls.join('\n'); },
  swapValue: (t, r) => {
    const ls = t.split('\n');
    const i = Math.floor(r() * ls.length);
    ls[i] = ls[i].replace(/(:\s*)([^\s{\[#][^,}#\]]*)/, (_, a) => a + pick(r, VALUES));
    return ls.join('\n');
  },
  unicode: (t, r) => { const at = Math.floor(r() * t.length); return t.slice(0, at) + pick(r, UNICODE) + t.slice(at); },
  truncate: (t, r) => t.slice(0, Math.floor(r() * t.length)),
  deepNesting: (t, r) => { const depth = 50 + Math.floor(r() * 2000); const nest = pick(r, ['[', '{a: ']); return t + `\nextra: ${nest.repeat(depth)}1${(nest === '[' ? ']' : '}').repeat(depth)}\n`; },
  deepBlockNesting: (t, r) => { const depth = 20 + Math.floor(r() * 200); let s = '\nnest:\n'; for (let i = 1; i <= depth; i++) s += ' '.repeat(i) + `k${i}:\n`; return t + s; },
  hugeNumber: (t, r) => t.replace(/\b\d+\b/, pick(r, ['1e400', '123456789012345678901234567890', '-0', '9'.repeat(400)])),
  negativeSize: (t, r) => t.replace(pick(r, [/units: \d+/, /epochs: \d+/, /batch_size: \d+/, /train: [\d.]+/, /filters: \d+/]), (m) => m.replace(/[\d.]+/, '-' + Math.floor(r() * 100))),
  aliasBomb: (t) => {
    let bomb = 'lol0: &l0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++) bomb += `lol${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]\n`;
    return bomb + t;
  },
  bigValue: (t, r) => t.replace('name: ', 'name: ' + 'A'.repeat(r() < 0.5 ? 10 * 1024 * 1024 : 200_000)),
  tabs: (t, r) => { const ls = t.split('\n'); const i = Math.floor(r() * ls.length); ls[i] = ls[i].replace(/^ +/, '\t'); return ls.join('\n'); },
  shuffleIndent: (t, r) => { const ls = t.split('\n'); const i = Math.floor(r() * ls.length); ls[i] = ' '.repeat(Math.floor(r() * 8)) + ls[i].trimStart(); return ls.join('\n'); },
  crlf: (t) => t.replace(/\n/g, '\r\n'),
  documentMarkers: (t, r) => { const ls = t.split('\n'); ls.splice(Math.floor(r() * ls.length), 0, pick(r, ['---', '...', '%YAML 1.2', '? complex', '- item'])); return ls.join('\n'); },
};

function checkOne(text: string): string | undefined {
  const t0 = performance.now();
  let result;
  try {
    result = validateConfig(text, { path: '/fuzz/x.distill.yaml', host: { exists: () => true, readText: () => undefined } });
  } catch (e) {
    return `threw: ${(e as Error).stack}`;
  }
  const ms = performance.now() - t0;
  if (ms > 1000) return `took ${ms.toFixed(0)} ms`;
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of result.diagnostics) {
    if (d.message.startsWith('Internal validator error')) return d.message;
    const { start, end } = d.range;
    if (start.line < 0 || start.line >= Math.max(1, lines.length) || end.line >= Math.max(1, lines.length)) return `${d.code} line ${start.line} outside 0..${lines.length - 1}`;
    if (start.character < 0 || start.character > (lines[start.line]?.length ?? 0)) return `${d.code} column ${start.character} outside line ${start.line}`;
    if (end.line < start.line || (end.line === start.line && end.character < start.character)) return `${d.code} range ends before it starts`;
  }
  if (result.config && result.diagnostics.some((d) => d.severity === 'error')) return 'config returned despite errors';
  return undefined;
}

test('regression corpus: every saved crasher now passes', () => {
  for (const f of readdirSync(corpusDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const failure = checkOne(readFileSync(join(corpusDir, f), 'utf8'));
    assert.equal(failure, undefined, `${f}: ${failure}`);
  }
});

test(`${VARIANTS} seeded mutations of the examples`, () => {
  const sources = exampleFiles.map(exampleText);
  const names = Object.keys(mutations);
  const failures: string[] = [];
  const t0 = performance.now();
  for (let seed = 1; seed <= VARIANTS; seed++) {
    const r = mulberry32(seed);
    let text = pick(r, sources);
    const applied: string[] = [];
    const n = 1 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      const name = pick(r, names);
      applied.push(name);
      text = mutations[name](text, r);
    }
    const failure = checkOne(text);
    if (failure) {
      failures.push(`seed ${seed} (${applied.join('+')}): ${failure.split('\n')[0]}`);
      if (process.env.FUZZ_SAVE && text.length < 2_000_000) writeFileSync(join(corpusDir, `seed-${seed}.yaml`), text);
    }
  }
  // Total time is logged, not asserted: the per-input 1 s bound above is the guarantee, and
  // the machine's load decides the rest (about 5 s unloaded).
  console.log(`fuzz: ${VARIANTS} variants in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  assert.deepEqual(failures, []);
});
