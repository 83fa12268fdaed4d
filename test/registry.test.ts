import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDITS, readActions } from '../shared/audits/index';
import { AUDIT_SOURCES } from '../shared/audits/sources';
import { AUDIT_CATALOGUE } from '../shared/audits/catalogue';
import { COLLECTORS } from '../shared/collect/index';
import { SEVERITIES } from '../shared/model';
import { functionKey } from '../shared/deploy/names';
import { existsSync } from 'node:fs';

describe('registry contract', () => {
  it('the sources catalogue (what discover plans parts with, loading no audit) is the registry\'s, in its order', () => {
    expect(AUDIT_SOURCES).toEqual(AUDITS.map((a) => ({ id: a.id, sources: a.sources })));
  });

  it('the catalogue (what an organization\'s functions validate and merge with, loading no audit) is the registry\'s, schemas included', () => {
    const entry = (a: { id: string; title: string; severity: string; sources: readonly string[]; settings: unknown; action?: { settings: unknown } }) => ({ id: a.id, title: a.title, severity: a.severity, sources: a.sources, settings: a.settings, remediation: a.action?.settings });
    expect(AUDIT_CATALOGUE.map(entry)).toEqual(AUDITS.map(entry));
    // The very schema objects, so validation cannot drift: not copies that happen to agree today.
    AUDIT_CATALOGUE.forEach((c, i) => {
      expect(c.settings).toBe(AUDITS[i]?.settings);
      expect(c.action?.settings).toBe(AUDITS[i]?.action?.settings);
    });
  });

  it('has unique, kebab-case audit ids', () => {
    const ids = AUDITS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it.each(AUDITS.map((a) => [a.id, a] as const))('%s has metadata, known sources, defaults for every setting, a handler', (id, audit) => {
    expect(audit.title.length).toBeGreaterThan(3);
    expect(audit.description.length).toBeGreaterThan(10);
    expect(audit.remediation.length).toBeGreaterThan(10);
    expect(SEVERITIES).toContain(audit.severity);
    expect(audit.sources.length).toBeGreaterThan(0);
    for (const s of audit.sources) expect(COLLECTORS[s]).toBeDefined();
    expect(() => audit.settings.parse({})).not.toThrow();
    expect(audit.settings.safeParse({ __typo: 1 }).success).toBe(false);
    for (const a of readActions(audit)) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    if (audit.action) expect(() => audit.action?.settings.parse({})).not.toThrow();
    expect(existsSync(join(__dirname, '..', 'functions', `${id}.ts`))).toBe(true);
    expect(functionKey(id)).toMatch(/^[a-z][A-Za-z0-9]*$/);
  });

  it('matches the README audit table', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const table = readme.split('<!-- audits:start -->')[1]?.split('<!-- audits:end -->')[0] ?? '';
    const rows = table.split('\n').filter((l) => /^\| `/.test(l)).map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.map((r) => r[1])).toEqual(AUDITS.map((a) => `\`${a.id}\``));
    for (const a of AUDITS) {
      const row = rows.find((r) => r[1] === `\`${a.id}\``);
      expect(row?.[2]).toBe(a.title);
      expect(row?.[3]).toBe(a.severity);
    }
  });
});
