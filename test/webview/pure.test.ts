// Pure pieces of the webviews and their protocol, without a browser: downsampling, smoothing,
// CSV, colours, message guards, and how events become chart rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHostToCompare, parseHostToLoss, parseWebviewToHost } from '../../src/core/protocol/messages';
import { hashString, stableColor, withAlpha } from '../../src/webview/ui/colors';
import { toCsv } from '../../src/webview/ui/csv';
import { EnvelopeCache, envelopeIndices, lowerBound } from '../../src/webview/ui/downsample';
import { Ema } from '../../src/webview/ui/smoothing';
import { RunData } from '../../src/webview/loss/series';
import { runEvents } from './lossEvents';

test('envelopeIndices keeps every row when few, and each bucket’s min and max when many', () => {
  const xs = Array.from({ length: 10 }, (_, i) => i);
  assert.deepEqual(envelopeIndices(xs, [xs], 5), xs);
  assert.deepEqual(envelopeIndices([], [[]], 5), []);

  const n = 100_000;
  const big = Array.from({ length: n }, (_, i) => i);
  const ys = big.map((i) => Math.sin(i / 7));
  ys[31_337] = 40; // spike
  ys[77_001] = -40; // dip
  const idx = envelopeIndices(big, [ys], 500);
  assert.ok(idx.length <= 4 * 500 + 2 && idx.length > 500, String(idx.length));
  assert.ok(idx.includes(31_337) && idx.includes(77_001), 'the spike and the dip survive');
  assert.equal(idx[0], 0);
  assert.equal(idx[idx.length - 1], n - 1);
  for (let k = 1; k < idx.length; k++) assert.ok(idx[k]! > idx[k - 1]!, 'ascending, unique');
  // Every bucket's extremes are kept, so the drawn envelope equals the raw one.
  const width = (n - 1) / 500;
  for (let b = 0; b < 500; b += 37) {
    const lo = Math.ceil(b * width);
    const hi = Math.min(n - 1, Math.floor((b + 1) * width - 1e-9));
    const bucket = ys.slice(lo, hi + 1);
    const kept = idx.filter((i) => i >= lo && i <= hi).map((i) => ys[i]!);
    assert.equal(Math.max(...kept), Math.max(...bucket));
    assert.equal(Math.min(...kept), Math.min(...bucket));
  }
});

test('envelopeIndices limits to a zoom range plus one row either side; NaN is skipped', () => {
  const xs = Array.from({ length: 1000 }, (_, i) => i * 2);
  const ys = xs.map((x) => (x % 10 === 0 ? NaN : x));
  const idx = envelopeIndices(xs, [ys], 10, { min: 100, max: 200 });
  assert.equal(idx[0], 49);
  assert.equal(idx[idx.length - 1], 100);
  assert.ok(idx.length < 51);
  assert.equal(lowerBound(xs, 101), 51);
});

test('EnvelopeCache: appending gives the same rows as starting afresh, and keeps extremes', () => {
  const xs: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const cache = new EnvelopeCache();
  let step = 0;
  for (const batch of [3000, 25, 25, 1, 500, 20_000, 7, 40_000]) {
    for (let k = 0; k < batch; k++, step++) {
      xs.push(step);
      a.push(Math.sin(step / 13) + (step % 9973 === 0 ? 30 : 0));
      b.push(step % 2 ? NaN : Math.cos(step / 5));
    }
    const incremental = cache.indices(xs, [a, b], 512);
    assert.deepEqual(incremental, new EnvelopeCache().indices(xs, [a, b], 512), `after ${xs.length} rows`);
    assert.ok(incremental.length <= 6 * 512 + 6, String(incremental.length));
    const kept = new Set(incremental);
    for (let i = 0; i < xs.length; i += 9973) assert.ok(kept.has(i), `spike at ${i} kept`);
    assert.ok(kept.has(0) && kept.has(xs.length - 1));
  }
});

test('Ema is debiased, incremental and leaves gaps alone', () => {
  const e = new Ema(0.5);
  assert.deepEqual(e.extend([2]), [2]);
  // (0.5·0.5·2 + 0.5·4) / (1 − 0.25) = 3.333…
  assert.ok(Math.abs(e.extend([2, 4])[1]! - 10 / 3) < 1e-12);
  const withGap = e.extend([2, 4, NaN, 4]);
  assert.ok(Number.isNaN(withGap[2]!));
  assert.ok(withGap[3]! > withGap[1]! && withGap[3]! < 4);
  assert.deepEqual(new Ema(0).extend([1, 5, 3]), [1, 5, 3]);
});

test('CSV quotes what needs quoting and leaves missing numbers empty', () => {
  assert.equal(toCsv(['a', 'b'], [['x,y', 1], ['say "hi"', NaN], ['line\nbreak', undefined]]),
    'a,b\n"x,y",1\n"say ""hi""",\n"line\nbreak",\n');
});

