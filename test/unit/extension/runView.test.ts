import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainerEvent } from '../../../src/core/protocol/events';
import { applyEvent, emptyProgress, failureMessage, progressOf, statusOf } from '../../../src/core/runView/runProgress';
import { formatDuration, runEtaMs, stageEtaMs } from '../../../src/core/runView/eta';
import { formatHeadline, formatLoss, formatMetrics } from '../../../src/core/runView/headline';
import { statusBarText } from '../../../src/core/runView/statusBarText';
import { groupRuns } from '../../../src/core/runView/runGroups';

const started: TrainerEvent = {
  v: 1, t: 1000, type: 'started', run_id: '20260101-000000-mnist', experiment: 'mnist', backend: 'wasm',
  seed: 7, config_hash: 'h', versions: {}, pid: 42, run_dir: '/runs/20260101-000000-mnist',
};
const stage: TrainerEvent = { v: 1, t: 1000, type: 'stage', stage: 'distill', epochs: 5, steps_per_epoch: 100 };
const step = (n: number, t: number, total = 0.5): TrainerEvent => ({
  v: 1, t, type: 'step', stage: 'distill', epoch: Math.floor(n / 100), step: n, total, lr: 1e-3, examples_per_sec: 100,
  losses: { soft_kd: { value: 2 * total, weight: 0.9, weighted: 1.8 * total } },
});

test('the fold follows stage, steps, terms and the ending', () => {
  const p = progressOf([started, stage, step(0, 2000), step(99, 12000, 0.25)]);
  assert.equal(p.experiment, 'mnist');
  assert.equal(p.stage?.stage, 'distill');
  assert.deepEqual(p.stage?.lastStep, { step: 99, epoch: 0, t: 12000, total: 0.25 });
  assert.equal(p.distillTerms.soft_kd.value, 0.5);
  assert.equal(statusOf(p, true), 'running');
  assert.equal(statusOf(p, false), 'interrupted');
  applyEvent(p, { v: 1, t: 13000, type: 'finished', status: 'failed', error: { message: 'NaN in soft_kd\nstack' }, duration_ms: 12000 });
  assert.equal(statusOf(p, false), 'failed');
  assert.equal(failureMessage(p), 'NaN in soft_kd');
  assert.equal(p.eventCount, 5);
});

test('a resumed start clears an earlier ending', () => {
  const p = progressOf([started, { v: 1, t: 2, type: 'finished', status: 'stopped', duration_ms: 1 }, { ...started, t: 5000, resumed: true } as TrainerEvent]);
  assert.equal(p.finished, undefined);
  assert.equal(p.startedAt, 1000);
});

test('ETA is the rest of the stage at the measured rate', () => {
  const p = progressOf([started, stage, step(0, 2000), step(99, 12000)]);
  // 99 steps in 10 s; 400 left → ~40.4 s.
  assert.ok(Math.abs(stageEtaMs(p.stage)! - (400 * 10000) / 99) < 1e-6);
  assert.equal(stageEtaMs(progressOf([started, stage, step(0, 2000)]).stage), undefined, 'one step gives no rate');
  assert.equal(stageEtaMs(progressOf([started, step(0, 2000), step(5, 3000)]).stage), undefined, 'no length without a stage event');
  assert.equal(runEtaMs(p.stage), stageEtaMs(p.stage), 'distill is the last training stage');
  const baseline = progressOf([started, { ...stage, stage: 'baseline' } as TrainerEvent, { ...step(0, 2000), stage: 'baseline' } as TrainerEvent, { ...step(99, 12000), stage: 'baseline' } as TrainerEvent]);
  // The rest of the baseline, then a distill stage of 500 steps at the same rate.
  assert.ok(Math.abs(runEtaMs(baseline.stage)! - (900 * 10000) / 99) < 1e-6);
  assert.equal(formatDuration(40_404), '40s');
  assert.equal(formatDuration(185_000), '3m 05s');
  assert.equal(formatDuration(3_720_000), '1h 02m');
});

test('status bar text shows stage, 1-based epoch, loss and time left', () => {
  const p = progressOf([started, stage, step(0, 2000), step(150, 17000, 0.4123)]);
  const s = statusBarText(p, 20000);
  assert.equal(s.text, '$(sync~spin) mnist · distill 2/5 · loss 0.412 · 35s left');
  assert.match(s.tooltip, /Running for 19s/);
  assert.equal(statusBarText(progressOf([started]), 1000).text, '$(sync~spin) mnist · starting');
});

test('headline and metrics', () => {
  const summary = { teacher_accuracy: 0.989, student_accuracy: 0.978, baseline_accuracy: 0.964, kd_gain: 0.014, agreement: 0.98, compression: 9.63 };
  assert.equal(formatHeadline(summary), 'student 97.8% · teacher 98.9% · +1.4 vs scratch · 9.6× smaller');
  assert.equal(formatMetrics({ ...summary, kd_gain: -0.003 }), 'student 97.8% · teacher 98.9% · KD -0.3');
  const { kd_gain: _, ...noBaseline } = summary;
  assert.equal(formatHeadline(noBaseline), 'student 97.8% · teacher 98.9% · 9.6× smaller');
  assert.equal(formatLoss(0.41234), '0.412');
  assert.equal(formatLoss(1.5), '1.5');
  assert.equal(formatLoss(0.00001234), '1.23e-5');
  assert.equal(formatLoss(null), 'NaN');
});

test('runs group by experiment, newest first', () => {
  const row = (id: string, experiment: string, startedAt: number) => ({ dir: `/r/${id}`, id, experiment, status: 'completed' as const, startedAt });
  const groups = groupRuns([row('a1', 'a', 1), row('b1', 'b', 2), row('a2', 'a', 3), row('c1', 'c', 0)]);
  assert.deepEqual(groups.map((g) => g.experiment), ['a', 'b', 'c']);
  assert.deepEqual(groups[0].runs.map((r) => r.id), ['a2', 'a1']);
});
