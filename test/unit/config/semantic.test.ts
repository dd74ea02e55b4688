// Each semantic check: fires on the right node, and stays quiet on valid input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../../src/core/config/validate';
import type { ConfigHost } from '../../../src/core/config/host';
import { exampleText, positionOf, lineOf, replaceOnce, only, codes, errorsOf } from './fixtures';

const base = exampleText('mnist-kd.distill.yaml');
const configPath = '/proj/exp/mnist.distill.yaml';
const teacherBlock = /teacher:\n(?:  .*\n)+/;

/** An in-memory host: the editor passes one like it for unsaved buffers. */
function memoryHost(files: Record<string, string>): ConfigHost {
  return { exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(p + '/')), readText: (p) => files[p] };
}

const modelJson = (names: string[], units = 10) => JSON.stringify({
  format: 'layers-model',
  modelTopology: { class_name: 'Sequential', config: { name: 'seq', layers: names.map((n, i) => ({ class_name: 'Dense', config: { name: n, units: i === names.length - 1 ? units : 32 } })) } },
  weightsManifest: [],
});

const withPathTeacher = (text: string, p = 'models/teacher/model.json') => text.replace(teacherBlock, `teacher:\n  path: ${p}\n`);
const addHint = (text: string, t: string, s: string) => replaceOnce(text, '      temperature: 4\n', `      temperature: 4\n    - kind: hint\n      teacher_layer: ${t}\n      student_layer: ${s}\n`);

