// Restricted mode: in an untrusted workspace Run refuses with a clear message and trains nothing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Session, until } from './harness';

const session = new Session({
  name: 'trust',
  trusted: false,
  files: { 'test/e2e/fixtures/tiny.distill.yaml': 'tiny.distill.yaml' },
});

before(() => session.start(), { timeout: 180_000 });
after(() => session.stop());

test('Run in an untrusted workspace refuses with a message that says why, and starts no run', { timeout: 120_000 }, () =>
  session.step('untrusted-run', async () => {
    await session.openFile('tiny.distill.yaml');
    await session.command('Distillery: Run Experiment');
    const message = await until('the refusal notification', async () => (await session.notifications()).find((n) => /untrusted/i.test(n)), 60_000);
    assert.match(message, /does not train in an untrusted workspace/);
    assert.match(message, /Trust the workspace/);
    // The refusal offers the way out.
    const toast = session.page.locator('.notification-toast', { hasText: 'untrusted workspace' }).first();
    assert.ok((await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).count()) > 0);
    // Nothing trained: no run folder, no status bar entry.
    await session.page.waitForTimeout(2000);
    assert.ok(!existsSync(session.file('.distillery/runs')), 'a runs folder was created');
    assert.ok(!(await session.statusBar()).some((t) => t.includes('e2e-tiny')));
  }));
