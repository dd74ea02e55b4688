// A run stopped mid-distillation and resumed continues with the adversarial term's discriminator
// and its Adam as they were at the stop, not with fresh ones; checkpoints written before terms
// saved state (no `state` group) still resume.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { adversarial } from '../../../src/trainer/losses/adversarial';
import type { LossTerm, NamedTensor } from '../../../src/trainer/losses/types';
import { disposeCheckpoint, readCheckpoint } from '../../../src/trainer/loop/checkpoint';
import { runExperiment } from '../../../src/trainer/loop/experiment';
import { tinyExperiment } from './fixtures';

const losses = `    - kind: cross_entropy
      weight: 1
    - kind: adversarial
      weight: 0.1
      hidden_units: [8]
      discriminator_learning_rate: 0.01`;

interface Snapshot { [name: string]: number[] }

async function snapshot(saved: Promise<NamedTensor[]>): Promise<Snapshot> {
  const ts = await saved;
  const out = Object.fromEntries(ts.map((t) => [t.name, Array.from(t.tensor.dataSync())]));
  tf.dispose(ts.map((t) => t.tensor));
  return out;
}

/** Runs `body` with every adversarial term it creates handed to `onTerm`. */
async function watchingTerms<T>(onTerm: (term: LossTerm) => void, body: () => Promise<T>): Promise<T> {
  const create = adversarial.create;
  adversarial.create = (c, s) => { const t = create.call(adversarial, c, s); onTerm(t); return t; };
  try {
    return await body();
  } finally {
    adversarial.create = create;
  }
}

/** The distill checkpoint's term state, names without the term id. */
function checkpointState(runDir: string): { snapshot: Snapshot; stageStep: number } {
  const c = readCheckpoint(join(runDir, 'checkpoints', 'distill'))!;
  const snap = Object.fromEntries(c.state.map((s) => [s.name.replace(/^adversarial\//, ''), Array.from(s.tensor.dataSync())]));
  const stageStep = c.stageStep;
  disposeCheckpoint(c);
  return { snapshot: snap, stageStep };
}

async function stopAtStep(stopAt: number) {
  const x = tinyExperiment({ epochs: 2, baseline: false, losses });
  const stop = { requested: false };
  let term: LossTerm | undefined;
  let live: Promise<Snapshot> | undefined;
  let distillSteps = 0;
  const r = await watchingTerms((t) => { term = t; }, () => runExperiment({
    config: x.config, configText: x.text, runsDir: x.runsDir, stop, stepEventIntervalMs: 0,
    onEvent: (e) => {
      if (e.type === 'step' && e.stage === 'distill' && ++distillSteps === stopAt) {
        stop.requested = true;
        // The step (and its discriminator step) is done, and no other follows a stop request.
        live = snapshot(term!.state!.save());
      }
    },
  }));
  assert.equal(r.status, 'stopped');
  return { x, r, live: await live! };
}

test('resuming mid-epoch continues with the discriminator and its Adam as they were at the stop', async () => {
  const { x, r, live } = await stopAtStep(5);
  assert.equal(live['optimizer/0'][0], 5, 'one discriminator step per student step');
  const ck = checkpointState(r.runDir);
  assert.equal(ck.stageStep, 5);
  assert.deepEqual(ck.snapshot, live, 'the checkpoint holds the live discriminator and optimizer state');

  let restored: Promise<Snapshot> | undefined;
  const resumed = await watchingTerms((t) => {
    const load = t.state!.load;
    // Read the state back right after the resume loaded it, before any step.
    (t.state as { load: typeof load }).load = async (ts) => { await load(ts); restored = snapshot(t.state!.save()); await restored; };
  }, () => runExperiment({ config: x.config, configText: x.text, runsDir: x.runsDir, resumeDir: r.runDir, stop: { requested: false }, stepEventIntervalMs: 0 }));
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.error));
  assert.ok(restored, 'the resumed term was given the checkpoint state');
  assert.deepEqual(await restored, live);
  // The stage's last checkpoint: its discriminator took one step per student step of the whole stage.
  const end = checkpointState(r.runDir);
  assert.equal(end.snapshot['optimizer/0'][0], end.stageStep);
});

test('a checkpoint without the state group (older format) still resumes, with a fresh discriminator', async () => {
  const { x, r } = await stopAtStep(3);
  const manifestPath = join(r.runDir, 'checkpoints', 'distill', 'checkpoint.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { tensors: { group: string }[] };
  assert.ok(manifest.tensors.some((t) => t.group === 'state'));
  manifest.tensors = manifest.tensors.filter((t) => t.group !== 'state');
  writeFileSync(manifestPath, JSON.stringify(manifest));

  const resumed = await runExperiment({ config: x.config, configText: x.text, runsDir: x.runsDir, resumeDir: r.runDir, stop: { requested: false }, stepEventIntervalMs: 0 });
  assert.equal(resumed.status, 'completed', JSON.stringify(resumed.error));
  const end = checkpointState(r.runDir);
  assert.equal(end.snapshot['optimizer/0'][0], end.stageStep - 3, 'the discriminator restarted at the resume');
});
