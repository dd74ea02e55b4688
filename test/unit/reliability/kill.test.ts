// SIGKILL at seeded points (teacher stage, right after a checkpoint write, evaluation): the
// run reads as interrupted, every event written before the kill is still readable, and
// `--resume` ends completed with a comparison of the same shape as an uninterrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainerEvent } from '../../../src/core/protocol/events';
import { readEventsFile } from '../../../src/core/runs/eventsReader';
import { summariseRun } from '../../../src/core/runs/listRuns';
import { mulberry32 } from '../../../src/trainer/data/random';
import { tinyExperiment } from '../loop/fixtures';
import { killWhen, runCli, runFolders, startCli } from './cliHarness';

const SEED = Number(process.env.RELIABILITY_SEED ?? 20261128);
// A large test split makes evaluation last long enough (~0.5 s) for a 5 ms poll to land in it.
const SIZE = { epochs: 2, baseline: true, train: 300, test: 20000 } as const;

/** Keys and value kinds, recursively (arrays by their first element): "the same kind of result". */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])]));
  }
  return v === null ? 'null' : typeof v;
}

let cleanShape: unknown;
async function cleanComparisonShape(): Promise<unknown> {
  if (cleanShape) return cleanShape;
  const x = tinyExperiment(SIZE);
  const r = await runCli(['run', x.configPath, '--out', x.runsDir]);
  assert.equal(r.code, 0, r.output);
  const [dir] = runFolders(x.runsDir);
  cleanShape = shape(JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8')));
  return cleanShape;
}

const count = (events: TrainerEvent[], f: (e: TrainerEvent) => boolean) => events.filter(f).length;

/** Each kill point: a seeded condition over the events written so far. */
const POINTS: { name: string; when: (rand: () => number) => { label: string; pred: (events: TrainerEvent[]) => boolean } }[] = [
  {
    name: 'during the teacher stage',
    when: (rand) => {
      const k = Math.floor(rand() * 2); // 0: at the stage event; 1: after its first step event
      return { label: `teacher step events >= ${k}`, pred: (ev) => count(ev, (e) => e.type === 'stage' && e.stage === 'teacher') > 0 && count(ev, (e) => e.type === 'step' && e.stage === 'teacher') >= k };
    },
  },
  {
    name: 'right after a checkpoint write',
    when: (rand) => {
      const n = 1 + Math.floor(rand() * 4); // of 5 checkpoints (teacher 1, baseline 2, distill 2)
      return { label: `checkpoint #${n}`, pred: (ev) => count(ev, (e) => e.type === 'checkpoint') >= n };
    },
  },
  { name: 'during evaluation', when: () => ({ label: 'stage evaluate', pred: (ev) => ev.some((e) => e.type === 'stage' && e.stage === 'evaluate') }) },
];

for (const [i, point] of POINTS.entries()) {
  test(`SIGKILL ${point.name}: interrupted, events intact, --resume completes with the same kind of result`, { timeout: 240_000 }, async () => {
    const want = await cleanComparisonShape();
    const { label, pred } = point.when(mulberry32(SEED + i));
    const x = tinyExperiment(SIZE);
    const p = startCli(['run', x.configPath, '--out', x.runsDir]);
    const dir = await killWhen(p, x.runsDir, pred);

    assert.equal(summariseRun(dir).status, 'interrupted', `killed at ${label}`);
    const before = readEventsFile(join(dir, 'events.jsonl'));
    assert.deepEqual(before.errors, [], 'every whole line written before the kill parses');
    assert.ok(pred(before.events), `the kill point (${label}) is in the file`);
    assert.ok(!before.events.some((e) => e.type === 'finished'), 'no finished event: nothing looks complete');
    const runJson = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { status: string };
    assert.equal(runJson.status, 'running', 'run.json was never marked completed');
    // Atomic checkpoints: a kill leaves whole checkpoint folders (checkpoint.json present) or temp folders, never a half-written one in place.
    for (const name of readdirSync(join(dir, 'checkpoints')).filter((n) => !/\.(tmp|old)-\d+$/.test(n))) {
      const files = readdirSync(join(dir, 'checkpoints', name));
      assert.deepEqual(files.sort(), ['checkpoint.json', 'tensors.bin'], `checkpoints/${name} is complete`);
    }

    const r = await runCli(['run', '--resume', dir]);
    assert.equal(r.code, 0, `resume after ${label}:\n${r.output}`);
    const after = readEventsFile(join(dir, 'events.jsonl'));
    assert.deepEqual(after.errors.map((e) => e.line), before.truncatedTail ? [before.events.length + 1] : [], 'only the line cut by the kill (if any) fails to parse');
    assert.deepEqual(after.events.slice(0, before.events.length), before.events, 'events before the kill are kept as they were');
    const later = after.events.slice(before.events.length);
    assert.equal(later[0].type === 'started' && later[0].resumed, true);
    assert.equal(later.at(-1)!.type === 'finished' && later.at(-1)!.type === 'finished' && (later.at(-1) as { status: string }).status, 'completed');
    assert.equal(summariseRun(dir).status, 'completed');
    assert.deepEqual(shape(JSON.parse(readFileSync(join(dir, 'comparison.json'), 'utf8'))), want, 'the comparison has the shape of an uninterrupted run');
  });
}
