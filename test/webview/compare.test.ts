// The comparison panel in real Chromium, from hand-built comparison.json fixtures: every
// section renders, gallery filters work and persist, two runs sit side by side, no network,
// and the CSP holds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Comparison } from '../../src/core/protocol/events';
import { ROOT, launch, nextFrames, openPanel, type PanelPage } from './harness';

const fixture = (name: string): Comparison => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/comparison', name), 'utf8')) as Comparison;
const mnist = fixture('mnist-kd.comparison.json');
const spam = fixture('spam-kd.comparison.json');
const entry = (c: Comparison) => ({ runDir: `/runs/${c.run_id}`, runId: c.run_id, label: c.run_id, comparison: c });

let browser: Browser;
let panel: PanelPage;

before(async () => {
  browser = await launch();
  panel = await openPanel(browser, 'compare');
});
after(async () => { await browser?.close(); });

/** Painted (non-transparent) pixels of every canvas matching the selector. */
const inked = (selector: string) => panel.page.$$eval(selector, (cs) => cs.map((c) => {
  const canvas = c as HTMLCanvasElement;
  const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
  return n;
}));

test('ready comes first', async () => {
  await panel.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  const posted = await panel.posted();
  assert.equal(posted[0]!.type, 'ready');
  assert.equal(posted[0]!.panel, 'compare');
});

test('an MNIST comparison renders cards, per-class table, heatmaps, reliability and the gallery', async () => {
  await panel.send({ type: 'snapshot', v: 1, entries: [entry(mnist)] });
  await panel.page.waitForSelector('.run .cards');
  const cards = await panel.page.$$eval('.card', (cs) => cs.map((c) => [c.querySelector('.label')!.textContent, c.querySelector('.value')!.textContent]));
  assert.equal(cards.length, 12);
  const card = Object.fromEntries(cards) as Record<string, string>;
  assert.equal(card['Teacher accuracy'], `${(mnist.teacher.accuracy * 100).toFixed(2)}%`);
  assert.equal(card['Student accuracy'], `${(mnist.student.accuracy * 100).toFixed(2)}%`);
  assert.equal(card['KD gain over baseline'], `+${((mnist.student.accuracy - mnist.baseline!.accuracy) * 100).toFixed(2)} pts`);
  assert.equal(card['Compression'], `${mnist.summary.compression.toFixed(2)}×`);
  assert.equal(await panel.page.$$eval('table.per-class tbody tr', (r) => r.length), 10);
  // Teacher, student, difference; reliability of teacher, baseline, student.
  const figures = await inked('.figure canvas');
  assert.equal(figures.length, 6);
  assert.ok(figures.every((n) => n > 500), String(figures));
  const images = await inked('.gallery .example canvas');
  assert.equal(images.length, mnist.disagreements.length);
  assert.ok(images.every((n) => n === 28 * 28), 'each MNIST image fills its 28×28 canvas');
  const first = await panel.page.$eval('.gallery .example', (e) => e.textContent);
  const d0 = mnist.disagreements[0]!;
  assert.ok(first!.includes(`teacher: ${d0.teacher.pred} (${(d0.teacher.confidence * 100).toFixed(1)}%)`), first!);
  assert.ok(first!.includes(`student: ${d0.student.pred} (${(d0.student.confidence * 100).toFixed(1)}%)`), first!);
});

test('a comparison.json written by a real (short) training run renders', async () => {
  const real = fixture('mnist-real-run.comparison.json');
  await panel.send({ type: 'snapshot', v: 1, entries: [entry(real)] });
  await panel.page.waitForSelector(`.run[data-run-id="${real.run_id}"] .cards`);
  assert.equal(await panel.page.$$eval('.card', (c) => c.length), 12);
  assert.equal(await panel.page.$$eval('table.per-class tbody tr', (r) => r.length), real.class_names.length);
  assert.equal((await inked('.figure canvas')).length, real.baseline ? 6 : 5);
  assert.equal(await panel.page.$$eval('.gallery .example', (e) => e.length), Math.min(120, real.disagreements.length));
  await panel.send({ type: 'snapshot', v: 1, entries: [entry(mnist)] });
  await panel.page.waitForSelector(`.run[data-run-id="${mnist.run_id}"] .cards`);
});

