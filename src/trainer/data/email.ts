// Plain text of an RFC 822 e-mail for the spam-assassin dataset: the Subject plus the
// readable body. Other headers (routing, ids, dates) would let a model learn the mail
// servers instead of the message, so they are dropped.

export interface EmailText { subject: string; body: string }

interface Part { headers: Map<string, string>; body: string }

/** Headers (unfolded, lower-cased names) and body, split at the first blank line. */
function splitPart(raw: string): Part {
  const m = /\r?\n\r?\n/.exec(raw);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : '';
  const headers = new Map<string, string>();
  // Continuation lines start with whitespace.
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c > 0 && !headers.has(line.slice(0, c).trim().toLowerCase())) headers.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
  }
  return { headers, body };
}

function decodeQuotedPrintable(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function decodeBase64(s: string): string {
  return Buffer.from(s.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
}

/** RFC 2047 encoded words in headers: =?charset?B|Q?text?= */
function decodeHeader(s: string): string {
  return s.replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_, enc: string, text: string) =>
    enc.toUpperCase() === 'B' ? decodeBase64(text) : decodeQuotedPrintable(text.replace(/_/g, ' ')));
}

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", copy: '©', reg: '®' };

export function htmlToText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<(br|p|div|tr|li|h\d)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[e.toLowerCase()] ?? ' ';
    });
}

/** The readable text of a MIME part: text/plain and text/html kept, attachments dropped. */
function partText(part: Part, depth: number): string {
  const type = (part.headers.get('content-type') ?? 'text/plain').toLowerCase();
  const boundary = /boundary\s*=\s*"?([^";]+)"?/i.exec(part.headers.get('content-type') ?? '')?.[1];
  if (type.startsWith('multipart/') && boundary && depth < 5) {
    const pieces = part.body.split(new RegExp(`^--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?[ \\t]*$`, 'm'));
    // pieces[0] is the preamble ("This is a multi-part message..."), skipped.
    const texts = pieces.slice(1).map((p) => partText(splitPart(p.replace(/^\r?\n/, '')), depth + 1)).filter((t) => t.trim() !== '');
    // multipart/alternative carries the same text twice (plain and HTML): keep the first.
    return type.startsWith('multipart/alternative') ? texts[0] ?? '' : texts.join('\n');
  }
  if (!type.startsWith('text/')) return '';
  const encoding = (part.headers.get('content-transfer-encoding') ?? '').toLowerCase();
  let body = part.body;
  if (encoding.includes('quoted-printable')) body = decodeQuotedPrintable(body);
  else if (encoding.includes('base64')) body = decodeBase64(body);
  if (type.startsWith('text/html') || /<html|<body|<table|<font|<p>|<br/i.test(body.slice(0, 2000))) body = htmlToText(body);
  return body;
}

export function emailText(raw: string): EmailText {
  const top = splitPart(raw);
  const subject = decodeHeader(top.headers.get('subject') ?? '').replace(/\s+/g, ' ').trim();
  const body = partText(top, 0)
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
  return { subject, body };
}
