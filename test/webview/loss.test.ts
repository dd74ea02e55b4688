// The live loss panel in real Chromium: protocol order, snapshot + appends, smoothing, log
// scale, zoom, export, downsampling, no network, and the CSP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { TrainerEvent } from '../../src/core/protocol/events';
import { ROOT, launch, nextFrames, openPanel, type PanelPage } from './harness';
import { runEvents } from './lossEvents';

let browser: Browser;
let panel: PanelPage;
const events = runEvents({ runId: 'run-a', stepsPerEpoch: 40, epochs: 3 });
const firstDistill = events.findIndex((e) => e.type === 'stage' && e.stage === 'distill');
const stepsOf = (list: TrainerEvent[]): number => list.filter((e) => e.type === 'step').length;
// One extra scalar that goes negative: log scale must drop it rather than draw garbage.
for (const e of events) if (e.type === 'step') e.metrics = { log_var: e.step % 2 ? -0.5 : 0.5 };

const chart = (group: string): string => `section.chart[data-group="${group}"]`;
const dataset = (group: string) => panel.page.$eval(chart(group), (el) => ({ ...(el as HTMLElement).dataset }));

before(async () => {
  browser = await launch();
  panel = await openPanel(browser, 'loss');
});
after(async () => { await browser?.close(); });

test('the webview says ready first, before anything else', async () => {
  await panel.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  const posted = await panel.posted();
  assert.equal(posted[0]!.type, 'ready');
  assert.equal(posted[0]!.panel, 'loss');
});

