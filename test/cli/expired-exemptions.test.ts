import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { problems, validator } from '../schemas/ajv';
import { cli } from './invoke';

const SAMPLE_CONFIG = join(__dirname, '../../config/sample.yml');

describe('an expired exemption is reported as expired, never silently ignored', () => {
  // The sample stage, with the break-glass console exemption expired before the recording (2026-11-20).
  const dir = mkdtempSync(join(tmpdir(), 'opsbots-expired-'));
  const stage = parse(readFileSync(SAMPLE_CONFIG, 'utf8')) as { exemptions: { match: string; reason: string; expires?: string }[] };
  stage.exemptions[0] = { ...stage.exemptions[0], expires: '2026-11-01' } as (typeof stage.exemptions)[number];
  const config = join(dir, 'expired.yml');
  writeFileSync(config, stringify(stage));

  it('reports the finding again and names the exemption in the JSON envelope, the text and the HTML', async () => {
    const { code, out } = await cli('run', 'iam-console-mfa', '--replay', 'sample', '--config', config, '--dry-run', '--out', join(dir, 'out'));
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL\s+high\s+breakglass\s+global/); // no longer suppressed
    const envelope = JSON.parse(readFileSync(join(dir, 'out', 'findings.json'), 'utf8')) as { expiredExemptions: unknown[]; findings: { resourceId: string; suppressed?: unknown }[] };
    expect(problems(validator('findings.schema.json'), envelope)).toEqual([]);
    expect(envelope.expiredExemptions).toEqual([{ match: 'iam-console-mfa:global:arn:aws:iam::123456789012:user/breakglass', reason: 'break-glass user, password in the safe, reviewed quarterly', expires: '2026-11-01', matched: 1 }]);
    expect(envelope.findings.find((f) => f.resourceId === 'breakglass')?.suppressed).toBeUndefined();
    const text = readFileSync(join(dir, 'out', 'report.txt'), 'utf8');
    expect(text).toContain('Expired exemptions (no longer applied: renew or remove them)\n  - iam-console-mfa:global:arn:aws:iam::123456789012:user/breakglass expired on 2026-11-01 (break-glass user, password in the safe, reviewed quarterly): 1 finding(s) it covered are reported again');
    expect(readFileSync(join(dir, 'out', 'report.html'), 'utf8')).toMatch(/<h2[^>]*>Expired exemptions \(1\)<\/h2>.*expired on 2026-11-01/);
  });

  it('an organization run lists it once, with the findings it would cover summed over the accounts', async () => {
    const { out } = await cli('run', 'iam-console-mfa', '--replay', join(__dirname, '../../sample/org'), '--config', config, '--dry-run', '--json', '-');
    const envelope = JSON.parse(out) as { expiredExemptions: { match: string; matched: number }[]; findings: { resourceId: string; account?: string; suppressed?: unknown }[] };
    const breakglass = envelope.findings.filter((f) => f.resourceId === 'breakglass' && !f.suppressed);
    expect(breakglass.length).toBeGreaterThan(0);
    expect(envelope.expiredExemptions).toEqual([expect.objectContaining({ match: 'iam-console-mfa:global:arn:aws:iam::123456789012:user/breakglass', matched: breakglass.length })]);
  });

  it('an exemption still in force is not listed as expired', async () => {
    const { out } = await cli('run', 'iam-console-mfa', '--replay', 'sample', '--config', SAMPLE_CONFIG, '--dry-run', '--json', '-');
    expect((JSON.parse(out) as { expiredExemptions: unknown[] }).expiredExemptions).toEqual([]);
  });
});
