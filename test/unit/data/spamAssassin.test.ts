import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDataset } from '../../../src/trainer/data/registry';
import { emailText, htmlToText } from '../../../src/trainer/data/email';

test('emailText keeps the Subject, drops other headers, decodes MIME parts and strips HTML', () => {
  const raw = [
    'From someone@example.com  Thu Aug 22 13:17:22 2002',
    'Received: from mail.example.com (1.2.3.4)',
    '\tby relay; Thu, 22 Aug 2002',
    'Subject: =?iso-8859-1?Q?Caf=E9_offer?=',
    '  continued',
    'Content-Type: multipart/alternative; boundary="XYZ"',
    '',
    'This is a multi-part message in MIME format.',
    '--XYZ',
    'Content-Type: text/plain',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Buy n=',
    'ow =3D save',
    '--XYZ',
    'Content-Type: text/html',
    '',
    '<html><body><p>Buy now</p></body></html>',
    '--XYZ--',
    '',
  ].join('\n');
  const { subject, body } = emailText(raw);
  assert.equal(subject, 'Café offer continued');
  assert.equal(body, 'Buy now = save');
  assert.equal(htmlToText('<style>p{x:1}</style><b>Hi</b>&nbsp;&amp;&#65;&#x42;').replace(/\s+/g, ' ').trim(), 'Hi &AB');
});

test('spam-assassin: ~6,000 e-mails, ham and spam, headers stripped', async () => {
  const data = { dataset: { format: 'builtin' as const, name: 'spam-assassin' as const }, split: { train: 0.8, test: 0.2 }, text: { tokenizer: 'word' as const, vocab_size: 5000, max_length: 100, lowercase: true } };
  const d = await loadDataset(data, { baseDir: '.', seed: 11 });
  const total = d.train.count + d.test.count;
  assert.ok(total > 5900 && total <= 6046, `total ${total}`);
  assert.deepEqual(d.classNames, ['ham', 'spam']);
  assert.equal(d.kind, 'text');
  assert.deepEqual(d.inputShape, [100]);
  assert.equal(d.vocabSize, 5000);
  const spamShare = d.test.y.reduce((a, b) => a + b, 0) / d.test.count;
  assert.ok(spamShare > 0.25 && spamShare < 0.4, `spam share ${spamShare}`); // 1,896 of 6,046
  for (let i = 0; i < 20; i++) {
    const shown = d.describe('test', i);
    assert.equal(shown.kind, 'text');
    if (shown.kind !== 'text') continue;
    assert.match(shown.text, /^Subject: /);
    assert.doesNotMatch(shown.text, /^(Received|Return-Path|Message-Id|Delivered-To):/im);
    assert.doesNotMatch(shown.text, /<\/?(html|body|table|font)\b/i);
    assert.ok(shown.text.length <= 401);
  }
  // Most ids are known words, and the unknown id appears (vocabulary is capped).
  let unknown = 0, pad = 0;
  for (const v of d.train.x) { if (v === 1) unknown++; if (v === 0) pad++; }
  assert.ok(unknown > 0 && unknown < 0.2 * (d.train.x.length - pad), `unknown ${unknown}`);
});
