// Host-side panel controllers against a stand-in `vscode`: CSP and resource roots, nothing
// before `ready`, snapshot then batched appends, snapshot again after a hide, events racing
// the snapshot read, message validation, export saving, and restore after a reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Comparison, TrainerEvent } from '../../src/core/protocol/events';
import { Emitter, FakeUri, fake, installFakeVscode, type FakeWebviewPanel } from './fakeVscode';
import { runEvents } from './lossEvents';

installFakeVscode();
// Loaded after the stand-in is installed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { registerPanels } = require('../../src/extension/panels/panels') as typeof import('../../src/extension/panels/panels');

const events = runEvents({ runId: 'r1', stepsPerEpoch: 5, epochs: 1 });
const live = new Emitter<{ runDir: string; e: TrainerEvent }>();
let readDelay: Promise<void> = Promise.resolve();
const feed = {
  readEvents: async (runDir: string) => {
    await readDelay;
    return runDir === '/runs/r1' ? events : [];
  },
  onEvent: (l: (runDir: string, e: TrainerEvent) => void) => live.event(({ runDir, e }) => l(runDir, e)),
  readComparison: async (runDir: string) => (runDir === '/runs/r1' ? ({ run_id: 'r1' } as unknown as Comparison) : undefined),
};
const subscriptions: Array<{ dispose(): void }> = [];
const panels = registerPanels({ extensionUri: FakeUri.file('/ext'), subscriptions } as never, feed);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const step = (n: number): TrainerEvent => ({ v: 1, t: 2e12 + n, type: 'step', stage: 'distill', epoch: 0, step: n, losses: {}, total: 1, lr: 0.1, examples_per_sec: 1 });
const ready = (p: FakeWebviewPanel, panel: 'loss' | 'compare' = 'loss') => p.fromWebview({ type: 'ready', v: 1, panel });

test('the loss panel page has a strict CSP and loads only from dist/webview', () => {
  panels.openLoss(['/runs/r1']);
  const p = fake.panels.at(-1)!;
  assert.equal(p.viewType, 'distillery.loss');
  assert.deepEqual((p.webview.options.localResourceRoots as FakeUri[]).map(String), ['file:///ext/dist/webview']);
  assert.equal(p.webview.options.enableScripts, true);
  assert.equal(p.options.retainContextWhenHidden, undefined);
  const nonce = /script-src 'nonce-([A-Za-z0-9]+)'/.exec(p.webview.html)![1];
  assert.match(p.webview.html, new RegExp(`content="default-src 'none'; script-src 'nonce-${nonce}'; style-src https://webview.test 'nonce-${nonce}'; img-src https://webview.test data: blob:; font-src https://webview.test"`));
  assert.match(p.webview.html, new RegExp(`<script nonce="${nonce}" src="https://webview.test/ext/dist/webview/loss.js"></script>`));
  assert.match(p.webview.html, /<link rel="stylesheet" href="https:\/\/webview.test\/ext\/dist\/webview\/loss.css">/);
  assert.doesNotMatch(p.webview.html, /unsafe-inline|unsafe-eval/);
  // Opening the same runs again reveals the panel instead of opening a second one.
  panels.openLoss(['/runs/r1']);
  assert.equal(fake.panels.filter((x) => x.viewType === 'distillery.loss').length, 1);
  assert.equal(p.revealed, 1);
});

test('nothing before ready; then a snapshot, then batched appends', async () => {
  const p = fake.panels.find((x) => x.viewType === 'distillery.loss')!;
  live.fire({ runDir: '/runs/r1', e: step(100) });
  await sleep(150);
  assert.deepEqual(p.posted, []);
  ready(p);
  await sleep(10);
  assert.equal(p.posted.length, 1);
  const snap = p.posted[0] as { type: string; runs: Array<{ runId: string; label: string; events: unknown[] }> };
  assert.equal(snap.type, 'snapshot');
  assert.equal(snap.runs[0]!.runId, 'r1');
  assert.equal(snap.runs[0]!.label, 'r1');
  assert.equal(snap.runs[0]!.events.length, events.length);
  live.fire({ runDir: '/runs/r1', e: step(101) });
  live.fire({ runDir: '/runs/other', e: step(1) });
  live.fire({ runDir: '/runs/r1', e: step(102) });
  await sleep(150);
  assert.equal(p.posted.length, 2);
  assert.deepEqual(p.posted[1], { type: 'append', v: 1, runDir: '/runs/r1', events: [step(101), step(102)] });
});

