// schemaInfo resolves the schema node at a path for hover and completion, and the schema
// has a description on every property and every enum value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distillSchema, enumOptions, layerTypes, lossKinds, propertiesOf, schemaAt, schemaAtInDocument, type SchemaNode } from '../../../src/core/config/schemaInfo';

test('loss options resolve by kind', () => {
  assert.equal(schemaAt(['distillation', 'losses', 0, 'temperature'], { kind: 'soft_kd' })?.default, 4);
  assert.equal(schemaAt(['distillation', 'losses', 0, 'temperature'], { kind: 'dkd' })?.default, 4);
  assert.equal(schemaAt(['distillation', 'losses', 0, 'temperature'], { kind: 'hint' }), undefined);
  assert.deepEqual(propertiesOf(schemaAt(['distillation', 'losses', 3])!, { kind: 'hint' }).map((p) => p.name), ['kind', 'id', 'weight', 'teacher_layer', 'student_layer', 'projection', 'distance']);
  // shared keys resolve without the kind
  assert.match(schemaAt(['distillation', 'losses', 0, 'weight'])!.description!, /weight/i);
});

test('layer options, weight schedules, datasets', () => {
  assert.equal(schemaAt(['teacher', 'layers', 2, 'conv2d', 'kernel'])?.default, 3);
  assert.deepEqual(enumOptions(schemaAt(['distillation', 'losses', 0, 'weight', 'shape'])!).map((o) => o.value), ['linear', 'cosine']);
  assert.deepEqual(enumOptions(schemaAt(['data', 'dataset'])!).map((o) => o.value), ['mnist', 'spam-assassin']);
  assert.match(schemaAtInDocument(['data', 'dataset', 'label'], { data: { dataset: { format: 'csv' } } })!.description!, /label column/);
  assert.match(schemaAtInDocument(['data', 'dataset', 'label'], { data: { dataset: { format: 'jsonl' } } })!.description!, /Field holding the label/);
  assert.equal(schemaAtInDocument(['distillation', 'losses', 1, 'alpha'], { distillation: { losses: [{}, { kind: 'dkd' }] } })?.default, 1);
  assert.equal(schemaAt(['nope']), undefined);
});

test('loss kinds and layer types match the config contract', () => {
  assert.deepEqual([...lossKinds], ['cross_entropy', 'soft_kd', 'hard_kd', 'hint', 'attention', 'similarity', 'relational', 'pkt', 'dkd', 'adversarial']);
  assert.deepEqual([...layerTypes].sort(), ['activation', 'avgpool2d', 'batchnorm', 'conv1d', 'conv2d', 'dense', 'dropout', 'embedding', 'flatten', 'global_avg_pool1d', 'global_avg_pool2d', 'gru', 'lstm', 'maxpool1d', 'maxpool2d', 'reshape']);
});

test('every property and every enum value has a description', () => {
  const missing: string[] = [];
  const walk = (node: unknown, where: string) => {
    if (!node || typeof node !== 'object') return;
    const n = node as SchemaNode;
    if (n.properties) for (const [k, v] of Object.entries(n.properties)) {
      if (!v.description && !(v.$ref && distillSchema.definitions[v.$ref.split('/').pop()!]?.description)) missing.push(`${where}/properties/${k}`);
    }
    if (n.enum && (!n.enumDescriptions || n.enumDescriptions.length !== n.enum.length || n.enumDescriptions.some((d) => !d))) missing.push(`${where} enum`);
    // `if` conditions only select a branch; they are not keys a user writes.
    for (const [k, v] of Object.entries(n)) if (!['enum', 'default', 'enumDescriptions', 'if'].includes(k)) walk(v, `${where}/${k}`);
  };
  walk(distillSchema, '#');
  assert.deepEqual(missing, []);
});

test('the schema is draft-07 and closes objects where typos must be caught', () => {
  assert.equal(distillSchema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(distillSchema.additionalProperties, false);
  for (const k of Object.keys(distillSchema.definitions).filter((k) => k.startsWith('loss_') || k.startsWith('layer_') || k.startsWith('dataset_'))) {
    assert.equal(distillSchema.definitions[k].additionalProperties, false, k);
  }
});
