// Which stages the native engine takes, and whole runs on it: events, accuracy against the
// tfjs path, and a stop on one engine resumed on the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayerConfig, DistillationConfig } from '../../../src/core/config/types';
import type { Comparison, TrainerEvent } from '../../../src/core/protocol/events';
import { readEventsFile } from '../../../src/core/runs/eventsReader';
import { disposeCheckpoint, readCheckpoint } from '../../../src/trainer/loop/checkpoint';
import { runExperiment } from '../../../src/trainer/loop/experiment';
import { loadNative, nativeUnavailableReason } from '../../../src/trainer/native/load';
import { distillationPlan, nativeLayers } from '../../../src/trainer/native/nativeStage';
import { tinyExperiment } from '../loop/fixtures';

const conv = (filters: number, extra: Partial<LayerConfig> = {}): LayerConfig => ({ type: 'conv2d', filters, kernel: 3, stride: 1, padding: 'valid', activation: 'relu', ...extra } as LayerConfig);
const dense = (units: number, activation = 'relu'): LayerConfig => ({ type: 'dense', units, activation, use_bias: true } as LayerConfig);

test('the default teacher and student map onto native layers', () => {
  const teacher = nativeLayers([conv(16), { type: 'maxpool2d', pool: 2 }, conv(32), { type: 'maxpool2d', pool: 2 }, { type: 'flatten' }, dense(128), dense(10, 'linear')], [28, 28, 1]);
  assert.ok(teacher.ok);
  assert.deepEqual(teacher.value.map((l) => l.type), ['conv2d', 'maxpool2d', 'conv2d', 'maxpool2d', 'flatten', 'dense', 'dense']);
  assert.deepEqual(teacher.value[1], { type: 'maxpool2d', pool: [2, 2], stride: [2, 2], padding: 'valid' });
  const student = nativeLayers([{ type: 'flatten' }, dense(64), dense(10, 'linear')], [28, 28, 1]);
  assert.ok(student.ok);
  assert.deepEqual(student.value[1], { type: 'dense', units: 64, activation: 'relu', useBias: true });
  assert.ok(nativeLayers([dense(8), { type: 'dropout', rate: 0 }, dense(3, 'linear')], [8]).ok, 'dropout at rate 0 is the identity');
});

test('models and losses outside the engine are refused with a reason', () => {
  const refuse = (layers: LayerConfig[], shape: number[], why: RegExp) => {
    const r = nativeLayers(layers, shape);
    assert.ok(!r.ok && why.test(r.reason), JSON.stringify(r));
  };
  refuse([dense(8, 'tanh'), dense(3, 'linear')], [8], /layer 1 \(dense\) uses the tanh activation/);
  refuse([dense(8), { type: 'dropout', rate: 0.5 }, dense(3, 'linear')], [8], /layer 2 \(dropout\) has rate 0.5/);
  refuse([{ type: 'flatten' }, { type: 'batchnorm', momentum: 0.99, epsilon: 1e-3 } as LayerConfig, dense(3, 'linear')], [4, 4, 1], /batchnorm\) is not a native layer type/);
  refuse([dense(8)], [4, 4, 1], /no flatten before it/);
  refuse([conv(4)], [4, 4, 1], /does not produce logits/);
  const losses = (l: unknown[], weighting = 'fixed') => distillationPlan({ losses: l, weighting } as DistillationConfig);
  const ce = { kind: 'cross_entropy', id: 'ce', label_smoothing: 0 };
  const kd = { kind: 'soft_kd', id: 'kd', temperature: 4 };
  const plan = losses([ce, kd]);
  assert.ok(plan.ok);
  assert.deepEqual(plan.value, { termIds: ['ce', 'kd'], ceId: 'ce', kdId: 'kd', temperature: 4 });
  const refusePlan = (r: ReturnType<typeof losses>, why: RegExp) => assert.ok(!r.ok && why.test(r.reason), JSON.stringify(r));
  refusePlan(losses([ce, kd], 'uncertainty'), /weighting "uncertainty"/);
  refusePlan(losses([{ ...ce, label_smoothing: 0.1 }, kd]), /"ce" \(cross_entropy, label smoothing/);
  refusePlan(losses([ce, kd, { kind: 'hint', id: 'hint' }]), /"hint" \(hint\)/);
  refusePlan(losses([kd, { ...kd, id: 'kd2' }]), /"kd2" \(soft_kd\)/);
});

const native = loadNative();
const skip = native ? false : `native engine not built: ${nativeUnavailableReason()}`;

/** The tiny blobs run with CE + soft-KD only, on the backend given. */
function experiment(backend: 'auto' | 'cpu', opts: Parameters<typeof tinyExperiment>[0] = {}) {
  const x = tinyExperiment({
    ...opts,
    losses: '    - kind: cross_entropy\n      weight: 0.3\n    - kind: soft_kd\n      weight: {from: 0.5, to: 0.9, shape: linear, over: epochs}\n      temperature: 2',
  });
  return { ...x, config: { ...x.config, training: { ...x.config.training, backend } } };
}