test('teacher with both path and layers, and with neither', () => {
  const both = replaceOnce(base, 'teacher:\n', 'teacher:\n  path: models/t/model.json\n');
  const d = only(validateConfig(both, { path: configPath, host: memoryHost({ '/proj/exp/models/t/model.json': modelJson(['a']) }) }).diagnostics, 'teacher-source');
  assert.deepEqual(d.range.start, positionOf(both, 'layers:'));
  const neither = base.replace(/  layers:                           # trained first[\s\S]*?logits: no softmax on the last layer\n/, '');
  const e = only(validateConfig(neither).diagnostics, 'teacher-source');
  assert.equal(e.range.start.line, lineOf(neither, 'teacher:'));
});

test('layer names from the teacher model.json topology, without weights', () => {
  const host = memoryHost({ '/proj/exp/models/teacher/model.json': modelJson(['conv_a', 'penultimate', 'logits']) });
  const ok = addHint(withPathTeacher(base), 'penultimate', 'hidden');
  assert.deepEqual(validateConfig(ok, { path: configPath, host }).diagnostics, []);
  const bad = addHint(withPathTeacher(base), 'penultimat', 'hidden');
  const d = only(validateConfig(bad, { path: configPath, host }).diagnostics, 'unknown-layer');
  assert.match(d.message, /teacher \(models\/teacher\/model.json\) has no layer named `penultimat`/);
  assert.equal(d.fixes![0].edits[0].newText, 'penultimate');
});

test('Keras-style model_config topology is read too', () => {
  const keras = JSON.stringify({ modelTopology: { model_config: { class_name: 'Functional', config: { layers: [{ name: 'inp', config: { name: 'inp' } }, { config: { name: 'emb', units: 10 } }] } } } });
  const host = memoryHost({ '/proj/exp/models/teacher/model.json': keras });
  const text = addHint(withPathTeacher(base), 'emb', 'hidden');
  assert.deepEqual(validateConfig(text, { path: configPath, host }).diagnostics, []);
});

test('a teacher model.json that is not a LayersModel', () => {
  const host = memoryHost({ '/proj/exp/models/teacher/model.json': '{"weights": 1}' });
  const text = withPathTeacher(base);
  const d = only(validateConfig(text, { path: configPath, host }).diagnostics, 'teacher-model');
  assert.deepEqual(d.range.start, positionOf(text, 'models/teacher/model.json'));
});

test('teacher model.json output units versus classes', () => {
  const host = memoryHost({ '/proj/exp/models/teacher/model.json': modelJson(['a', 'b'], 3) });
  only(validateConfig(withPathTeacher(base), { path: configPath, host }).diagnostics, 'output-units');
});

test('unknown layers in every loss that names layers', () => {
  const losses = [
    '    - {kind: similarity, teacher_layer: nope1, student_layer: hidden}',
    '    - {kind: relational, teacher_layer: penultimate, student_layer: nope2}',
    '    - {kind: pkt, teacher_layer: nope3, student_layer: hidden}',
    '    - kind: attention',
    '      pairs: [{teacher_layer: features, student_layer: nope4}]',
    '    - {kind: adversarial, on: {teacher_layer: nope5, student_layer: hidden}}',
  ].join('\n') + '\n';
  const text = replaceOnce(base, '      temperature: 4\n', '      temperature: 4\n' + losses);
  const ds = validateConfig(text).diagnostics.filter((d) => d.code === 'unknown-layer');
  assert.deepEqual(ds.map((d) => d.range.start), ['nope1', 'nope2', 'nope3', 'nope4', 'nope5'].map((n) => positionOf(text, n)));
  assert.deepEqual(ds.map((d) => d.pointer), ['/distillation/losses/2/teacher_layer', '/distillation/losses/3/student_layer', '/distillation/losses/4/teacher_layer', '/distillation/losses/5/pairs/0/student_layer', '/distillation/losses/6/on/teacher_layer']);
  // related: the declared student layer names, at their declarations
  assert.deepEqual(ds[1].related!.map((r) => r.range.start), [positionOf(text, 'hidden}')]);
});

test('relational with only one layer named', () => {
  const text = replaceOnce(base, '      temperature: 4\n', '      temperature: 4\n    - kind: relational\n      teacher_layer: penultimate\n');
  const d = only(validateConfig(text).diagnostics, 'missing-key');
  assert.deepEqual(d.range.start, positionOf(text, 'teacher_layer: penultimate'));
});

test('duplicate layer names within a model', () => {
  const text = replaceOnce(base, '{units: 128, activation: relu, name: penultimate}', '{units: 128, activation: relu, name: features}');
  const d = only(validateConfig(text).diagnostics, 'duplicate-layer-name');
  assert.deepEqual(d.range.start, positionOf(text, 'features', 1));
  assert.deepEqual(d.related![0].range.start, positionOf(text, 'features'));
});

test('duplicate explicit loss ids; defaulted ids step around explicit ones', () => {
  const text = replaceOnce(replaceOnce(base, '    - kind: soft_kd ', '    - kind: soft_kd\n      id: ce\n     '), '    - kind: cross_entropy ', '    - kind: cross_entropy\n      id: ce\n     ');
  const d = only(validateConfig(text).diagnostics, 'duplicate-loss-id');
  assert.equal(d.range.start.line, lineOf(text, 'id: ce', 1));
  const stepped = replaceOnce(base, '    - kind: soft_kd ', '    - kind: soft_kd\n      id: cross_entropy\n     ');
  assert.deepEqual(validateConfig(stepped).config!.distillation.losses.map((l) => l.id), ['cross_entropy_2', 'cross_entropy']);
});

test('last layer units versus the classes of the dataset', () => {
  const text = replaceOnce(base, '    - dense: {units: 10}\n\ndistillation', '    - dense: {units: 12}\n\ndistillation');
  const d = only(validateConfig(text).diagnostics, 'output-units');
  assert.deepEqual(d.range.start, positionOf(text, '12}'));
  const spam = exampleText('spam-kd.distill.yaml').replace('    - dense: {units: 2}             # logits', '    - dense: {units: 10}            # logits');
  const e = only(validateConfig(spam).diagnostics, 'output-units');
  assert.match(e.message, /teacher's last layer has 10 units, but the dataset has 2 classes/);
  const notDense = replaceOnce(base, '    - dense: {units: 10}\n\ndistillation', '    - dropout: {rate: 0.1}\n\ndistillation');
  only(validateConfig(notDense).diagnostics, 'output-units');
});

test('files named by the config exist, relative to the config file', () => {
  const text = replaceOnce(base, 'dataset: mnist ', 'dataset: {format: npy, inputs: data/x.npy, labels: data/y.npy}').replace('split: {train: 8000, test: 2000}', 'split: {train: 0.8, test: 0.2}');
  const host = memoryHost({ '/proj/exp/data/x.npy': '' });
  const d = only(validateConfig(text, { path: configPath, host }).diagnostics, 'file-not-found');
  assert.deepEqual(d.range.start, positionOf(text, 'data/y.npy'));
  assert.match(d.message, /\/proj\/exp\/data\/y.npy/);
  const images = replaceOnce(base, 'dataset: mnist ', 'dataset: {format: images, path: ../flowers}').replace('split: {train: 8000, test: 2000}', 'split: {train: 0.8, test: 0.2}');
  const r = validateConfig(images, { path: configPath, host: memoryHost({ '/proj/flowers/a/1.png': '' }) });
  assert.deepEqual(codes(r.diagnostics), ['path-outside']);
  assert.equal(r.diagnostics[0].severity, 'warning');
  assert.ok(r.config, 'a warning does not block the config');
});

test('split sizes fit the dataset', () => {
  const t1 = replaceOnce(base, 'train: 8000', 'train: 12000');
  const d = only(validateConfig(t1).diagnostics, 'split-too-large');
  assert.deepEqual(d.range.start, positionOf(t1, '12000'));
  const t2 = replaceOnce(base, 'train: 8000, test: 2000', 'train: 9000, test: 2000');
  only(validateConfig(t2).diagnostics, 'split-too-large');
  const t3 = replaceOnce(base, 'train: 8000, test: 2000', 'train: 0.7, test: 0.2, validation: 0.2');
  only(validateConfig(t3).diagnostics, 'split-too-large');
  const t4 = replaceOnce(base, 'train: 8000', 'train: 800.5');
  only(validateConfig(t4).diagnostics, 'split-count');
  const spam = exampleText('spam-kd.distill.yaml').replace('split: {train: 0.8, test: 0.2}', 'split: {train: 5000, test: 1047}');
  only(validateConfig(spam).diagnostics, 'split-too-large');
  const spamOk = exampleText('spam-kd.distill.yaml').replace('split: {train: 0.8, test: 0.2}', 'split: {train: 5000, test: 1046}');
  assert.deepEqual(validateConfig(spamOk).diagnostics, []);
});

test('a distillation loss needs a teacher; cross_entropy alone does not name the losses', () => {
  const noTeacher = base.replace(teacherBlock, '');
  assert.deepEqual(codes(errorsOf(validateConfig(noTeacher).diagnostics)), ['needs-teacher']);
  const ceOnly = noTeacher.replace(/    - kind: soft_kd[\s\S]*?temperature: 4\n/, '');
  const r = validateConfig(ceOnly);
  assert.deepEqual(codes(r.diagnostics), ['missing-key']);
  assert.equal(r.diagnostics[0].pointer, '/teacher');
});

test('embedding layers need text data; text options on image data are unused', () => {
  const text = replaceOnce(base, '    - flatten: {}\n    - dense: {units: 64', '    - embedding: {dim: 8}\n    - flatten: {}\n    - dense: {units: 64');
  const d = only(validateConfig(text).diagnostics, 'embedding-needs-text');
  assert.equal(d.range.start.line, lineOf(text, 'embedding: {dim: 8}'));
  const t2 = replaceOnce(base, '  split: {train: 8000, test: 2000}\n', '  split: {train: 8000, test: 2000}\n  text: {max_length: 10}\n');
  const w = only(validateConfig(t2).diagnostics, 'text-unused');
  assert.equal(w.severity, 'warning');
});

test('enum typos get a replace fix', () => {
  const text = replaceOnce(base, 'weighting: fixed', 'weighting: uncertainy');
  const d = only(validateConfig(text).diagnostics, 'enum');
  assert.equal(d.fixes![0].edits[0].newText, 'uncertainty');
  assert.deepEqual(d.range.start, positionOf(text, 'uncertainy'));
});
