// Every shipped example trains: a tiny budget via the same --set overrides a user would type,
// and the distillation loss must go down. The mnist examples share one cached teacher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StepEvent } from '../../../src/core/protocol/events';
import { loadExperiment } from '../../../src/trainer/cli/loadExperiment';
import { runExperiment } from '../../../src/trainer/loop/experiment';

const EXAMPLES = resolve(__dirname, '../../../examples');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.distill.yaml')).sort();
const runsDir = join(mkdtempSync(join(tmpdir(), 'distillery-examples-')), 'runs');

const TINY = [
  'data.split.train=384', 'data.split.test=64', 'teacher.train.epochs=1', 'training.epochs=3', 'training.batch_size=32',
  'training.baseline=false', 'evaluation.latency=false', 'evaluation.examples=2',
];

test('there are examples', () => assert.ok(files.length > 0));

for (const file of files) {
  test(`${file} trains a few steps with a decreasing loss`, async () => {
    const sets = [...TINY];
    // Text examples: a small vocabulary and short documents keep this quick.
    if (file.startsWith('spam')) sets.push('data.text.vocab_size=2000', 'data.text.max_length=64');
    const loaded = loadExperiment(join(EXAMPLES, file), sets);
    assert.ok(loaded.ok, `${file}: ${JSON.stringify(!loaded.ok && (loaded.message ?? loaded.diagnostics))}`);
    if (!loaded.ok) return;
    const steps: StepEvent[] = [];
    const r = await runExperiment({
      config: loaded.config, configText: loaded.text, runsDir, stop: { requested: false }, stepEventIntervalMs: 0,
      onEvent: (e) => { if (e.type === 'step' && e.stage === 'distill') steps.push(e); },
    });
    assert.equal(r.status, 'completed', `${file}: ${r.error?.message}`);
    assert.equal(steps.length, 36);
    const mean = (xs: StepEvent[]) => xs.reduce((a, e) => a + e.total, 0) / xs.length;
    const first = mean(steps.slice(0, 5));
    const last = mean(steps.slice(-5));
    assert.ok(last < first, `${file}: loss did not decrease (${first.toFixed(4)} → ${last.toFixed(4)})`);
  });
}
