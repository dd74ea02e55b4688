// The config language in a real VS Code: diagnostics in the Problems panel, the did-you-mean
// quick fix through Ctrl+., and layer-name completion through Ctrl+Space.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Session, until } from './harness';

const session = new Session({
  name: 'language',
  files: {
    'examples/mnist-kd.distill.yaml': 'mnist-kd.distill.yaml',
    'examples/mnist-hint.distill.yaml': 'mnist-hint.distill.yaml',
  },
});

/** 1-based line of the first line containing `needle`, and the 1-based column where it starts. */
function locate(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `"${needle}" not found`);
  return { line: i + 1, column: lines[i]!.indexOf(needle) + 1 };
}

/** Rows of the Problems panel that are problems (not the file rows). */
async function problemRows(): Promise<string[]> {
  return (await session.problems()).filter((r) => /distillery/i.test(r));
}

before(async () => {
  // The hint example names only one student layer; name another so that completion has a list to offer.
  const hint = session.file('mnist-hint.distill.yaml');
  await session.start();
  writeFileSync(hint, readFileSync(hint, 'utf8').replace(/(student:\n\s+layers:\n\s+- flatten: )\{\}/, '$1{name: flat}'));
  assert.match(readFileSync(hint, 'utf8'), /flatten: \{name: flat\}/);
}, { timeout: 180_000 });

after(async () => {
  await session.stop();
});

test('a valid config has no problems; a misspelt key gets a problem and a did-you-mean fix that removes it', { timeout: 180_000 }, () =>
  session.step('typo-quick-fix', async () => {
    const page = session.page;
    await session.openFile('mnist-kd.distill.yaml');
    // Not vacuous: the validate command reports on the file, and the Problems panel is empty.
    await session.command('Distillery: Validate Config');
    await until('the validation notification', async () => (await session.notifications()).find((n) => /mnist-kd\.distill\.yaml is valid \(0 problems\)/.test(n)));
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').waitFor();
    assert.deepEqual(await problemRows(), []);

    const source = readFileSync(session.file('mnist-kd.distill.yaml'), 'utf8');
    const at = locate(source, 'temperature: 4');
    await session.focusEditor();
    await session.gotoLine(at.line, at.column + 4); // before the second `e` of `temperature`
    await page.keyboard.press('Delete');
    await until('the typo in the editor', async () => (await session.editorText()).includes('temprature: 4'));

    const row = await until('a problem at the misspelt key', async () => (await problemRows()).find((r) => r.includes('temprature')), 60_000);
    assert.match(row, /Did you mean `temperature`\?/);
    assert.match(row, new RegExp(`Ln ${at.line}, Col ${at.column}\\b`));

    // The quick fix, from Ctrl+. with the cursor still on the key.
    await session.focusEditor();
    await session.gotoLine(at.line, at.column + 2);
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: /Change to .temperature./ }).first();
    await until('the quick-fix menu', async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+.');
      await fix.waitFor({ timeout: 3000 });
      return true;
    }, 30_000);
    // The menu's pointer block swallows clicks: move the focus to the fix and press Enter.
    const rowCount = await page.locator('.action-widget .monaco-list-row').count();
    for (let i = 0; i <= rowCount; i++) {
      const focused = await page.locator('.action-widget .monaco-list-row.focused').first().getAttribute('aria-label');
      if (focused && /Change to .temperature./.test(focused)) break;
      await page.keyboard.press('ArrowDown');
    }
    assert.match((await page.locator('.action-widget .monaco-list-row.focused').first().getAttribute('aria-label')) ?? '', /Change to .temperature./);
    await page.keyboard.press('Enter');

    await until('the fix applied in the editor', async () => (await session.editorText()).includes('temperature: 4'));
    assert.ok(!(await session.editorText()).includes('temprature'));
    await until('the problem to go', async () => (await problemRows()).length === 0, 30_000);
  }));

test('completion after student_layer: offers the student\'s declared layer names', { timeout: 120_000 }, () =>
  session.step('layer-completion', async () => {
    const page = session.page;
    await session.openFile('mnist-hint.distill.yaml');
    const source = readFileSync(session.file('mnist-hint.distill.yaml'), 'utf8');
    const at = locate(source, 'student_layer: hidden');
    await session.focusEditor();
    // Remove the value, then ask for completions right after `student_layer: `.
    await session.gotoLine(at.line, at.column + 'student_layer: hidden'.length);
    for (let i = 0; i < 'hidden'.length; i++) await page.keyboard.press('Backspace');
    await until('the value removed', async () => /student_layer: *$/m.test(await session.editorText()));

    const rows = page.locator('.editor-widget.suggest-widget .monaco-list-row');
    const labels = await until('the suggest widget', async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Space');
      await rows.first().waitFor({ timeout: 5000 });
      const all = await page.locator('.editor-widget.suggest-widget .monaco-list-row .label-name').allInnerTexts();
      return all.length > 0 ? all.map((l) => l.trim()) : undefined;
    }, 60_000);
    assert.ok(labels.includes('hidden'), `suggestions: ${labels.join(', ')}`);
    assert.ok(labels.includes('flat'), `suggestions: ${labels.join(', ')}`);
    // Only the student's layers: the teacher's names belong to teacher_layer.
    assert.ok(!labels.includes('penultimate') && !labels.includes('features'), `suggestions: ${labels.join(', ')}`);

    await page.keyboard.press('Escape');
  }));
