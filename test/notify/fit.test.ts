import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { simpleParser } from 'mailparser';
import { Encoder } from 'nodemailer/lib/base64';
import { findingsCsv } from '../../reports/csv';
import { renderBodies } from '../../reports/index';
import { base64Bytes, bytesInBase64, fitReport, TOP_PER_AUDIT, type FitTools } from '../../shared/fit';
import { buildMime, type Message } from '../../shared/notify/mime';
import type { Report } from '../../shared/report';
import { f, report } from '../reports/fixtures';

/** The real renderer and builder, counted. */
function counted(): FitTools & { renders: number; builds: number } {
  const tools = {
    renders: 0,
    builds: 0,
    bodies: (...args: Parameters<FitTools['bodies']>) => {
      tools.renders++;
      return renderBodies(...args);
    },
    build: (m: Message, hint?: number) => {
      tools.builds++;
      return buildMime(m, hint);
    },
  };
  return tools;
}

const envelope = { from: 'opsbots@example.com', to: ['sec@example.com'] };
const large = (n: number) => report(Array.from({ length: n }, (_, i) => f({ resourceId: `user${i}`, resource: `arn:aws:iam::123456789012:user/user${i}`, evidence: { padding: 'x'.repeat(40 + (i % 90)), note: 'é' } })));

/** Base64 through nodemailer's own encoder stream, `bytes` written in pieces of `piece` bytes. */
async function encoded(bytes: Buffer, piece = bytes.length || 1): Promise<number> {
  const enc = new Encoder();
  const out = new PassThrough();
  enc.pipe(out);
  for (let at = 0; at < bytes.length; at += piece) enc.write(bytes.subarray(at, at + piece));
  enc.end();
  let n = 0;
  for await (const chunk of out) n += (chunk as Buffer).length;
  return n;
}

describe('fit: base64 arithmetic', () => {
  it('gives the size nodemailer\'s encoder writes, line breaks included', async () => {
    for (const n of [0, 1, 2, 3, 56, 57, 58, 114, 115, 1000, 65_536]) expect(base64Bytes(n)).toBe(await encoded(Buffer.alloc(n, 1)));
  });

  it('is an upper bound, within a line break or two, for content streamed in pieces', async () => {
    for (const [n, piece] of [[1000, 100], [1001, 64], [114, 57], [200_000, 49_152], [196_610, 49_152]] as const) {
      const actual = await encoded(Buffer.alloc(n, 1), piece);
      expect(base64Bytes(n) - actual).toBeGreaterThanOrEqual(0);
      expect(base64Bytes(n) - actual).toBeLessThanOrEqual(4);
    }
  });

  it('finds the most bytes that fit in a room', () => {
    for (const room of [0, 3, 4, 78, 79, 80, 10_000, 10 * 1024 * 1024]) {
      const n = bytesInBase64(room);
      expect(base64Bytes(n)).toBeLessThanOrEqual(room);
      expect(base64Bytes(n + 1)).toBeGreaterThan(room);
    }
  });
});

describe('fit: a report too large for one message', () => {
  const r: Report = large(3000);
  const fullCsv = parse(findingsCsv(r.findings), { columns: true }) as Record<string, string>[];

  it.each([120_000, 200_000, 333_333])('fits under %i bytes with two renders and two builds, using the room', async (maxBytes) => {
    const tools = counted();
    const fitted = await fitReport({ report: r, envelope, attachJson: true, maxBytes }, tools);
    expect(fitted.raw.length).toBeLessThanOrEqual(maxBytes);
    expect({ renders: tools.renders, builds: tools.builds }).toEqual({ renders: 2, builds: 2 });
    // tight: one more row would not have fitted (the slack kept for the counts in the bodies is 256 bytes)
    const included = fitted.cut?.included ?? 0;
    const nextRow = Buffer.byteLength(findingsCsv([r.findings[0] as never]).split('\n').slice(1).join('\n'));
    expect(maxBytes - fitted.raw.length).toBeLessThan(base64Bytes(nextRow) + 400);
    const mail = await simpleParser(fitted.raw);
    const rows = parse(mail.attachments[0]?.content ?? '', { columns: true }) as Record<string, string>[];
    expect(rows.slice(0, -1)).toEqual(fullCsv.slice(0, included));
    expect(rows.at(-1)?.reason).toMatch(new RegExp(`^CUT: ${3000 - included} of 3000 findings not included`));
    expect(mail.text).toContain(`findings.csv holds the first ${included} of 3000 findings`);
    expect(mail.html).toContain(`<b>${3000 - TOP_PER_AUDIT} more in the attachment</b>`);
  });

  it('keeps the renderings complete for files: every finding in the CSV and JSON', async () => {
    const fitted = await fitReport({ report: r, envelope, attachJson: true, maxBytes: 120_000 });
    expect(parse(fitted.rendered.csv, { columns: true })).toHaveLength(3000);
    expect((JSON.parse(fitted.rendered.json) as { findings: unknown[] }).findings).toHaveLength(3000);
  });
});

describe('fit: a report that fits', () => {
  it('renders and builds once, attaching the full CSV and JSON', async () => {
    const tools = counted();
    const r = large(20);
    const fitted = await fitReport({ report: r, envelope, attachJson: true, maxBytes: 10 * 1024 * 1024 }, tools);
    expect({ renders: tools.renders, builds: tools.builds, topPerAudit: fitted.topPerAudit, cut: fitted.cut }).toEqual({ renders: 1, builds: 1, topPerAudit: undefined, cut: undefined });
    const mail = await simpleParser(fitted.raw);
    expect(mail.attachments.map((a) => a.content.toString())).toEqual([fitted.rendered.csv, fitted.rendered.json]);
  });

  it('lists the top findings per audit when only the bodies are too large, attachments whole', async () => {
    const r = large(400);
    const probe = await fitReport({ report: r, envelope, attachJson: false, maxBytes: 10 * 1024 * 1024 });
    const maxBytes = probe.raw.length - 1;
    const fitted = await fitReport({ report: r, envelope, attachJson: false, maxBytes });
    expect([fitted.topPerAudit, fitted.cut]).toEqual([TOP_PER_AUDIT, undefined]);
    expect(fitted.raw.length).toBeLessThanOrEqual(maxBytes);
    expect((await simpleParser(fitted.raw)).attachments[0]?.content.toString()).toBe(fitted.rendered.csv);
  });
});

describe('mime: attachments from chunks', () => {
  it('encodes chunks to the same message as the joined buffer, and builds again from the same message', async () => {
    const pieces = [Buffer.from('a,b\n'), Buffer.alloc(200_000, 'x'), Buffer.from('é\n')];
    const message = (content: Message['attachments'] extends readonly (infer A)[] | undefined ? A extends { content: infer C } ? C : never : never): Message => ({ ...envelope, subject: 's', text: 't', html: '<p>h</p>', attachments: [{ filename: 'findings.csv', content, contentType: 'text/csv' }] });
    const chunked = message(pieces);
    const first = await simpleParser(await buildMime(chunked, 16));
    const again = await simpleParser(await buildMime(chunked));
    const joined = await simpleParser(await buildMime(message(Buffer.concat(pieces))));
    expect(first.attachments[0]?.content.equals(Buffer.concat(pieces))).toBe(true);
    expect(again.attachments[0]?.content.equals(Buffer.concat(pieces))).toBe(true);
    expect(joined.attachments[0]?.content.equals(Buffer.concat(pieces))).toBe(true);
  });
});
