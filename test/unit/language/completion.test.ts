import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { complete, type CompletionEntry } from '../../../src/core/language/completion';
import { at, fullConfig, inFull, projectContext } from './cursorFixture';

async function labels(marked: string, ctx = projectContext): Promise<string[]> {
  const { text, position } = at(marked);
  return (await complete(text, position, ctx)).map((e) => e.label);
}
async function entries(marked: string, ctx = projectContext): Promise<CompletionEntry[]> {
  const { text, position } = at(marked);
  return complete(text, position, ctx);
}
const lossKinds = ['cross_entropy', 'soft_kd', 'hard_kd', 'hint', 'attention', 'similarity', 'relational', 'pkt', 'dkd', 'adversarial'];

describe('completion: keys', () => {
  it('top level of an empty document offers every section', async () => {
    const l = await labels('|');
    for (const k of ['version', 'name', 'data', 'teacher', 'student', 'distillation', 'training', 'evaluation']) assert.ok(l.includes(k), k);
  });
  it('top level leaves out keys already written', async () => {
    const l = await labels(fullConfig + '|');
    assert.ok(l.includes('evaluation'));
    assert.ok(!l.includes('teacher') && !l.includes('data') && !l.includes('version'));
  });
  it('a half-typed key replaces the typed prefix', async () => {
    const e = await entries('version: 1\ntrai|');
    const training = e.find((x) => x.label === 'training');
    assert.ok(training);
    assert.deepEqual(training.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } });
    assert.match(training.insertText, /^training:\n {2}\$0$/);
  });
  it('keys of the loss kind under the cursor, without those present', async () => {
    const l = await labels('distillation:\n  losses:\n    - kind: hint\n      teacher_layer: a\n      |');
    assert.deepEqual(l.sort(), ['distance', 'id', 'projection', 'student_layer', 'weight'].sort());
  });
  it('soft_kd offers temperature with its default', async () => {
    const e = await entries('distillation:\n  losses:\n    - kind: soft_kd\n      te|');
    const t = e.find((x) => x.label === 'temperature');
    assert.ok(t);
    assert.equal(t.insertText, 'temperature: ${1:4}');
    assert.match(t.detail ?? '', /= 4/);
    assert.ok(t.documentation && t.documentation.length > 10);
  });
  it('a loss item without kind offers every option of every kind', async () => {
    const l = await labels('distillation:\n  losses:\n    - weight: 1\n      |');
    for (const k of ['kind', 'temperature', 'teacher_layer', 'alpha', 'pairs']) assert.ok(l.includes(k), k);
    assert.ok(!l.includes('weight'));
  });
  it('keys inside a flow mapping of a layer', async () => {
    const l = await labels('teacher:\n  layers:\n    - conv2d: {filters: 32, ke|}\n');
    assert.ok(l.includes('kernel') && l.includes('activation') && l.includes('padding'));
    assert.ok(!l.includes('filters'));
  });
  it('flow keys insert on one line', async () => {
    const e = await entries('teacher:\n  layers:\n    - dense: {|}');
    const units = e.find((x) => x.label === 'units');
    assert.ok(units && !units.insertText.includes('\n'));
  });
  it('block mapping of data offers split and text', async () => {
    const l = await labels('data:\n  dataset: mnist\n  |');
    assert.ok(l.includes('split') && l.includes('text'));
    assert.ok(!l.includes('dataset'));
  });
  it('keys below the cursor count as present too', async () => {
    const l = await labels('training:\n  |\n  epochs: 3\n  batch_size: 10');
    assert.ok(l.includes('optimizer'));
    assert.ok(!l.includes('epochs') && !l.includes('batch_size'));
  });
  it('a dataset object of format csv offers its keys', async () => {
    const l = await labels('data:\n  dataset:\n    format: csv\n    |');
    assert.ok(l.includes('path') && l.includes('label') && l.includes('features'));
    assert.ok(!l.includes('text'));
  });
  it('weight schedule keys', async () => {
    const l = await labels('distillation:\n  losses:\n    - kind: soft_kd\n      weight: {from: 0, |}');
    assert.ok(l.includes('to') && l.includes('shape') && l.includes('over'));
  });
  it('tab-indented document still resolves the path', async () => {
    const l = await labels('teacher:\n\ttrain:\n\t\t|');
    assert.ok(l.includes('epochs') && l.includes('optimizer'));
  });
  it('a syntax error above the cursor does not stop completion', async () => {
    const l = await labels('name: [unclosed\ndata: {dataset: mnist\ntraining:\n  optimizer:\n    |');
    assert.ok(l.includes('learning_rate') && l.includes('name'));
  });
  it('sequence at the same indentation as its key', async () => {
    const l = await labels('distillation:\n  losses:\n  - kind: dkd\n    |');
    assert.ok(l.includes('alpha') && l.includes('beta'));
  });
  it('nothing in a comment', async () => {
    assert.deepEqual(await labels('# a comment |\nversion: 1'), []);
  });
});