test('a snapshot renders, then appends extend the same charts', async () => {
  await panel.send({ type: 'snapshot', v: 1, runs: [{ runDir: '/runs/run-a', runId: 'run-a', label: 'run-a', events: events.slice(0, firstDistill) }] });
  await panel.page.waitForSelector(`${chart('total')} canvas`);
  await nextFrames(panel.page);
  const before = stepsOf(events.slice(0, firstDistill));
  assert.equal((await dataset('total')).rawPoints, String(before));
  assert.equal((await dataset('total')).renderedPoints, String(before));
  await panel.page.$eval(`${chart('total')} canvas`, (c) => { (c as unknown as { marked: boolean }).marked = true; });

  // Appends in three batches, as the host sends them while training runs.
  const rest = events.slice(firstDistill);
  for (let i = 0; i < rest.length; i += 50) await panel.send({ type: 'append', v: 1, runDir: '/runs/run-a', events: rest.slice(i, i + 50) });
  await nextFrames(panel.page);
  assert.equal((await dataset('total')).rawPoints, String(stepsOf(events)));
  assert.equal((await dataset('total')).renderedPoints, String(stepsOf(events)));
  assert.equal(await panel.page.$eval(`${chart('total')} canvas`, (c) => (c as unknown as { marked?: boolean }).marked === true), true,
    'the chart was recreated on append instead of updated');

  // Every metric group of a KD run has a chart; epoch-level groups count epochs.
  for (const g of ['terms', 'weighted', 'total', 'weights', 'lr', 'accuracy', 'agreement', 'kl', 'epochLoss', 'throughput', 'metrics']) {
    assert.ok(await panel.page.$(chart(g)), `missing chart ${g}`);
  }
  assert.equal((await dataset('accuracy')).rawPoints, '9');
  // The distill stage's terms arrived by append.
  const legend = await panel.page.$$eval(`${chart('terms')} .u-legend .u-series th`, (ths) => ths.map((t) => t.textContent?.trim()));
  assert.ok(legend.includes('soft_kd') && legend.includes('hard_ce') && legend.includes('ce'), String(legend));

  const inked = await panel.page.$eval(`${chart('total')} canvas`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
  assert.ok(inked > 1000, `canvas looks empty (${inked} painted pixels)`);
});

async function hoverValues(group: string): Promise<string[]> {
  const over = await panel.page.$(`${chart(group)} .u-over`);
  await over!.scrollIntoViewIfNeeded();
  const box = (await over!.boundingBox())!;
  await panel.page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await nextFrames(panel.page, 1);
  return panel.page.$$eval(`${chart(group)} .u-legend .u-series .u-value`, (tds) => tds.map((t) => t.textContent ?? ''));
}

test('the crosshair legend shows smoothed and raw values; smoothing 0 draws raw only', async () => {
  const [, smoothed, raw] = await hoverValues('total');
  assert.match(smoothed!, /^\d/);
  assert.match(raw!, /^\d/);
  assert.notEqual(smoothed, raw, 'EMA smoothing left the series unchanged');
  await panel.page.$eval('input[type=range]', (el) => {
    (el as HTMLInputElement).value = '0';
    el.dispatchEvent(new Event('input'));
  });
  await nextFrames(panel.page);
  const [, plain, rawOff] = await hoverValues('total');
  assert.match(plain!, /^\d/);
  assert.equal(rawOff, '–');
  assert.equal(((await panel.state()) as { smoothing: number }).smoothing, 0);
});

test('log scale drops non-positive values and is saved in the state', async () => {
  const linear = await hoverValues('metrics');
  assert.ok(linear.slice(1).some((v) => v.startsWith('-')), String(linear));
  await panel.page.click('vscode-checkbox');
  await nextFrames(panel.page);
  assert.equal(((await panel.state()) as { logY: boolean }).logY, true);
  const values = await panel.page.$$eval(`${chart('metrics')} .u-legend .u-series .u-value`, (tds) => tds.map((t) => t.textContent ?? ''));
  assert.ok(!values.some((v) => v.startsWith('-')), String(values));
  await panel.page.click('vscode-checkbox');
  await nextFrames(panel.page);
});

test('drag zooms into a range, double click resets', async () => {
  const over = (await panel.page.$(`${chart('total')} .u-over`))!;
  await over.scrollIntoViewIfNeeded();
  const box = (await over.boundingBox())!;
  const total = Number((await dataset('total')).renderedPoints);
  await panel.page.mouse.move(box.x + box.width * 0.2, box.y + 20);
  await panel.page.mouse.down();
  await panel.page.mouse.move(box.x + box.width * 0.4, box.y + 20, { steps: 5 });
  await panel.page.mouse.up();
  await nextFrames(panel.page);
  const zoomed = Number((await dataset('total')).renderedPoints);
  assert.ok(zoomed < total * 0.5 && zoomed > 2, `zoomed ${zoomed} of ${total}`);
  await panel.page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
  await nextFrames(panel.page);
  assert.equal(Number((await dataset('total')).renderedPoints), total);
});

test('CSV and PNG export post a saveFile message with the data', async () => {
  await panel.page.click(`${chart('total')} vscode-button:has-text("CSV")`);
  await panel.page.click(`${chart('total')} vscode-button:has-text("PNG")`);
  const saves = (await panel.posted()).filter((m) => m.type === 'saveFile');
  const csv = saves.find((m) => m.mime === 'text/csv')!;
  const lines = (csv.data as string).trim().split('\n');
  assert.equal(lines[0], 'run_id,stage,step,epoch,wall_s,total');
  assert.equal(lines.length, 1 + stepsOf(events));
  assert.match(lines[1]!, /^run-a,teacher,0,0,[\d.]+,[\d.]+$/);
  const png = saves.find((m) => m.mime === 'image/png')!;
  assert.match(png.data as string, /^data:image\/png;base64,[A-Za-z0-9+/]{2000,}/);
  assert.equal(png.name, 'total.png');
});

test('events.jsonl from a real (short) training run renders every stage', async () => {
  const lines = readFileSync(join(ROOT, 'test/fixtures/comparison/mnist-real-run.events.jsonl'), 'utf8').trim().split('\n');
  const real = lines.map((l) => JSON.parse(l) as TrainerEvent);
  const p = await openPanel(browser, 'loss');
  await p.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  await p.send({ type: 'snapshot', v: 1, runs: [{ runDir: '/runs/real', runId: 'real', label: 'real', events: real }] });
  await p.page.waitForSelector(`${chart('accuracy')} canvas`);
  await nextFrames(p.page);
  const groupRows = (g: string) => p.page.$eval(chart(g), (e) => (e as HTMLElement).dataset.rawPoints);
  assert.equal(await groupRows('total'), String(stepsOf(real)));
  assert.equal(await groupRows('accuracy'), String(real.filter((e) => e.type === 'epoch').length));
  const terms = await p.page.$$eval(`${chart('terms')} .u-legend .u-series th`, (ths) => ths.map((t) => t.textContent?.trim()));
  assert.ok(terms.includes('soft_kd'), String(terms));
  assert.match(await p.page.$eval('.status', (e) => e.textContent!), /completed/);
  assert.deepEqual(p.pageErrors, []);
  await p.page.close();
});

test('malformed messages are ignored, bad events are skipped', async () => {
  await panel.send({ type: 'append', v: 1, runDir: '/runs/run-a', events: 'nope' });
  await panel.send({ type: 'explode', v: 1 });
  await panel.send({ type: 'append', v: 99, runDir: '/runs/run-a', events: [] });
  await panel.send(null);
  await panel.send({ type: 'append', v: 1, runDir: '/runs/run-a', events: [{ type: 'step' }, { type: 'nope', t: 1 }, 42] });
  await nextFrames(panel.page);
  assert.equal((await dataset('total')).rawPoints, String(stepsOf(events)));
  assert.deepEqual(panel.pageErrors, []);
});

test('long series are downsampled for display; CSV keeps every raw point', async () => {
  const big: TrainerEvent[] = [{ v: 1, t: 0, type: 'stage', stage: 'distill', steps_per_epoch: 1000 }];
  for (let step = 0; step < 20_000; step++) {
    const value = 1 + 0.1 * Math.sin(step);
    big.push({ v: 1, t: step, type: 'step', stage: 'distill', epoch: Math.floor(step / 1000), step, losses: {}, total: value, lr: 0.1, examples_per_sec: 1 });
  }
  await panel.send({ type: 'snapshot', v: 1, runs: [{ runDir: '/runs/big', runId: 'big', label: 'big', events: big }] });
  await nextFrames(panel.page);
  const d = await dataset('total');
  assert.equal(d.rawPoints, '20000');
  assert.ok(Number(d.renderedPoints) < 5_000, `rendered ${d.renderedPoints}`);
  const csvLines = await (async () => {
    await panel.page.click(`${chart('total')} vscode-button:has-text("CSV")`);
    const saves = (await panel.posted()).filter((m) => m.type === 'saveFile');
    return (saves[saves.length - 1]!.data as string).trim().split('\n').length;
  })();
  assert.equal(csvLines, 20_001, 'CSV exports the raw points, not the downsampled ones');
});

test('legend clicks hide a series (and its raw line) and are saved', async () => {
  await panel.send({ type: 'snapshot', v: 1, runs: [{ runDir: '/runs/run-a', runId: 'run-a', label: 'run-a', events }] });
  await panel.page.waitForFunction(() => document.querySelector('section.chart[data-group="terms"] .u-legend'));
  await panel.page.locator(`${chart('terms')} .u-legend .u-series th`, { hasText: 'soft_kd' }).first().click();
  const hidden = ((await panel.state()) as { hidden: string[] }).hidden;
  assert.deepEqual(hidden, ['terms|run-a|terms:soft_kd']);
  const off = await panel.page.$$eval(`${chart('terms')} .u-legend .u-series`, (rows) => rows.map((r) => r.classList.contains('u-off')));
  // x, ce, ce raw, soft_kd, soft_kd raw, hard_ce, hard_ce raw
  assert.deepEqual(off, [false, false, false, true, true, false, false]);
});

test('a restored state brings back axis, smoothing, log scale and hidden series', async () => {
  const restored = await openPanel(browser, 'loss', { v: 1, panel: 'loss', runDirs: ['/runs/run-a'], xMode: 'time', logY: true, smoothing: 0.3, hidden: ['total|run-a|total:total'] });
  await restored.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
  await restored.send({ type: 'snapshot', v: 1, runs: [{ runDir: '/runs/run-a', runId: 'run-a', label: 'run-a', events }] });
  await restored.page.waitForSelector(`${chart('accuracy')} .u-legend`);
  assert.equal(await restored.page.$eval('input[type=range]', (e) => (e as HTMLInputElement).value), '0.3');
  assert.equal(await restored.page.$eval('vscode-dropdown', (e) => (e as unknown as { value: string }).value), 'time');
  assert.equal(await restored.page.$eval('vscode-checkbox', (e) => (e as unknown as { checked: boolean }).checked), true);
  assert.equal(await restored.page.$eval(`${chart('total')} .u-legend .u-series th`, (e) => e.textContent?.trim()), 'wall time (s)');
  const off = await restored.page.$$eval(`${chart('total')} .u-legend .u-series`, (rows) => rows.map((r) => r.classList.contains('u-off')));
  assert.deepEqual(off, [false, true, true]);
  assert.equal(await restored.page.$eval(`${chart('accuracy')}`, (e) => (e as HTMLElement).dataset.rawPoints), '9');
  assert.deepEqual(restored.pageErrors, []);
  await restored.page.close();
});

test('several runs overlay with colours that follow the run, not the order', async () => {
  const a = { runDir: '/runs/run-a', runId: 'run-a', label: 'run-a', events };
  const b = { runDir: '/runs/run-b', runId: 'run-b', label: 'run-b', events: runEvents({ runId: 'run-b', stepsPerEpoch: 30, epochs: 2 }) };
  const colours = async () => panel.page.$$eval(`${chart('total')} .u-legend .u-series`, (rows) => Object.fromEntries(rows.slice(1)
    .filter((r) => !r.classList.contains('raw-series'))
    .map((r) => [r.querySelector('th')!.textContent!.trim(), getComputedStyle(r.querySelector('.u-marker')!).borderColor])));
  await panel.send({ type: 'snapshot', v: 1, runs: [a, b] });
  await panel.page.waitForFunction(() => document.querySelectorAll('section.chart[data-group="total"] .u-legend .u-series').length === 5);
  const first = await colours();
  assert.deepEqual(Object.keys(first).sort(), ['run-a · total', 'run-b · total']);
  assert.notEqual(first['run-a · total'], first['run-b · total']);
  await panel.send({ type: 'snapshot', v: 1, runs: [b, a] });
  await nextFrames(panel.page);
  assert.deepEqual(await colours(), first);
});

test('no request leaves the machine, and the CSP blocks inline scripts', async () => {
  assert.deepEqual(panel.remoteRequests, []);
  assert.deepEqual(await panel.violations(), [], 'rendering itself violated the CSP');
  const ran = await panel.page.evaluate(async () => {
    const w = window as unknown as { __inlineRan?: boolean };
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return w.__inlineRan === true;
  });
  assert.equal(ran, false);
  const v = await panel.violations();
  assert.ok(v.some((x) => x.directive.startsWith('script-src') && x.blocked === 'inline'), JSON.stringify(v));
});
