import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, csvChunks, csvLines, cutCsvChunks, findingsCsv } from '../../reports/csv';
import { findingsEnvelope, findingsJson, findingsJsonChunks } from '../../reports/envelope';
import { render } from '../../reports/index';
import { ocsfFindings, ocsfJsonChunks } from '../../reports/ocsf';
import { asffFindings, asffJsonChunks } from '../../reports/asff';
import { byImportance } from '../../reports/order';
import type { ActionResult } from '../../shared/actions/types';
import type { Finding } from '../../shared/model';
import { writeOut } from '../../cli/output';
import { f, report, sg } from './fixtures';

/** 2,500 findings: several batches, multi-byte text, commas, quotes and newlines in values, nested evidence. */
const many = Array.from({ length: 2500 }, (_, i) =>
  (i % 2 === 0 ? f : (x: Partial<Finding>) => sg(`sg-${i}`, x))({ resourceId: `r-${String(i).padStart(4, '0')}`, status: i % 7 === 0 ? 'PASS' : i % 3 === 0 ? 'WARN' : 'FAIL', reason: i % 5 === 0 ? 'pas de MFA — «console» 🚀' : 'open, "wide"\nsecond line', evidence: { ports: [22, 3389], tags: { Owner: `team ${i}` }, note: `line\nbreak ${i}` } }),
);
const joined = (chunks: Iterable<Buffer | string>) => Buffer.concat([...chunks].map((c) => (typeof c === 'string' ? Buffer.from(c) : c))).toString();

describe('reports: the CSV as a stream', () => {
  it('streams exactly the text csv-stringify makes of every row at once, header first', () => {
    const rows = [...many].sort(byImportance).map((x) => [x.auditId, x.status, x.severity, x.suppressed?.by ?? '', x.resource, x.resourceId, x.resourceType, x.region, x.account, x.reason, JSON.stringify(x.evidence), '', '']);
    const whole = stringify([[...CSV_COLUMNS], ...rows]);
    expect(joined(csvChunks(many))).toBe(whole);
    expect(findingsCsv(many)).toBe(whole);
  });

  it('never holds more than one batch of rows in a chunk', () => {
    const chunks = [...csvChunks(many)];
    const total = chunks.reduce((n, c) => n + c.length, 0);
    expect(chunks.length).toBeGreaterThanOrEqual(4); // header + 3 batches
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(total / 2);
  });

  it('cuts as slices of the encoded rows, across the buffers they fill: the kept bytes are the full file\'s first bytes', () => {
    // small blocks, and one row longer than a block, so cuts fall inside, at the end of and past several buffers
    const rows = [...many, f({ resourceId: 'long', status: 'ERROR', evidence: { padding: 'x'.repeat(10_000) } })];
    const full = Buffer.from(findingsCsv(rows));
    const lines = csvLines(rows, [], Number.POSITIVE_INFINITY, 4096);
    expect(lines.body.length).toBeGreaterThan(100);
    expect(lines.bytes + Buffer.byteLength(lines.header)).toBe(full.length);
    for (const budget of [0, 4096, 9000, 12_000, 150_000, 150_001, full.length]) {
      const cut = cutCsvChunks(lines, budget);
      const bytes = Buffer.concat(cut.chunks);
      expect(bytes.length).toBe(cut.bytes);
      const kept = Buffer.byteLength(lines.header) + (cut.included === 0 ? 0 : (lines.ends[cut.included - 1] ?? 0));
      expect(bytes.subarray(0, kept).equals(full.subarray(0, kept))).toBe(true);
    }
  });
});

describe('reports: the findings JSON as a stream', () => {
  it('streams exactly JSON.stringify of the whole envelope, in several chunks', () => {
    const step: ActionResult = { auditId: 'iam-console-mfa', action: 'deactivate-key', resource: 'arn:aws:iam::123456789012:user/bob', resourceId: 'r-0002', region: 'global', outcome: 'skipped', message: 'would deactivate' };
    const r = report(many, { actions: [step] });
    const chunks = [...findingsJsonChunks(r)];
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.join('')).toBe(`${JSON.stringify(findingsEnvelope(r), null, 2)}\n`);
    expect(chunks.join('')).toBe(findingsJson(r));
  });

  it('streams an empty report the same as the whole document', () => {
    const r = report([]);
    expect([...findingsJsonChunks(r)].join('')).toBe(findingsJson(r));
  });

  it('streams the --ocsf and --asff files exactly as JSON.stringify writes them, empty or in several chunks', () => {
    for (const r of [report(many), report([])]) {
      const ocsf = [...ocsfJsonChunks(r)];
      const asff = [...asffJsonChunks(r, { region: 'eu-west-1' })];
      expect(ocsf.join('')).toBe(`${JSON.stringify(ocsfFindings(r), null, 2)}\n`);
      expect(asff.join('')).toBe(`${JSON.stringify(asffFindings(r, { region: 'eu-west-1' }), null, 2)}\n`);
      if (r.findings.length > 0) expect(Math.min(ocsf.length, asff.length)).toBeGreaterThan(3);
    }
  });
});

describe('cli: --out files are written from the streams', () => {
  it('findings.csv and findings.json on disk are the rendered CSV and JSON, byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opsbots-out-'));
    const rendered = render(report(many), { topPerAudit: 5 });
    await writeOut(dir, rendered);
    expect(readFileSync(join(dir, 'findings.csv'), 'utf8')).toBe(rendered.csv);
    expect(readFileSync(join(dir, 'findings.json'), 'utf8')).toBe(rendered.json);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(rendered.html);
  });
});