test('a run on the native engine completes with the same events and comparable accuracy', { skip }, async () => {
  const runs: Record<string, { events: TrainerEvent[]; comparison: Comparison }> = {};
  for (const backend of ['auto', 'cpu'] as const) {
    const x = experiment(backend, { epochs: 3, teacherEpochs: 3 });
    const r = await runExperiment({ config: x.config, configText: x.text, runsDir: x.runsDir, stop: { requested: false }, stepEventIntervalMs: 0 });
    assert.equal(r.status, 'completed', JSON.stringify(r.error));
    runs[backend] = { events: readEventsFile(join(r.runDir, 'events.jsonl')).events, comparison: JSON.parse(readFileSync(join(r.runDir, 'comparison.json'), 'utf8')) };
  }
  const logs = runs.auto.events.filter((e) => e.type === 'log').map((e) => e.type === 'log' ? e.message : '');
  for (const stage of ['teacher', 'baseline', 'distill']) assert.ok(logs.some((m) => m.startsWith(`${stage}: native engine`)), `${stage} on the native engine:\n${logs.join('\n')}`);
  assert.ok(runs.cpu.events.some((e) => e.type === 'log' && /distill: tfjs engine \(training.backend is cpu\)/.test(e.message)));
  const shape = (events: TrainerEvent[]) => events.filter((e) => e.type === 'step' || e.type === 'epoch').map((e) => `${e.type}:${e.stage}:${e.epoch}:${e.type === 'step' ? `${e.step}:${Object.keys(e.losses)}` : ''}`);
  assert.deepEqual(shape(runs.auto.events), shape(runs.cpu.events), 'the same step and epoch events, term for term');
  const distillSteps = runs.auto.events.filter((e) => e.type === 'step' && e.stage === 'distill');
  for (const e of distillSteps) {
    if (e.type !== 'step') continue;
    assert.ok(e.losses.cross_entropy.value > 0 && e.losses.soft_kd.value >= 0 && Number.isFinite(e.total));
    assert.ok(Math.abs(e.total - (e.losses.cross_entropy.weighted + e.losses.soft_kd.weighted)) < 1e-4, 'total = Σ weighted terms');
  }
  const epochs = runs.auto.events.filter((e) => e.type === 'epoch' && e.stage === 'distill');
  assert.ok(epochs.every((e) => e.type === 'epoch' && (e.validation?.accuracy ?? 0) > 0), 'validated every epoch');
  for (const who of ['teacher', 'student'] as const) {
    const a = runs.auto.comparison[who].accuracy;
    const b = runs.cpu.comparison[who].accuracy;
    assert.ok(a > 0.6 && Math.abs(a - b) <= 0.08, `${who}: native ${a} vs tfjs ${b}`);
  }
});

test('a run stopped on the native engine resumes on tfjs, and the other way round', { skip }, async () => {
  for (const [first, second] of [['1', '0'], ['0', '1']]) {
    const x = experiment('auto', { epochs: 3, baseline: false });
    const stop = { requested: false };
    let distillSteps = 0;
    process.env.DISTILLERY_NATIVE = first;
    const r = await runExperiment({
      config: x.config, configText: x.text, runsDir: x.runsDir, stop, stepEventIntervalMs: 0,
      onEvent: (e) => { if (e.type === 'step' && e.stage === 'distill' && ++distillSteps === 20) stop.requested = true; },
    });
    assert.equal(r.status, 'stopped');
    // The checkpoint holds Adam's state in tfjs's layout whichever engine wrote it: iter, every m, every v.
    const ck = readCheckpoint(join(r.runDir, 'checkpoints', 'distill'))!;
    assert.equal(ck.stageStep, 20);
    assert.equal(ck.optimizer[0].name, 'iter');
    assert.equal(ck.optimizer[0].tensor.dataSync()[0], 20);
    assert.equal(ck.optimizer.length, 1 + 2 * ck.model.length);
    ck.model.forEach((w, i) => {
      assert.deepEqual(ck.optimizer[1 + i].tensor.shape, w.shape);
      assert.ok(ck.optimizer[1 + ck.model.length + i].tensor.dataSync().some((v) => v > 0), `second moment ${i} is non-zero`);
    });
    disposeCheckpoint(ck);
    process.env.DISTILLERY_NATIVE = second;
    const resumed = await runExperiment({ config: x.config, configText: x.text, runsDir: x.runsDir, resumeDir: r.runDir, stop: { requested: false }, stepEventIntervalMs: 0 });
    delete process.env.DISTILLERY_NATIVE;
    assert.equal(resumed.status, 'completed', JSON.stringify(resumed.error));
    const events = readEventsFile(join(r.runDir, 'events.jsonl')).events;
    const engines = events.filter((e) => e.type === 'log' && /^distill: (native|tfjs) engine/.test(e.message)).map((e) => e.type === 'log' && e.message.split(' ')[1]);
    assert.deepEqual(engines, first === '1' ? ['native', 'tfjs'] : ['tfjs', 'native']);
    const steps = events.filter((e) => e.type === 'step' && e.stage === 'distill');
    const after = steps.find((e) => e.type === 'step' && e.step === 20);
    const before = steps.find((e) => e.type === 'step' && e.step === 19);
    assert.ok(before && after && before.type === 'step' && after.type === 'step');
    // Same weights and Adam state: the loss right after the switch continues where it was, no restart spike.
    assert.ok(after.total < before.total * 2 + 0.05, `loss after the switch ${after.total} vs before ${before.total}`);
    const c = JSON.parse(readFileSync(join(r.runDir, 'comparison.json'), 'utf8')) as Comparison;
    assert.ok(c.student.accuracy > 0.6, `student ${c.student.accuracy}`);
    assert.ok(existsSync(join(r.runDir, 'student', 'model.json')));
  }
});