describe('completion: values', () => {
  it('loss kinds after `- kind: ` with nothing after', async () => {
    const e = await entries('distillation:\n  losses:\n    - kind: |');
    assert.deepEqual(e.map((x) => x.label), lossKinds);
    const sk = e.find((x) => x.label === 'soft_kd');
    assert.match(sk?.documentation ?? '', /KL/);
  });
  it('loss kind right after the colon gets a space', async () => {
    const e = await entries('distillation:\n  losses:\n    - kind:|');
    assert.equal(e.find((x) => x.label === 'dkd')?.insertText, ' dkd');
  });
  it('activations in a flow layer', async () => {
    const l = await labels('student:\n  layers:\n    - dense: {units: 3, activation: |}');
    for (const a of ['relu', 'gelu', 'softmax', 'linear']) assert.ok(l.includes(a), a);
  });
  it('optimizers with descriptions', async () => {
    const e = await entries('training:\n  optimizer: {name: |}');
    assert.deepEqual(e.map((x) => x.label).slice(0, 3), ['adam', 'sgd', 'adamw']);
    assert.ok(e.every((x) => x.documentation));
  });
  it('lr schedules', async () => {
    const l = await labels('training:\n  lr_schedule:\n    name: c|');
    assert.ok(l.includes('cosine') && l.includes('step') && l.includes('constant'));
  });
  it('built-in datasets', async () => {
    const l = await labels('data:\n  dataset: |');
    assert.ok(l.includes('mnist') && l.includes('spam-assassin'));
  });
  it('weighting modes', async () => {
    const l = await labels('distillation:\n  weighting: |\n  losses: []');
    assert.deepEqual(l.slice(0, 3), ['fixed', 'uncertainty', 'confidence']);
  });
  it('projection and distance of a hint', async () => {
    assert.deepEqual((await labels('distillation:\n  losses:\n    - kind: hint\n      projection: |')).slice(0, 3), ['linear', 'conv1x1', 'none']);
    assert.deepEqual((await labels('distillation:\n  losses:\n    - {kind: hint, distance: |}')).slice(0, 3), ['mse', 'l1', 'cosine']);
  });
  it('booleans', async () => {
    const l = await labels('training:\n  baseline: |');
    assert.ok(l.includes('true') && l.includes('false'));
  });
  it('a half-typed value replaces what is typed', async () => {
    const e = await entries('data:\n  dataset: mn|');
    const m = e.find((x) => x.label === 'mnist');
    assert.deepEqual(m?.range, { start: { line: 1, character: 11 }, end: { line: 1, character: 13 } });
  });
});

