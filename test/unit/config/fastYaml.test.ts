// Differential test of the fast config parser against the yaml package: on every input, the
// fast path either declines or builds the same nodes (kinds, flow flags, ranges of every node
// and key, scalar values / types / sources / formats), the same document range, the same plain
// data as doc.toJS() and the same duplicate-key verdict. Inputs: the examples, the bench
// configs, the test fixtures, hand-written edge cases and seeded mutations of all of them.
// More variants or another seed: FAST_YAML_VARIANTS=20000 FAST_YAML_SEED=7.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, visit, type Document } from 'yaml';
import { fastParseConfig } from '../../../src/core/config/fastYaml';
import { parseConfigText } from '../../../src/core/config/parse';
import { validateConfig } from '../../../src/core/config/validate';
import { largeConfig } from '../../../bench/validate.bench';
import { config300 } from '../../../bench/probes/validate';
import { exampleFiles, exampleText } from './fixtures';
import { mulberry32 } from '../../../src/trainer/data/random';

const VARIANTS = Number(process.env.FAST_YAML_VARIANTS ?? 3000);
const SEED = Number(process.env.FAST_YAML_SEED ?? 20240611);

type AnyNode = { range?: number[]; flow?: boolean; items?: unknown[]; [k: string]: unknown };

/** First difference between two node trees, or undefined. */
function nodeDiff(a: unknown, b: unknown, path: string): string | undefined {
  const kind = (n: unknown) => (isScalar(n) ? 'scalar' : isMap(n) ? 'map' : isSeq(n) ? 'seq' : String((n as object)?.constructor?.name ?? n));
  if (kind(a) !== kind(b)) return `${path}: ${kind(a)} vs ${kind(b)}`;
  const x = a as AnyNode;
  const y = b as AnyNode;
  if (!isDeepStrictEqual(x.range, y.range)) return `${path}: range ${JSON.stringify(x.range)} vs ${JSON.stringify(y.range)}`;
  if (isScalar(a)) {
    for (const k of ['value', 'type', 'source', 'format', 'minFractionDigits']) {
      if (!Object.is(x[k], y[k])) return `${path}: ${k} ${String(x[k])} vs ${String(y[k])}`;
    }
    return undefined;
  }
  if (x.flow !== y.flow) return `${path}: flow ${x.flow} vs ${y.flow}`;
  if (x.items!.length !== y.items!.length) return `${path}: ${x.items!.length} vs ${y.items!.length} items`;
  for (let i = 0; i < x.items!.length; i++) {
    const p = x.items![i];
    const q = y.items![i];
    if (isPair(p) !== isPair(q)) return `${path}[${i}]: pair vs not`;
    const d = isPair(p) && isPair(q)
      ? nodeDiff(p.key, q.key, `${path}[${i}].key`) ?? nodeDiff(p.value, q.value, `${path}[${i}].value`)
      : nodeDiff(p, q, `${path}[${i}]`);
    if (d) return d;
  }
  return undefined;
}

/** Whether some mapping repeats a key, compared as parse.ts's duplicateKeys compares them. */
function yamlHasDuplicates(doc: Document): boolean {
  let dup = false;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) dup = true;
        seen.add(key);
      }
    },
  });
  return dup;
}