test('gallery filters by class and by who is right, and the filter is saved', async () => {
  await panel.page.click('vscode-dropdown[title="true class"]');
  await panel.page.click('vscode-dropdown[title="true class"] vscode-option >> text="3"');
  await nextFrames(panel.page);
  const labels = await panel.page.$$eval('.gallery .example', (es) => es.map((e) => e.children[1]!.textContent));
  assert.equal(labels.length, mnist.disagreements.filter((d) => d.label === 3).length);
  assert.ok(labels.every((l) => l!.endsWith('true 3')), String(labels));

  await panel.page.click('vscode-dropdown[title="true class"]');
  await panel.page.click('vscode-dropdown[title="true class"] vscode-option >> text="all classes"');
  await panel.page.click('vscode-dropdown[title="who is right"]');
  await panel.page.click('vscode-option >> text="student right, teacher wrong"');
  await nextFrames(panel.page);
  const expected = mnist.disagreements.filter((d) => d.student.pred === d.label && d.teacher.pred !== d.label).length;
  assert.ok(expected > 0);
  assert.equal(await panel.page.$$eval('.gallery .example', (es) => es.length), expected);
  const state = (await panel.state()) as { filters: Record<string, { cls: number; who: string }>; runDirs: string[] };
  assert.deepEqual(state.filters[mnist.run_id], { cls: -1, who: 'student' });
  assert.deepEqual(state.runDirs, [`/runs/${mnist.run_id}`]);
});

test('two runs side by side; text inputs shown as snippets; a missing comparison says so', async () => {
  await panel.send({ type: 'snapshot', v: 1, entries: [entry(mnist), entry(spam)] });
  await panel.page.waitForFunction(() => document.querySelectorAll('.run').length === 2);
  const texts = await panel.page.$$eval(`.run[data-run-id="${spam.run_id}"] .example .text`, (ts) => ts.map((t) => t.textContent));
  assert.equal(texts.length, spam.disagreements.length);
  assert.ok(texts[0]!.startsWith('Congratulations!'));
  // The saved filter of the first run still applies after the new snapshot.
  const expected = mnist.disagreements.filter((d) => d.student.pred === d.label && d.teacher.pred !== d.label).length;
  assert.equal(await panel.page.$$eval(`.run[data-run-id="${mnist.run_id}"] .example`, (es) => es.length), expected);

  await panel.send({ type: 'snapshot', v: 1, entries: [{ runDir: '/runs/x', runId: 'x', label: 'x' }] });
  await panel.page.waitForFunction(() => document.querySelectorAll('.run').length === 0);
  assert.match(await panel.page.$eval('.runs .empty', (e) => e.textContent!), /no comparison\.json yet/);
});

test('malformed snapshots are ignored', async () => {
  await panel.send({ type: 'snapshot', v: 1, entries: [entry(mnist)] });
  await panel.page.waitForSelector('.run .cards');
  await panel.send({ type: 'snapshot', v: 1, entries: 'x' });
  await panel.send({ type: 'snapshot', v: 2, entries: [] });
  await panel.send({ type: 'append', v: 1 });
  await nextFrames(panel.page);
  assert.equal(await panel.page.$$eval('.run', (r) => r.length), 1);
  // A comparison with the wrong shape is dropped, the entry stays (as "no comparison yet").
  await panel.send({ type: 'snapshot', v: 1, entries: [{ ...entry(mnist), comparison: { ...mnist, teacher: { accuracy: 'high' } } }] });
  await panel.page.waitForFunction(() => document.querySelectorAll('.run').length === 0);
  assert.deepEqual(panel.pageErrors, []);
});

test('nothing loads from the network, and the CSP blocks inline scripts', async () => {
  assert.deepEqual(panel.remoteRequests, []);
  assert.deepEqual(await panel.violations(), []);
  const ran = await panel.page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  assert.equal(ran, false);
  assert.ok((await panel.violations()).some((v) => v.directive.startsWith('script-src') && v.blocked === 'inline'));
});