describe('completion: snippets', () => {
  it('one loss-term snippet per kind after `- `', async () => {
    const e = await entries('distillation:\n  losses:\n    - |');
    const snippets = e.filter((x) => x.kind === 'snippet');
    assert.equal(snippets.length, lossKinds.length);
    const dkd = snippets.find((x) => x.label.startsWith('dkd'));
    assert.ok(dkd);
    assert.match(dkd.insertText, /^kind: dkd\n {2}weight: \$\{1:1\}\n {2}alpha: \$\{2:1\}\n {2}beta: \$\{3:8\}\n {2}temperature: \$\{4:4\}\n {2}warmup_epochs: \$\{5:20\}/);
  });
  it('a word typed on a blank line under `layers:` still offers layers, with the dash', async () => {
    const e = await entries('student:\n  layers:\n    den|');
    const dense = e.find((x) => x.label === 'dense');
    assert.match(dense?.insertText ?? '', /^- dense: \{units: /);
    assert.equal(dense?.filterText, 'dense');
    assert.deepEqual(dense?.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 7 } });
  });
  it('right after a bare dash the item gets its space', async () => {
    const e = await entries('distillation:\n  losses:\n    -|');
    assert.ok(e.find((x) => x.label.startsWith('pkt'))?.insertText.startsWith(' kind: pkt\n'));
  });
  it('a blank line under `losses:` gets snippets with the dash', async () => {
    const e = await entries('distillation:\n  losses:\n    |');
    const soft = e.find((x) => x.label.startsWith('soft_kd'));
    assert.ok(soft?.insertText.startsWith('- kind: soft_kd\n  '));
  });
  it('hint snippet offers the declared layer names as a choice', async () => {
    const text = fullConfig.replace('  weighting: fixed', '    - |\n  weighting: fixed');
    const e = await entries(text);
    const hint = e.find((x) => x.label.startsWith('hint'));
    assert.match(hint?.insertText ?? '', /teacher_layer: \$\{\d\|features,penultimate\|\}/);
    assert.match(hint?.insertText ?? '', /student_layer: \$\{\d\|hidden,out\|\}/);
  });
  it('one layer snippet per type after `- ` under layers', async () => {
    const e = await entries('student:\n  layers:\n    - |');
    const layers = e.filter((x) => x.kind === 'layer').map((x) => x.label);
    for (const t of ['dense', 'conv1d', 'conv2d', 'maxpool2d', 'flatten', 'dropout', 'lstm', 'gru', 'embedding', 'reshape', 'activation']) assert.ok(layers.includes(t), t);
    const conv = e.find((x) => x.label === 'conv2d');
    assert.match(conv?.insertText ?? '', /^conv2d: \{filters: \$\{1:1\}, activation: \$\{2\|/);
  });
});

describe('completion: layer names', () => {
  it('teacher_layer offers the teacher layers only', async () => {
    const l = await labels(inFull('teacher_layer: penultimate', 'teacher_layer: '));
    assert.ok(l.includes('features') && l.includes('penultimate'));
    assert.ok(!l.includes('hidden'));
  });
  it('student_layer with nothing after the colon offers the student layers', async () => {
    const text = fullConfig.replace('      student_layer: hidden\n', '      student_layer:|\n');
    const e = await entries(text);
    assert.deepEqual(e.filter((x) => x.kind === 'layerName').map((x) => x.label), ['hidden', 'out']);
    assert.equal(e.find((x) => x.label === 'hidden')?.insertText, ' hidden');
  });
  it('attention pairs entries, block and flow', async () => {
    const base = fullConfig.replace('  weighting: fixed', '    - kind: attention\n      pairs:\n        - teacher_layer: features\n          student_layer: |\n  weighting: fixed');
    assert.deepEqual((await labels(base)).filter((l) => ['hidden', 'out', 'features'].includes(l)), ['hidden', 'out']);
    const flow = fullConfig.replace('  weighting: fixed', '    - kind: attention\n      pairs: [{teacher_layer: |}]\n  weighting: fixed');
    assert.ok((await labels(flow)).includes('features'));
  });
  it('adversarial `on` pair', async () => {
    const text = fullConfig.replace('  weighting: fixed', '    - kind: adversarial\n      on:\n        student_layer: |\n  weighting: fixed');
    assert.ok((await labels(text)).includes('hidden'));
    const logits = fullConfig.replace('  weighting: fixed', '    - kind: adversarial\n      on: |\n  weighting: fixed');
    assert.ok((await labels(logits)).includes('logits'));
  });
  it('from the teacher model.json when the teacher is a saved model', async () => {
    const text = 'teacher:\n  path: models/teacher/model.json\nstudent:\n  layers:\n    - dense: {units: 4, name: s}\ndistillation:\n  losses:\n    - kind: hint\n      teacher_layer: |';
    const e = await entries(text);
    assert.deepEqual(e.filter((x) => x.kind === 'layerName').map((x) => x.label), ['conv_a', 'pool_a', 'flat', 'penultimate', 'logits']);
    assert.match(e[0].detail ?? '', /Conv2D/);
  });
  it('from the lines when the document does not parse into layers', async () => {
    const text = 'student:\n  layers:\n    - dense: {units: 4, name: broken_a}\n    - dense:\n        name: broken_b\n   bad: [\ndistillation:\n  losses:\n    - kind: hint\n      student_layer: |';
    const l = await labels(text);
    assert.ok(l.includes('broken_a') && l.includes('broken_b'), l.join(','));
  });
});

describe('completion: file paths', () => {
  it('lists the folder next to the config', async () => {
    const e = await entries('data:\n  dataset: {format: csv, path: |}');
    const names = e.map((x) => x.label);
    assert.ok(names.includes('data/') && names.includes('models/'));
    assert.equal(e.find((x) => x.label === 'data/')?.retrigger, true);
  });
  it('lists a sub-folder as typed so far', async () => {
    const e = await entries('data:\n  dataset:\n    format: csv\n    path: data/ir|');
    const iris = e.find((x) => x.label === 'iris.csv');
    assert.equal(iris?.insertText, 'data/iris.csv');
    assert.equal(iris?.filterText, 'data/iris.csv');
    assert.ok(e.some((x) => x.label === 'flowers/' && x.kind === 'folder'));
  });
  it('teacher path and npy inputs', async () => {
    assert.ok((await labels('teacher:\n  path: models/teacher/|')).includes('model.json'));
    assert.ok((await labels('data:\n  dataset: {format: npy, inputs: data/|}')).includes('reviews.jsonl'));
  });
  it('no file list without a host', async () => {
    assert.deepEqual((await labels('teacher:\n  path: |', {})).filter((l) => l.endsWith('/')), []);
  });
});
