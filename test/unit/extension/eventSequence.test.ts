import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrainerEvent } from '../../../src/core/protocol/events';
import { EventSequence } from '../../../src/core/runView/eventSequence';

const events: TrainerEvent[] = [
  { v: 1, t: 1, type: 'started', run_id: 'r', experiment: 'x', backend: 'cpu', seed: 1, config_hash: 'h', versions: {}, pid: 1, run_dir: '/r' },
  { v: 1, t: 2, type: 'stage', stage: 'distill', epochs: 1, steps_per_epoch: 3 },
  ...[0, 1, 2].map((step): TrainerEvent => ({ v: 1, t: 3 + step, type: 'step', stage: 'distill', epoch: 0, step, losses: {}, total: 1 / (step + 1), lr: 1, examples_per_sec: 1 })),
  { v: 1, t: 9, type: 'finished', status: 'completed', duration_ms: 8 },
];

test('two deliveries of the same sequence apply each event once, in order', () => {
  // Seeded interleavings: the file tail and IPC each deliver everything in order, at random relative paces.
  for (let seed = 1; seed <= 50; seed++) {
    let r = seed;
    const rand = () => ((r = (r * 16807) % 2147483647) / 2147483647);
    const seq = new EventSequence();
    const applied: TrainerEvent[] = [];
    let ipc = 0;
    let file = 0;
    while (ipc < events.length || file < events.length) {
      const fromIpc = file >= events.length || (ipc < events.length && rand() < 0.5);
      const i = fromIpc ? ipc++ : file++;
      if (seq.offer(i, events[i])) applied.push(events[i]);
    }
    assert.deepEqual(applied, events, `seed ${seed}`);
    assert.equal(seq.count, events.length);
    assert.equal(seq.progress.eventCount, events.length);
    assert.equal(seq.progress.finished?.status, 'completed');
  }
});

test('a source that lost events (IPC cut short) is completed by the other', () => {
  const seq = new EventSequence();
  for (let i = 0; i < 3; i++) seq.offer(i, events[i]);
  // The file, read from the start after the process exited.
  const fromFile = events.filter((e, i) => seq.offer(i, e));
  assert.deepEqual(fromFile, events.slice(3));
  assert.equal(seq.progress.stage?.lastStep?.step, 2);
});
