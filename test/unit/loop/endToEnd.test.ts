import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Comparison, TrainerEvent } from '../../../src/core/protocol/events';
import { readEventsFile } from '../../../src/core/runs/eventsReader';
import { summariseRun } from '../../../src/core/runs/listRuns';
import { readRunInfo } from '../../../src/core/runs/runInfo';
import { runExperiment } from '../../../src/trainer/loop/experiment';
import Ajv from 'ajv';
import { tinyExperiment } from './fixtures';

const validateEvent = new Ajv({ strict: false }).compile(JSON.parse(readFileSync(join(__dirname, '../../../schemas/events.schema.json'), 'utf8')));

test('a tiny run produces a complete run folder, and a second run reuses the cached teacher', async () => {
  const x = tinyExperiment();
  const seen: TrainerEvent[] = [];
  const r = await runExperiment({ config: x.config, configText: x.text, runsDir: x.runsDir, stop: { requested: false }, onEvent: (e) => seen.push(e) });
  assert.equal(r.status, 'completed', JSON.stringify(r.error));
  for (const f of ['config.yaml', 'run.json', 'events.jsonl', 'comparison.json', 'teacher/model.json', 'student/model.json', 'baseline/model.json', 'checkpoints/distill']) {
    assert.ok(existsSync(join(r.runDir, f)), `${f} exists`);
  }
  assert.equal(readFileSync(join(r.runDir, 'config.yaml'), 'utf8'), x.text);
  const info = readRunInfo(join(r.runDir, 'run.json'))!;
  assert.equal(info.status, 'completed');
  assert.equal(info.backend, 'cpu');
  assert.deepEqual(info.completed_stages, ['teacher', 'baseline', 'distill', 'evaluate']);
  const { events, errors } = readEventsFile(join(r.runDir, 'events.jsonl'));
  assert.equal(errors.length, 0);
  for (const e of events) assert.ok(validateEvent(e), `${e.type} matches schemas/events.schema.json: ${JSON.stringify(validateEvent.errors)}`);
  assert.deepEqual(events.map((e) => e.type), seen.map((e) => e.type), 'the file holds what listeners saw');
  assert.deepEqual(events.filter((e) => e.type === 'stage').map((e) => e.type === 'stage' && e.stage), ['teacher', 'baseline', 'distill', 'evaluate']);
  const steps = events.filter((e) => e.type === 'step');
  assert.ok(steps.length > 0);
  const lastDistill = steps.filter((e) => e.type === 'step' && e.stage === 'distill').at(-1)!;
  assert.equal(lastDistill.type === 'step' && lastDistill.step, 12, 'the last step of the epoch is always reported (200/16 → 13 steps)');
  assert.deepEqual(Object.keys(lastDistill.type === 'step' ? lastDistill.losses : {}), ['cross_entropy', 'soft_kd', 'hint']);
  const c = JSON.parse(readFileSync(join(r.runDir, 'comparison.json'), 'utf8')) as Comparison;
  assert.equal(c.dataset.test_examples, 100);
  assert.ok(c.teacher.accuracy > 0.6, `teacher learned the blobs: ${c.teacher.accuracy}`);
  assert.equal(c.student.confusion.flat().reduce((a, b) => a + b, 0), 100);
  assert.ok(c.teacher.params > c.student.params && c.student.weight_bytes > 0);
  assert.equal(c.student.latency_ms, null, 'latency off in this config');
  assert.ok(c.baseline);
  assert.equal(events.at(-1)!.type, 'finished');
  assert.equal(summariseRun(r.runDir).status, 'completed');

  const logs: string[] = [];
  const again = await runExperiment({ config: x.config, configText: x.text, runsDir: x.runsDir, stop: { requested: false }, onEvent: (e) => { if (e.type === 'log') logs.push(e.message); if (e.type === 'stage' && e.stage === 'teacher') logs.push(`stage:${e.skipped}`); } });
  assert.equal(again.status, 'completed');
  assert.ok(logs.includes('stage:cached'));
  assert.ok(logs.some((m) => /reusing the cached teacher/.test(m)), logs.join('\n'));
  const cacheRoot = join(x.dir, '.distillery', 'cache', 'teachers');
  assert.equal(readdirSync(cacheRoot).filter((n) => !n.endsWith('.lock')).length, 1, 'one cache entry, no temp folders or locks left');
});