/** 'fast' when the fast path took the text and agrees with yaml, 'slow' when it declined; throws on any disagreement. */
function check(text: string, label: string): 'fast' | 'slow' {
  const fast = fastParseConfig(text);
  if (!fast) return 'slow';
  const where = `${label}: ${JSON.stringify(text.length > 400 ? text.slice(0, 400) + '...' : text)}`;
  const docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false }) as Document[];
  assert.ok(Array.isArray(docs) && docs.length === 1, `fast path took ${docs.length} documents: ${where}`);
  const doc = docs[0];
  assert.deepEqual([...doc.errors, ...doc.warnings].map((e) => `${e.code}: ${e.message}`), [], `fast path took a text yaml reports: ${where}`);
  assert.deepEqual(fast.doc.range, doc.range, `document range: ${where}`);
  assert.equal(Boolean(fast.doc.directives?.docStart), Boolean(doc.directives?.docStart), `--- marker: ${where}`);
  const d = nodeDiff(fast.doc.contents, doc.contents, '$');
  assert.equal(d, undefined, `${d}: ${where}`);
  assert.deepStrictEqual(fast.data, doc.toJS(), `data: ${where}`);
  assert.deepStrictEqual(fast.doc.toJS(), fast.data, `the fast document's own toJS: ${where}`);
  assert.equal(fast.hasDuplicateKeys, yamlHasDuplicates(doc), `duplicate keys: ${where}`);
  return 'fast';
}

type Rand = () => number;
const pick = <T,>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, n: number) => Math.floor(r() * n);

/** Scalars whose resolution (or rejection) differs in small ways: yaml's core schema decides. */
const SCALARS = [
  '1', '0', '-1', '+1', '007', '1_000', '1e-3', '1E3', '-0.5', '.5', '0.50', '1.', '-0', '1e400', '99999999999999999999',
  '0o17', '0o8', '0x1F', '0xg', '0b11', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', 'nan', 'inf',
  'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'yes', 'no', 'on', 'off', 'y', 'n',
  'null', 'Null', 'NULL', 'nUll', '~', '', '2001-12-14', '12:30', '1:2', 'a#b', 'a #b', 'x y', 'x  y', '-x', '-', '--x', '-.5', '-.x',
  '<<', '__proto__', 'constructor', 'toString', 'a: b', 'a:b', 'a:', ':a', '?a', '? a', 'a,b', 'a]b', 'a}b', 'a[0]', 'a{b}', 'http://x.y/z',
  '[1, 2]', '{a: 1}', '[]', '{}', '[ ]', '{ }', '[a, [b, c]]', '{a: {b: 1}}', '{ a: 1 , b: 2 }', '[ x , y ]', '[x,y]', '{a: 1,b: 2}', '{a:1}',
  '[a, ]', '[, a]', '{a: }', '{a}', '[a: b]', '{"a": 1}', '{"a":1}', "{'a': 'b'}", '[1, {a: [2, {b: 3}]}]', '[a #b]', '[a, b] #c', '[a, b]#c', '{a: 1} x',
  "'it''s'", "''", '""', '"q\\"q"', '"\\x41\\u00e9\\U0001F600"', '"\\t\\n\\\\\\/"', '"\\q"', '"\\x4"', '"a # b"', "'a # b'", '"a" b', '"a"#c', '"open', "'open",
  'é', '😀', 'Ω ✓', 'a\u00a0b', '&a x', '*a', '!tag x', '!!str 1', '|', '>', '%x', '@x', '`x', ', x', '#x', '- x', '-- x',
];
const KEYS = ['k', 'my key', 'a b c', '"quoted key"', "'single'", '"a: b"', '1', '1.0', 'true', 'null', '~', '__proto__', 'constructor', 'a-b', 'a_b', 'a.b', '-k', '<<', 'k#x', '"k#x"', 'a[0]', 'x'.repeat(1030)];

