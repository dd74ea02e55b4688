import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/trainer/backend/initBackend';
import { buildModel } from '../../../src/trainer/models/buildModel';
import { loadModel, saveModel, weightBytes } from '../../../src/trainer/models/modelFiles';

before(() => initBackend('wasm'));

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'distillery-models-'));
const model = () => buildModel([
  { type: 'conv2d', filters: 3, kernel: 3, stride: 1, padding: 'same', activation: 'relu', name: 'features' },
  { type: 'batchnorm', momentum: 0.9, epsilon: 0.001 },
  { type: 'flatten' },
  { type: 'dense', units: 4, activation: 'linear', use_bias: true },
], { name: 'teacher', inputShape: [4, 4, 1], seed: 2 });

test('save then load gives the same predictions, layer names and byte count', async () => {
  const dir = path.join(tmp(), 'teacher');
  const m = model();
  await saveModel(m, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
  const loaded = await loadModel(dir);
  const x = tf.randomNormal([3, 4, 4, 1]);
  assert.deepEqual(Array.from((loaded.predict(x) as tf.Tensor).dataSync()), Array.from((m.predict(x) as tf.Tensor).dataSync()));
  assert.ok(loaded.getLayer('features'));
  assert.equal(weightBytes(dir), m.countParams() * 4);
  // Also by the model.json path, as a config's `teacher.path` gives it.
  assert.equal((await loadModel(path.join(dir, 'model.json'))).countParams(), m.countParams());
});

test('saving again overwrites in place and leaves no temporary files', async () => {
  const dir = path.join(tmp(), 'student');
  await saveModel(model(), dir);
  await saveModel(model(), dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
});

test('a model whose weights are split over several shards loads', async () => {
  const dir = tmp();
  const m = model();
  await saveModel(m, dir);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
  const cut = 100;
  fs.writeFileSync(path.join(dir, 'group1-shard1of2.bin'), bin.subarray(0, cut));
  fs.writeFileSync(path.join(dir, 'group1-shard2of2.bin'), bin.subarray(cut));
  fs.rmSync(path.join(dir, 'weights.bin'));
  json.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  const loaded = await loadModel(dir);
  loaded.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), Array.from(m.getWeights()[i].dataSync())));
  assert.equal(weightBytes(dir), bin.length);
});

test('unreadable models get messages naming the file', async () => {
  const dir = tmp();
  await assert.rejects(loadModel(dir), new RegExp(`Cannot read model file ${path.join(dir, 'model.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`));
  fs.writeFileSync(path.join(dir, 'model.json'), '{ not json');
  await assert.rejects(loadModel(dir), /model\.json is not valid JSON/);
  fs.writeFileSync(path.join(dir, 'model.json'), '{"format": "layers-model"}');
  await assert.rejects(loadModel(dir), /has no 'modelTopology' key/);
  const good = tmp();
  await saveModel(model(), good);
  fs.rmSync(path.join(good, 'weights.bin'));
  await assert.rejects(loadModel(good), /weight file '\.\/weights\.bin' listed in weightsManifest cannot be read \(ENOENT\)/);
});