test('a NaN loss stops the run as failed, naming the term', async () => {
  const x = tinyExperiment({ baseline: false, lr: 1e30, optimizer: 'sgd' });
  const r = await runExperiment({ config: x.config, configText: x.text, runsDir: x.runsDir, stop: { requested: false }, stepEventIntervalMs: 0 });
  assert.equal(r.status, 'failed');
  assert.match(r.error!.message, /loss term "(cross_entropy|soft_kd|hint)" became (NaN|\+Infinity)/);
  const fin = readEventsFile(join(r.runDir, 'events.jsonl')).events.at(-1)!;
  assert.equal(fin.type, 'finished');
  assert.equal(fin.type === 'finished' && fin.status, 'failed');
  assert.ok(fin.type === 'finished' && fin.error?.term && ['cross_entropy', 'soft_kd', 'hint'].includes(fin.error.term));
  assert.ok(fin.type === 'finished' && fin.error?.stack);
  assert.equal(readRunInfo(join(r.runDir, 'run.json'))!.status, 'failed');
});

test('a stop request finishes the step, checkpoints and ends stopped; resume completes it', async () => {
  const x = tinyExperiment({ epochs: 3, baseline: false });
  const stop = { requested: false };
  let distillSteps = 0;
  const r = await runExperiment({
    config: x.config, configText: x.text, runsDir: x.runsDir, stop, stepEventIntervalMs: 0,
    onEvent: (e) => { if (e.type === 'step' && e.stage === 'distill' && ++distillSteps === 20) stop.requested = true; },
  });
  assert.equal(r.status, 'stopped');
  const first = readEventsFile(join(r.runDir, 'events.jsonl')).events;
  const ck = first.filter((e) => e.type === 'checkpoint').at(-1)!;
  assert.ok(ck.type === 'checkpoint' && ck.stage === 'distill' && ck.step === 20, JSON.stringify(ck));
  assert.equal(summariseRun(r.runDir).status, 'stopped');

  const resumed = await runExperiment({ config: x.config, configText: x.text, runsDir: x.runsDir, resumeDir: r.runDir, stop: { requested: false }, stepEventIntervalMs: 0 });
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.error));
  const all = readEventsFile(join(r.runDir, 'events.jsonl')).events;
  const later = all.slice(first.length);
  assert.equal(later[0].type === 'started' && later[0].resumed, true);
  const distillSteps2 = later.filter((e) => e.type === 'step' && e.stage === 'distill');
  assert.equal(distillSteps2[0].type === 'step' && distillSteps2[0].step, 20, 'the epoch continues at the next step');
  assert.ok(later.some((e) => e.type === 'stage' && e.stage === 'teacher' && e.skipped === 'loaded'));
  assert.ok(!later.some((e) => e.type === 'step' && e.stage === 'teacher'), 'the completed teacher stage is skipped');
  assert.equal(summariseRun(r.runDir).status, 'completed');
  assert.ok(existsSync(join(r.runDir, 'comparison.json')));
});

test('a teacher given as a saved model path is loaded, not trained', async () => {
  const x = tinyExperiment({ baseline: false });
  const first = await runExperiment({ config: x.config, configText: x.text, runsDir: x.runsDir, stop: { requested: false } });
  assert.equal(first.status, 'completed');
  const saved = join(first.runDir, 'teacher', 'model.json');
  const { validateConfig } = await import('../../../src/core/config/validate');
  const text = x.text.replace(/teacher:\n  layers:\n(    - .*\n)+  train: .*\n/, `teacher:\n  path: ${saved}\n`);
  assert.notEqual(text, x.text);
  const v = validateConfig(text, { path: x.configPath });
  assert.ok(v.config, JSON.stringify(v.diagnostics));
  const events: TrainerEvent[] = [];
  const r = await runExperiment({ config: v.config!, configText: text, runsDir: x.runsDir, stop: { requested: false }, onEvent: (e) => events.push(e) });
  assert.equal(r.status, 'completed', r.error?.message);
  assert.ok(events.some((e) => e.type === 'stage' && e.stage === 'teacher' && e.skipped === 'loaded'));
  assert.ok(!events.some((e) => e.type === 'step' && e.stage === 'teacher'));
  const c1 = JSON.parse(readFileSync(join(first.runDir, 'comparison.json'), 'utf8')) as Comparison;
  const c2 = JSON.parse(readFileSync(join(r.runDir, 'comparison.json'), 'utf8')) as Comparison;
  assert.equal(c2.teacher.accuracy, c1.teacher.accuracy, 'the same teacher');
  assert.deepEqual(c2.student.confusion, c1.student.confusion, 'seeded: the same student, prediction for prediction');
  assert.ok(existsSync(join(r.runDir, 'teacher', 'model.json')), 'copied into the run');
});