test('hidden panels get nothing; shown again they say ready and get a fresh snapshot', async () => {
  const p = fake.panels.find((x) => x.viewType === 'distillery.loss')!;
  p.posted.length = 0;
  p.setVisible(false);
  live.fire({ runDir: '/runs/r1', e: step(103) });
  await sleep(150);
  assert.deepEqual(p.posted, []);
  p.setVisible(true);
  ready(p);
  await sleep(10);
  assert.equal((p.posted[0] as { type: string }).type, 'snapshot');
});

test('events arriving while the snapshot is read follow it once, without repeats', async () => {
  const p = fake.panels.find((x) => x.viewType === 'distillery.loss')!;
  p.posted.length = 0;
  let release!: () => void;
  readDelay = new Promise((r) => { release = r; });
  ready(p);
  // One event already in the file (the snapshot has it), one new. The repeat comes with its
  // keys in another order, as an IPC object may against a parsed file line.
  const last = events.at(-1)!;
  const reordered = Object.fromEntries(Object.entries(last).reverse()) as unknown as TrainerEvent;
  live.fire({ runDir: '/runs/r1', e: reordered });
  live.fire({ runDir: '/runs/r1', e: step(200) });
  release();
  await sleep(150);
  readDelay = Promise.resolve();
  assert.equal(p.posted.length, 2);
  assert.equal((p.posted[0] as { type: string }).type, 'snapshot');
  assert.deepEqual(p.posted[1], { type: 'append', v: 1, runDir: '/runs/r1', events: [step(200)] });
});

test('malformed webview messages are ignored and logged; saveFile writes where the user chose', async () => {
  const p = fake.panels.find((x) => x.viewType === 'distillery.loss')!;
  p.posted.length = 0;
  p.fromWebview({ type: 'runShell', v: 1, cmd: 'rm -rf /' });
  p.fromWebview('ready');
  p.fromWebview({ type: 'saveFile', v: 1, name: '../x.csv', mime: 'text/csv', data: 'a' });
  assert.deepEqual(p.posted, []);
  assert.equal(fake.log.filter((l) => l.includes('ignored a malformed message')).length, 3);
  fake.saveTarget = FakeUri.file('/ws/total.csv');
  p.fromWebview({ type: 'saveFile', v: 1, name: 'total.csv', mime: 'text/csv', data: 'run_id,total\nr1,1\n' });
  p.fromWebview({ type: 'saveFile', v: 1, name: 'total.png', mime: 'image/png', data: `data:image/png;base64,${Buffer.from([137, 80, 78, 71]).toString('base64')}` });
  await sleep(10);
  assert.equal(Buffer.from(fake.written[0]!.bytes).toString('utf8'), 'run_id,total\nr1,1\n');
  assert.deepEqual([...fake.written[1]!.bytes], [137, 80, 78, 71]);
});

test('the comparison panel snapshots on ready and again when the run writes its comparison', async () => {
  panels.openComparison(['/runs/r1', '/runs/r2', '/runs/r3']);
  const p = fake.panels.at(-1)!;
  assert.equal(p.viewType, 'distillery.comparison');
  assert.match(p.webview.html, /src="https:\/\/webview.test\/ext\/dist\/webview\/compare.js"/);
  ready(p, 'compare');
  await sleep(10);
  const snap = p.posted[0] as { entries: Array<{ runDir: string; comparison?: unknown }> };
  assert.deepEqual(snap.entries.map((e) => [e.runDir, Boolean(e.comparison)]), [['/runs/r1', true], ['/runs/r2', false]]);
  live.fire({ runDir: '/runs/r2', e: { v: 1, t: 1, type: 'comparison', path: 'comparison.json', summary: {} as never } });
  await sleep(10);
  assert.equal(p.posted.length, 2);
});

test('panels are restored after a reload from the run directories in their state', async () => {
  const restored = new (await import('./fakeVscode')).FakeWebviewPanel('distillery.loss', 'Loss', {});
  await fake.serializers.get('distillery.loss')!.deserializeWebviewPanel(restored, { v: 1, panel: 'loss', runDirs: ['/runs/r1'] });
  assert.match(restored.webview.html, /loss\.js/);
  ready(restored);
  await sleep(10);
  assert.equal((restored.posted[0] as { runs: unknown[] }).runs.length, 1);
  const junk = new (await import('./fakeVscode')).FakeWebviewPanel('distillery.loss', 'Loss', {});
  await fake.serializers.get('distillery.loss')!.deserializeWebviewPanel(junk, { runDirs: [42] });
  assert.equal(junk.isDisposed, true);
  // Everything registered is disposed with the extension.
  for (const d of subscriptions) d.dispose();
  assert.equal(live.count, 0, 'feed listeners left behind');
});
