// Loss panel frame times with 100k points per series, in real Chromium:
//   node --import tsx bench/webview.bench.ts [points=100000] [appends=120]
// Loads a snapshot of a KD run with `points` steps (3 loss terms: 13 step series), then sends
// appends of 25 steps each, waiting for the frame after each, and prints the median and p95
// of the in-page work per append (message parse + ingest + downsample + uPlot redraw) and of
// the wall time from dispatch to the next painted frame.
import { launch, nextFrames, openPanel } from '../test/webview/harness';

const points = Number(process.argv[2] ?? 100_000);
const appends = Number(process.argv[3] ?? 120);
const BATCH = 25;

// Built in the page (a string: no tsx helpers there) so the benchmark times the panel, not
// the transfer of a 40 MB snapshot through the devtools protocol.
const makeSteps = `(from, count) => {
  const out = [];
  for (let step = from; step < from + count; step++) {
    const losses = {};
    for (const [term, w] of [['soft_kd', 0.9], ['hard_ce', 0.1], ['ce', 0.05]]) {
      const value = 2 * Math.exp(-step / 20000) + 0.1 * Math.abs(Math.sin(step * 1.3 + w));
      losses[term] = { value, weight: w, weighted: value * w };
    }
    out.push({ v: 1, t: 1e12 + step * 5, type: 'step', stage: 'distill', epoch: Math.floor(step / 500), step, losses,
      total: losses.soft_kd.weighted + losses.hard_ce.weighted + losses.ce.weighted, lr: 0.01, examples_per_sec: 1000 + Math.sin(step) * 30 });
  }
  return out;
}`;

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const fmt = (xs: number[]): string => `median ${quantile(xs, 0.5).toFixed(1)} ms, p95 ${quantile(xs, 0.95).toFixed(1)} ms`;

async function main(): Promise<void> {
  const browser = await launch();
  try {
    const panel = await openPanel(browser, 'loss');
    const page = panel.page;
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    const snapshotMs = await page.evaluate(`(async () => {
      const makeSteps = ${makeSteps};
      const events = [{ v: 1, t: 1e12, type: 'stage', stage: 'distill', steps_per_epoch: 500 }, ...makeSteps(0, ${points})];
      const t0 = performance.now();
      window.dispatchEvent(new MessageEvent('message', { data: { type: 'snapshot', v: 1, runs: [{ runDir: '/bench', runId: 'bench', label: 'bench', events }] } }));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    })()`) as number;
    await nextFrames(page, 2);
    const rendered = await page.$eval('section.chart[data-group="terms"]', (el) => ({ ...(el as HTMLElement).dataset }));
    await page.evaluate(() => performance.clearMeasures());

    const wall: number[] = [];
    for (let k = 0; k < appends; k++) {
      const from = points + k * BATCH;
      wall.push(await page.evaluate(`(async () => {
        const makeSteps = ${makeSteps};
        const events = makeSteps(${from}, ${BATCH});
        const t0 = performance.now();
        window.dispatchEvent(new MessageEvent('message', { data: { type: 'append', v: 1, runDir: '/bench', events } }));
        await new Promise((r) => requestAnimationFrame(r));
        await new Promise((r) => setTimeout(r, 0));
        return performance.now() - t0;
      })()`) as number);
    }
    const measures = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => ({ name: m.name, d: m.duration })));
    const ingest = measures.filter((m) => m.name === 'loss:ingest').map((m) => m.d);
    const render = measures.filter((m) => m.name === 'loss:render').map((m) => m.d);
    const perAppend = render.map((r, i) => r + (ingest[i] ?? 0));
    console.log(`loss panel, ${points} points per series, ${appends} appends of ${BATCH} steps (Chromium ${browser.version()})`);
    console.log(`  snapshot ingest + first render: ${snapshotMs.toFixed(0)} ms`);
    console.log(`  terms chart: ${rendered.rawPoints} raw rows drawn as ${rendered.renderedPoints}`);
    console.log(`  append ingest:            ${fmt(ingest)}`);
    console.log(`  redraw (all charts):      ${fmt(render)}`);
    console.log(`  append + redraw:          ${fmt(perAppend)}`);
    console.log(`  dispatch → next frame:    ${fmt(wall)}`);
    if (panel.pageErrors.length) console.log('page errors:', panel.pageErrors);
  } finally {
    await browser.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