const lines = (t: string) => t.split('\n');
const contentLines = (ls: string[]) => ls.map((l, i) => [l, i] as const).filter(([l]) => /\S/.test(l) && !/^\s*#/.test(l));

const mutations: Record<string, (text: string, r: Rand) => string> = {
  reindent: (t, r) => {
    const f = pick(r, [2, 3]);
    return lines(t).map((l) => {
      const m = /^( *)(- +)?(.*)$/s.exec(l)!;
      const indent = ' '.repeat(m[1].length * f);
      return m[2] ? `${indent}-${' '.repeat(m[2].length * f - 1)}${m[3]}` : indent + m[3];
    }).join('\n');
  },
  insertComment: (t, r) => {
    const ls = lines(t);
    ls.splice(int(r, ls.length + 1), 0, ' '.repeat(int(r, 12)) + pick(r, ['#', '# note', '#: x', '# - y', '# "q" \'s\'']));
    return ls.join('\n');
  },
  insertCommentRun: (t, r) => {
    const ls = lines(t);
    const run: string[] = [];
    for (let i = int(r, 4) + 1; i > 0; i--) run.push(r() < 0.3 ? ' '.repeat(int(r, 3)) : ' '.repeat(int(r, 10)) + '# c');
    ls.splice(int(r, ls.length + 1), 0, ...run);
    return ls.join('\n');
  },
  insertBlank: (t, r) => { const ls = lines(t); ls.splice(int(r, ls.length + 1), 0, ' '.repeat(int(r, 3) * int(r, 4))); return ls.join('\n'); },
  trailingComment: (t, r) => {
    const ls = lines(t);
    const c = contentLines(ls);
    if (!c.length) return t;
    const [l, i] = pick(r, c);
    ls[i] = l + pick(r, [' # c', '   #', '#c', ' #: x', '  # "x"']);
    return ls.join('\n');
  },
  trailingSpaces: (t, r) => { const ls = lines(t); const i = int(r, ls.length); ls[i] += ' '.repeat(1 + int(r, 3)); return ls.join('\n'); },
  swapValue: (t, r) => {
    const ls = lines(t);
    const c = contentLines(ls).filter(([l]) => /:( |$)/.test(l));
    if (!c.length) return t;
    const [l, i] = pick(r, c);
    ls[i] = l.replace(/:( +[^#]*?)?( +#.*)?$/, (_m, _v, comment) => `: ${pick(r, SCALARS)}${comment ?? ''}`);
    return ls.join('\n');
  },
  swapFlowValue: (t, r) => {
    const ls = lines(t);
    const c = contentLines(ls).filter(([l]) => /\{.*: /.test(l));
    if (!c.length) return t;
    const [l, i] = pick(r, c);
    const values = [...l.matchAll(/: ([^,{}[\]]+)(?=[,}])/g)];
    if (!values.length) return t;
    const m = pick(r, values);
    const at = m.index! + 2;
    ls[i] = l.slice(0, at) + pick(r, SCALARS.filter((s) => s !== '')) + l.slice(at + m[1].length);
    return ls.join('\n');
  },
  quoteValue: (t, r) => {
    const ls = lines(t);
    const c = contentLines(ls).filter(([l]) => /: [\w.-]+\s*(#.*)?$/.test(l));
    if (!c.length) return t;
    const [l, i] = pick(r, c);
    const q = pick(r, ['"', "'"]);
    ls[i] = l.replace(/: ([\w.-]+)/, (_m, v) => `: ${q}${v}${r() < 0.3 ? ' # not a comment' : ''}${q}`);
    return ls.join('\n');
  },
  renameKey: (t, r) => {
    const ls = lines(t);
    const c = contentLines(ls).filter(([l]) => /^ *(- +)?[\w]+:( |$)/.test(l));
    if (!c.length) return t;
    const [l, i] = pick(r, c);
    ls[i] = l.replace(/^( *(?:- +)?)[\w]+:/, (_m, pre) => `${pre}${pick(r, KEYS)}${pick(r, [':', ' :', '  :'])}`);
    return ls.join('\n');
  },
  emptyValue: (t, r) => {
    const ls = lines(t);
    const c = contentLines(ls).filter(([l]) => /: \S/.test(l) && !/\{/.test(l));
    if (!c.length) return t;
    const [l, i] = pick(r, c);
    ls[i] = l.replace(/: .*$/, pick(r, [':', ': ', ':   ', ': # c']));
    return ls.join('\n');
  },
  duplicateKeyLine: (t, r) => {
    const ls = lines(t);
    const c = contentLines(ls).filter(([l]) => /^ *\w+: \S/.test(l));
    if (!c.length) return t;
    const [l, i] = pick(r, c);
    ls.splice(i + 1, 0, l.replace(/: .*$/, ': 2'));
    return ls.join('\n');
  },
  flowToBlock: (t, r) => {
    const ls = lines(t);
    const c = contentLines(ls).filter(([l]) => /^ *\w+: \{[^{}[\]]+\}\s*$/.test(l));
    if (!c.length) return t;
    const [l, i] = pick(r, c);
    const m = /^( *)(\w+): \{([^}]*)\}/.exec(l)!;
    const step = pick(r, [1, 2, 4]);
    const entries = m[3].split(',').map((e) => `${m[1]}${' '.repeat(step)}${e.trim()}`);
    ls.splice(i, 1, `${m[1]}${m[2]}:`, ...entries);
    return ls.join('\n');
  },
  seqAtKeyIndent: (t, r) => {
    // `key:\n  - a` -> `key:\n- a` (a block sequence at its key's indent)
    const ls = lines(t);
    const starts = ls.map((l, i) => i).filter((i) => /^ *\w+:\s*(#.*)?$/.test(ls[i]) && /^ *- /.test(ls[i + 1] ?? ''));
    if (!starts.length) return t;
    const i = pick(r, starts);
    const keyIndent = /^ */.exec(ls[i])![0].length;
    const seqIndent = /^ */.exec(ls[i + 1])![0].length;
    const shift = seqIndent - keyIndent;
    for (let j = i + 1; j < ls.length; j++) {
      const ind = /^ */.exec(ls[j])![0].length;
      if (/\S/.test(ls[j]) && ind < seqIndent) break;
      ls[j] = ls[j].slice(Math.min(shift, ind));
    }
    return ls.join('\n');
  },
  deleteLine: (t, r) => { const ls = lines(t); ls.splice(int(r, ls.length), 1); return ls.join('\n'); },
  duplicateLine: (t, r) => { const ls = lines(t); const i = int(r, ls.length); ls.splice(i, 0, ls[i]); return ls.join('\n'); },
  shuffleIndent: (t, r) => { const ls = lines(t); const i = int(r, ls.length); ls[i] = ' '.repeat(int(r, 8)) + ls[i].trimStart(); return ls.join('\n'); },
  truncate: (t, r) => t.slice(0, int(r, t.length + 1)),
  noFinalNewline: (t) => t.replace(/\n+$/, ''),
  extraFinalLines: (t, r) => t + pick(r, ['\n', '\n\n', '   \n', '# end\n', '  # end', '\n    # deep end\n']),
  unicode: (t, r) => { const at = int(r, t.length); return t.slice(0, at) + pick(r, ['é', '😀', '\u0000', '\u200b', '\ufeff', '\u2028', '\u0085', '\ud800', '\t', '\r', '"', "'", '{', '[', ':', '-', '#', '&', '*', '!', '|', '>', '%', '@', '`', ' ']) + t.slice(at); },
  documentMarkers: (t, r) => { const ls = lines(t); ls.splice(int(r, ls.length), 0, pick(r, ['---', '...', '%YAML 1.2', '? complex', '- item', '--- # c'])); return ls.join('\n'); },
  leadingDocStart: (t, r) => pick(r, ['---\n', '--- # c\n', '# c\n---\n', '\n---\n\n', '---  \n', '---x\n']) + t,
  crlf: (t) => t.replace(/\n/g, '\r\n'),
};
const mutationNames = Object.keys(mutations);

function corpus(): Array<[string, string]> {
  const out: Array<[string, string]> = exampleFiles.map((f) => [f, exampleText(f)]);
  out.push(['bench/validate.bench.ts largeConfig', largeConfig()], ['bench/probes/validate.ts config300', config300()]);
  const dirs = [resolve(__dirname, 'fuzz-corpus'), resolve(__dirname, '../../e2e/fixtures')];
  for (const dir of dirs) {
    for (const f of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) out.push([f, readFileSync(join(dir, f), 'utf8')]);
  }
  return out;
}

test('every example and both bench configs take the fast path, and it agrees with yaml', () => {
  for (const f of exampleFiles) assert.equal(check(exampleText(f), f), 'fast', `${f} fell back to the yaml package`);
  assert.equal(check(largeConfig(), 'largeConfig'), 'fast', 'the validate.bench.ts config fell back to the yaml package');
  assert.equal(check(config300(), 'config300'), 'fast', 'the probes/validate.ts config fell back to the yaml package');
  assert.equal(check(largeConfig().replace(/\n/g, '\r\n'), 'largeConfig CRLF'), 'fast');
});

test('test fixtures and the fuzz corpus: fast path agrees or declines', () => {
  for (const [name, text] of corpus()) check(text, name);
});

const EDGE_CASES: Array<[string, 'fast' | 'slow' | 'either']> = [
  ['a: 1\n', 'fast'],
  ['a: 1', 'fast'],
  ['a: 1   ', 'fast'],
  ['a: 1 # c', 'fast'],
  ['a:\n', 'fast'],
  ['a:', 'fast'],
  ['a:   \nb: 1\n', 'fast'],
  ['a:\n\n\nb: 1\n', 'fast'],
  ['a:\n  b:\n\n\nc: 1\n', 'fast'],
  ['a:\n  b:\nc:\n', 'fast'],
  ['a: # c\nb: 1\n', 'slow'],
  ['a:\n  # c\nb: 1\n', 'slow'],
  ['a:\n# c\nb: 1\n', 'slow'],
  ['a: # c\n  b: 1\n', 'fast'],
  ['a:\n  # c\n\n  b: 1\n', 'fast'],
  ['a: 1\n  # deeper\nb: 2\n', 'fast'],
  ['a: 1\n\n  # deeper\n\n  # again\n\nb: 2\n', 'fast'],
  ['a:\n  b: 1\n  # same\nc: 2\n', 'fast'],
  ['a:\n  b: 1\n # between\nc: 2\n', 'fast'],
  ['a:\n  b: 1\n# top\n  # same\nc: 2\n', 'fast'],
  ['a:\n  b: 1\n      # deep\n  # same\n# top\n', 'fast'],
  ['a:\n  b:\n    c: 1\n    # c\n  # b\n# a\nd: 1\n', 'fast'],
  ['a:\n  b:\n    c: 1\n  # b\n    # c\nd: 1\n', 'fast'],
  ['a:\n  - x\n  # c\nb: 1\n', 'fast'],
  ['a:\n  - x\n    # c\n  - y\n', 'fast'],
  ['a:\n  - k: 1\n    # in map\n  # in seq\n  - k: 2\n', 'fast'],
  ['a:\n  - k: 1\n    j: 2\n    # in map\nb: 1\n', 'fast'],
  ['a:\n  - k: 1\n      # deeper\n  - k: 2\n', 'fast'],
  ['a:\n- x\n- y\nb: 1\n', 'fast'],
  ['a:\n- x\n  # c\nb: 1\n', 'fast'],
  ['a:\n  b:\n  - x\n  # c\n  c: 1\n', 'fast'],
  ['a:\n  b:\n  - x\n  # c\nd: 1\n', 'fast'],
  ['a: {x: 1, y: [1, 2, {z: q}]}   # c\n  # deeper\nb: [ ]\n', 'fast'],
  ['a: { x: 1 , y: 2 }\nb: [ a , "b" , \'c\' ]\n', 'fast'],
  ['a: [[1, 2], [3]]\n', 'fast'],
  ['a: "x # y"  # z\nb: \'it\'\'s\'\n', 'fast'],
  ['"a b": 1\n\'c\' : 2\nd e: 3\n', 'fast'],
  ['a: 1\na: 2\n', 'fast'],
  ['a: {x: 1, x: 2}\n', 'fast'],
  ['~: 1\n"": 2\nnull: 3\n', 'fast'],
  ['~: 1\n"": 2\n', 'fast'],
  ['a: {~: 1, "": 2}\nb: {1: x, "1": y}\n', 'fast'],
  ['__proto__: 1\nconstructor: {a: 1}\n', 'fast'],
  ['---\na: 1\n', 'fast'],
  ['# c\n\n---\n# d\na: 1\n', 'fast'],
  ['a: 1\r\nb:\r\n  - x # c\r\n  # d\r\n', 'fast'],
  ['a: 1\n---\nb: 2\n', 'slow'],
  ['a: 1\n...\n', 'slow'],
  ['- a\n- b\n', 'slow'],
  ['x\n', 'slow'],
  ['', 'slow'],
  ['# only\n', 'slow'],
  ['  a: 1\n', 'slow'],
  ['a: &x 1\nb: *x\n', 'slow'],
  ['a: !!str 1\n', 'slow'],
  ['a: |\n  x\n', 'slow'],
  ['a: b\n  c\n', 'slow'],
  ['a:\tb\n', 'slow'],
  ['a: [1,\n  2]\n', 'slow'],
  ['a: "x\n  y"\n', 'slow'],
  ['? a\n: b\n', 'slow'],
  ['%YAML 1.2\n---\na: 1\n', 'slow'],
  ['a: b: c\n', 'slow'],
  ['a:\n  b: 1\n c: 2\n', 'slow'],
  ['a:\n  - x\n  b: 1\n', 'slow'],
  ['a:\r  b\n', 'slow'],
  ['\ufeffa: 1\n', 'slow'],
  // Deep nesting: fine up to the fast path's limit; far beyond it yaml's recursion overflows.
  [Array.from({ length: 30 }, (_, i) => `${'  '.repeat(i)}- k${i}:\n`).join('').replace(/^- /, 'a:\n- '), 'fast'],
  [Array.from({ length: 600 }, (_, i) => `${'  '.repeat(i)}- k${i}:\n`).join('').replace(/^- /, 'a:\n- '), 'slow'],
  ['a: ' + '['.repeat(40) + ']'.repeat(40) + '\n', 'fast'],
];

test('edge cases: comments around values and collections, empty values, flow, quotes, markers', () => {
  for (const [text, expected] of EDGE_CASES) {
    const got = check(text, 'edge case');
    if (expected !== 'either') assert.equal(got, expected, `expected the ${expected} path for ${JSON.stringify(text)}`);
  }
});

test(`seeded mutations (${VARIANTS}): the fast path agrees with yaml or declines`, () => {
  const r = mulberry32(SEED);
  const base = corpus().filter(([, t]) => fastParseConfig(t));
  let fast = 0;
  for (let i = 0; i < VARIANTS; i++) {
    const [name, original] = pick(r, base);
    let text = original;
    const applied: string[] = [];
    for (let k = 1 + int(r, 4); k > 0; k--) {
      const m = pick(r, mutationNames);
      applied.push(m);
      text = mutations[m](text, r);
    }
    if (check(text, `${name} after ${applied.join(', ')}`) === 'fast') fast++;
  }
  // Most mutants stay inside the subset; if they stopped doing so, this test would check little.
  assert.ok(fast > VARIANTS * 0.4, `only ${fast} of ${VARIANTS} mutants took the fast path`);
});

test('parseConfigText on the fast path: duplicate keys still reported with their fix', () => {
  const text = exampleText('mnist-kd.distill.yaml').replace('seed: 7\n', 'seed: 7\nseed: 8\n');
  assert.ok(fastParseConfig(text));
  const parsed = parseConfigText(text);
  assert.deepEqual(parsed.diagnostics.map((d) => d.code), ['duplicate-key']);
  assert.ok(validateConfig(exampleText('mnist-kd.distill.yaml')).config);
});