test('run colours are stable functions of the run id', () => {
  const palette = ['#111111', '#222222', '#333333'];
  assert.equal(stableColor('run-a', palette), stableColor('run-a', [...palette]));
  assert.equal(hashString('run-a'), hashString('run-a'));
  assert.notEqual(hashString('run-a'), hashString('run-b'));
  assert.equal(withAlpha('#ff8000', 0.5), 'rgba(255, 128, 0, 0.5)');
  assert.equal(withAlpha('#f80', 0.5), 'rgba(255, 136, 0, 0.5)');
  assert.equal(withAlpha('rgb(1, 2, 3)', 0.2), 'rgba(1, 2, 3, 0.2)');
});

test('host→webview guards ignore malformed messages and bad events', () => {
  assert.equal(parseHostToLoss({ type: 'snapshot', v: 2, runs: [] }), undefined);
  assert.equal(parseHostToLoss({ type: 'boom', v: 1 }), undefined);
  assert.equal(parseHostToLoss('snapshot'), undefined);
  assert.equal(parseHostToLoss({ type: 'append', v: 1, runDir: 3, events: [] }), undefined);
  const m = parseHostToLoss({ type: 'append', v: 1, runDir: '/r', events: [{ type: 'step', t: 1 }, { type: 'x', t: 1 }, { type: 'log' }, null] });
  assert.deepEqual(m, { type: 'append', v: 1, runDir: '/r', events: [{ type: 'step', t: 1 }] });
  const snap = parseHostToLoss({ type: 'snapshot', v: 1, runs: [{ runDir: '/r', runId: 'r', label: 'r', events: [] }, { runDir: 1 }] });
  assert.equal(snap?.type === 'snapshot' && snap.runs.length, 1);
  const cmp = parseHostToCompare({ type: 'snapshot', v: 1, entries: [{ runDir: '/r', runId: 'r', label: 'r', comparison: { nope: 1 } }, { runDir: '/s', runId: 's', label: 's' }, { runDir: '/t', runId: 't', label: 't' }] });
  assert.equal(cmp?.entries.length, 2, 'at most two runs side by side');
  assert.equal(cmp?.entries[0]!.comparison, undefined, 'a malformed comparison is dropped');
});

test('webview→host guard accepts the three messages and nothing else', () => {
  assert.deepEqual(parseWebviewToHost({ type: 'ready', v: 1, panel: 'loss' }), { type: 'ready', v: 1, panel: 'loss' });
  assert.equal(parseWebviewToHost({ type: 'ready', v: 1, panel: 'other' }), undefined);
  assert.equal(parseWebviewToHost({ type: 'saveFile', v: 1, name: '../../etc/passwd', mime: 'text/csv', data: 'x' }), undefined);
  assert.equal(parseWebviewToHost({ type: 'saveFile', v: 1, name: 'a.png', mime: 'image/png', data: 'javascript:1' }), undefined);
  assert.equal(parseWebviewToHost({ type: 'saveFile', v: 1, name: 'a.csv', mime: 'text/html', data: 'x' })?.type, undefined);
  assert.equal(parseWebviewToHost({ type: 'saveFile', v: 1, name: 'a.csv', mime: 'text/csv', data: 'a,b\n' })?.type, 'saveFile');
  assert.equal(parseWebviewToHost({ type: 'error', v: 1, message: 'x'.repeat(5000) })?.type === 'error', true);
  assert.equal(parseWebviewToHost({ type: 'runCommand', v: 1 }), undefined);
});

test('events become rows on three x axes with stage spans', () => {
  const run = new RunData({ runDir: '/r', runId: 'r', label: 'r' });
  const events = runEvents({ runId: 'r', stepsPerEpoch: 10, epochs: 2 });
  for (const e of events) run.ingest(e);
  assert.equal(run.steps.length, 60);
  assert.equal(run.epochs.length, 6);
  assert.deepEqual(run.spans.map((s) => s.stage), ['teacher', 'baseline', 'distill']);
  // Global steps continue across stages; epochs too (each stage has 2).
  assert.deepEqual(run.spans.map((s) => [s.start.step, s.end.step]), [[0, 19], [20, 39], [40, 59]]);
  assert.deepEqual(run.spans.map((s) => [s.start.epoch, s.end.epoch]), [[0, 2], [2, 4], [4, 6]]);
  assert.equal(run.steps.x.epoch[15], 1.5);
  assert.ok(run.steps.x.time[59]! > run.steps.x.time[0]!);
  assert.deepEqual(run.steps.seriesOf('terms'), ['terms:ce', 'terms:soft_kd', 'terms:hard_ce']);
  // ce is missing (NaN) in the distill rows, soft_kd before them.
  assert.ok(Number.isNaN(run.steps.columns.get('terms:ce')![45]!));
  assert.ok(Number.isNaN(run.steps.columns.get('terms:soft_kd')![5]!));
  assert.deepEqual(run.epochs.seriesOf('accuracy'), ['accuracy:train teacher', 'accuracy:val teacher', 'accuracy:train student', 'accuracy:val student']);
  assert.equal(run.epochs.groupRows.get('agreement'), 2);
  assert.equal(run.status, 'running');
});
