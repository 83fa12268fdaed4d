import { parse } from 'csv-parse/sync';
import { csvLines, cutCsv, findingsCsv, findingsCsvCut } from '../../reports/csv';
import { byImportance } from '../../reports/order';
import { render } from '../../reports/index';
import { f, report } from './fixtures';

/** 2,500 findings: more than one encoding batch, mixed statuses, multi-byte reasons and tag values with commas and quotes. */
const many = Array.from({ length: 2500 }, (_, i) =>
  f({ resourceId: `user-${String(i).padStart(4, '0')}`, status: i % 7 === 0 ? 'PASS' : i % 3 === 0 ? 'WARN' : 'FAIL', reason: i % 2 === 0 ? 'pas de MFA — «console» 🚀' : 'no MFA, "console"', evidence: { note: `line\nbreak ${i}` } }),
);

describe('reports: findings CSV', () => {
  it('has one row per finding, in report order, across encoding batches', () => {
    const rows = parse(findingsCsv(many), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(many.length);
    expect(rows.map((r) => r.resourceId)).toEqual([...many].sort(byImportance).map((x) => x.resourceId));
    expect(rows.find((r) => r.resourceId === 'user-0002')).toMatchObject({ reason: 'pas de MFA — «console» 🚀', evidence: '{"note":"line\\nbreak 2"}' });
  });

  it('cuts on whole rows by UTF-8 bytes: the kept rows are the full file\'s first rows, then the note', () => {
    const full = parse(findingsCsv(many), { columns: true }) as Record<string, string>[];
    for (const budget of [3000, 65_537, 200_001]) {
      const { csv, included } = findingsCsvCut(many, budget);
      expect(Buffer.byteLength(csv)).toBeLessThanOrEqual(budget);
      const rows = parse(csv, { columns: true }) as Record<string, string>[];
      expect(rows.slice(0, -1)).toEqual(full.slice(0, included));
      expect(rows.at(-1)?.reason).toBe(`CUT: ${many.length - included} of ${many.length} findings not included (message size limit); the full list is in the run's log and --out files`);
    }
    expect(findingsCsvCut(many, 10_000_000)).toEqual({ csv: findingsCsv(many), included: many.length });
  });

  it('with a byte limit, encodes only rows up to it, and cuts below it the same as from every row', () => {
    const partial = csvLines(many, [], 5000);
    expect(partial).toMatchObject({ complete: false, total: many.length });
    expect(partial.ends.length).toBeLessThan(many.length);
    expect(cutCsv(partial, 4000).csv.toString()).toBe(findingsCsvCut(many, 4000).csv);
    expect(csvLines(many).complete).toBe(true);
  });

  it('the rendered CSV and JSON are built when read, and are the full report whatever the bodies list', () => {
    const r = render(report(many), { topPerAudit: 3 });
    expect(parse(r.csv, { columns: true })).toHaveLength(many.length);
    expect((JSON.parse(r.json) as { findings: unknown[] }).findings).toHaveLength(many.length);
    expect(r.json).toBe(r.json); // kept once built
  });
});
