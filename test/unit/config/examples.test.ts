// Every example validates clean, and normalisation applies the schema's defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig, validateConfigFile } from '../../../src/core/config/validate';
import { exampleFiles, examplePath, exampleText } from './fixtures';

test('there are examples for every method', () => {
  for (const name of ['mnist-kd', 'spam-kd', 'mnist-hint', 'mnist-attention', 'mnist-similarity', 'mnist-relational', 'mnist-pkt', 'mnist-dkd', 'mnist-adversarial', 'mnist-uncertainty', 'mnist-confidence', 'mnist-schedule', 'spam-hint']) {
    assert.ok(exampleFiles.includes(`${name}.distill.yaml`), name);
  }
});

for (const file of exampleFiles) {
  test(`${file} validates with no diagnostics and carries the schema modeline`, () => {
    const text = exampleText(file);
    assert.match(text.split('\n')[0], /^# yaml-language-server: \$schema=\.\.\/schemas\/distill\.schema\.json$/);
    const r = validateConfigFile(examplePath(file));
    assert.deepEqual(r.diagnostics, []);
    assert.ok(r.config);
  });
}

test('all MNIST examples share one teacher (so its cache is shared)', () => {
  const teachers = exampleFiles.filter((f) => f.startsWith('mnist-')).map((f) => JSON.stringify(validateConfigFile(examplePath(f)).config!.teacher));
  assert.equal(new Set(teachers).size, 1);
});

test('mnist-kd normalises to the typed, defaulted shape', () => {
  const c = validateConfig(exampleText('mnist-kd.distill.yaml'), { path: examplePath('mnist-kd.distill.yaml') }).config!;
  assert.deepEqual(c.data.dataset, { format: 'builtin', name: 'mnist' });
  assert.equal(c.data.text, undefined);
  assert.deepEqual(c.teacher.layers![0], { type: 'conv2d', filters: 16, kernel: 3, stride: 1, padding: 'valid', activation: 'relu' });
  assert.deepEqual(c.teacher.layers![1], { type: 'maxpool2d', pool: 2 });
  assert.deepEqual(c.teacher.layers![4], { type: 'flatten' });
  assert.deepEqual(c.student.layers[2], { type: 'dense', units: 10, activation: 'linear', use_bias: true });
  assert.deepEqual(c.distillation.losses[0], { kind: 'cross_entropy', id: 'cross_entropy', label_smoothing: 0, weight: { kind: 'constant', value: 0.1 } });
  assert.deepEqual(c.distillation.losses[1], { kind: 'soft_kd', id: 'soft_kd', temperature: 4, weight: { kind: 'constant', value: 0.9 } });
  assert.deepEqual(c.teacher.train.lr_schedule, { name: 'cosine', warmup_epochs: 0, min_lr: 0 });
  assert.deepEqual(c.training.lr_schedule, { name: 'cosine', warmup_epochs: 0, min_lr: 0 });
  assert.equal(c.training.backend, 'auto');
  assert.deepEqual(c.evaluation, { every: 1, examples: 24, latency: true });
  assert.equal(c.source, examplePath('mnist-kd.distill.yaml'));
});

test('a minimal config gets every default; loss ids repeat as kind_2', () => {
  const text = [
    'version: 1',
    'data: {dataset: spam-assassin}',
    'teacher: {layers: [{embedding: {dim: 8}}, {global_avg_pool1d: }, {dense: {units: 2}}]}',
    'student: {layers: [{embedding: {dim: 4}}, {global_avg_pool1d: {}}, {dense: {units: 2}}]}',
    'distillation:',
    '  losses:',
    '    - {kind: soft_kd}',
    '    - {kind: soft_kd, temperature: 2, weight: {from: 0, to: 1}}',
    '    - {kind: soft_kd, id: soft_kd_3, weight: {value: 2, warmup_epochs: 1}}',
    '    - {kind: soft_kd}',
  ].join('\n');
  const r = validateConfig(text, { path: '/tmp/some/minimal.distill.yaml' });
  assert.deepEqual(r.diagnostics, []);
  const c = r.config!;
  assert.equal(c.name, 'minimal');
  assert.equal(c.seed, 42);
  assert.deepEqual(c.data.split, { train: 0.8, test: 0.2 });
  assert.deepEqual(c.data.text, { tokenizer: 'word', vocab_size: 20000, max_length: 200, lowercase: true });
  assert.deepEqual(c.teacher.layers![1], { type: 'global_avg_pool1d' });
  assert.deepEqual(c.teacher.train, { epochs: 3, batch_size: 64, optimizer: { name: 'adam', learning_rate: 0.001 }, lr_schedule: { name: 'constant', warmup_epochs: 0 } });
  assert.deepEqual(c.training, { epochs: 5, batch_size: 64, optimizer: { name: 'adam', learning_rate: 0.001 }, lr_schedule: { name: 'constant', warmup_epochs: 0 }, baseline: true, backend: 'auto' });
  assert.deepEqual(c.distillation.losses.map((l) => l.id), ['soft_kd', 'soft_kd_2', 'soft_kd_3', 'soft_kd_4']);
  assert.deepEqual(c.distillation.losses[0].weight, { kind: 'constant', value: 1 });
  assert.deepEqual(c.distillation.losses[1].weight, { kind: 'ramp', from: 0, to: 1, shape: 'linear', over: 'epochs' });
  assert.deepEqual(c.distillation.losses[2].weight, { kind: 'warmup', value: 2, warmup_epochs: 1 });
  assert.equal(c.distillation.weighting, 'fixed');
});

test('loss defaults come from the schema for every kind', () => {
  const text = exampleText('mnist-kd.distill.yaml').replace(/distillation:[\s\S]*?weighting: fixed/, [
    'distillation:',
    '  losses:',
    '    - kind: dkd',
    '    - kind: adversarial',
    '    - kind: relational',
    '    - kind: pkt',
    '    - kind: hint',
    '      teacher_layer: penultimate',
    '      student_layer: hidden',
    '    - kind: attention',
    '      pairs: [{teacher_layer: features, student_layer: hidden}]',
    '    - kind: hard_kd',
  ].join('\n'));
  const r = validateConfig(text);
  assert.deepEqual(r.diagnostics, []);
  const [dkd, adv, rel, pkt, hint, att, hard] = r.config!.distillation.losses;
  assert.deepEqual(dkd, { kind: 'dkd', id: 'dkd', alpha: 1, beta: 8, temperature: 4, warmup_epochs: 20, weight: { kind: 'constant', value: 1 } });
  assert.deepEqual(adv, { kind: 'adversarial', id: 'adversarial', on: 'logits', hidden_units: [64], discriminator_learning_rate: 0.001, weight: { kind: 'constant', value: 1 } });
  assert.deepEqual(rel, { kind: 'relational', id: 'relational', distance_weight: 25, angle_weight: 50, weight: { kind: 'constant', value: 1 } });
  assert.deepEqual(pkt, { kind: 'pkt', id: 'pkt', weight: { kind: 'constant', value: 1 } });
  assert.equal(hint.kind === 'hint' && `${hint.projection}/${hint.distance}`, 'linear/mse');
  assert.equal(att.kind === 'attention' && att.p, 2);
  assert.deepEqual(hard, { kind: 'hard_kd', id: 'hard_kd', weight: { kind: 'constant', value: 1 } });
});

test('dataset file paths resolve against the config folder', () => {
  const text = exampleText('mnist-kd.distill.yaml').replace('dataset: mnist', 'dataset: {format: csv, path: data/iris.csv, label: species}').replace('split: {train: 8000, test: 2000}', 'split: {train: 0.8, test: 0.2}');
  const host = { exists: () => true, readText: () => undefined };
  const r = validateConfig(text, { path: '/proj/exp/a.distill.yaml', host });
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.config!.data.dataset, { format: 'csv', path: '/proj/exp/data/iris.csv', label: 'species' });
});
