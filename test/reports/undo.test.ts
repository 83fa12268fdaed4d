import { parse } from 'csv-parse/sync';
import { render } from '../../reports/index';
import { findingsCsvCut } from '../../reports/csv';
import { noUndo, undoCall } from '../../shared/actions/undo';
import type { ActionResult } from '../../shared/actions/types';
import { f, report, sg, TWO_AUDITS } from './fixtures';
import { problems, validator } from '../schemas/ajv';

const REVOKED = [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: "bob's <ssh>" }] }];
const restore = undoCall({ service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', region: 'eu-west-1', parameters: { GroupId: 'sg-1', IpPermissions: REVOKED } }, 'authorize-security-group-ingress', [['region', 'eu-west-1'], ['group-id', 'sg-1'], ['ip-permissions', REVOKED]]);
const RESTORE_COMMAND = `aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-1 --ip-permissions '[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"bob'\\''s <ssh>"}]}]'`;

const step = (over: Partial<ActionResult>): ActionResult => ({ auditId: 'ec2-open-security-groups', action: 'revoke-ingress', resource: 'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1', resourceId: 'sg-1', region: 'eu-west-1', outcome: 'done', message: 'revoked tcp 22 from 0.0.0.0/0', ...over });

const findings = [sg('sg-1'), sg('sg-2'), sg('sg-3'), f()];
const actions: ActionResult[] = [
  step({ undo: restore }),
  step({ resourceId: 'sg-2', outcome: 'refused', message: 'not changed: 3 resources qualify, more than maxActions 2' }),
  step({ resourceId: 'sg-3', action: 'terminate', outcome: 'done', message: 'terminate done', undo: noUndo('a terminated instance cannot be started again') }),
];

describe('reports: every change shows its undo', () => {
  const r = render(report(findings, { actions }, TWO_AUDITS));

  it('text: the command under each step that changed something; none under a refused one', () => {
    const lines = r.text.split('\n');
    const at = lines.indexOf('  - revoke-ingress sg-1 (eu-west-1): done: revoked tcp 22 from 0.0.0.0/0');
    expect(lines[at + 1]).toBe(`      undo: ${RESTORE_COMMAND}`);
    const refused = lines.findIndex((l) => l.startsWith('  - revoke-ingress sg-2'));
    expect(lines[refused + 1]).not.toMatch(/undo/);
    expect(r.text).toContain('      undo: cannot be undone: a terminated instance cannot be started again');
  });

  it('HTML: the command, escaped', () => {
    expect(r.html).toContain('<code style="font-size:12px">aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-1 --ip-permissions &#39;[{&quot;IpProtocol&quot;');
    expect(r.html).toContain('bob&#39;\\&#39;&#39;s &lt;ssh&gt;');
    expect(r.html).not.toContain('<ssh>');
  });

  it('CSV: the finding row of each resource acted on has the step and its undo', () => {
    const rows = parse(r.csv, { columns: true }) as Record<string, string>[];
    expect(rows.find((x) => x.resourceId === 'sg-1')).toMatchObject({ remediation: 'revoke-ingress: done', undo: RESTORE_COMMAND });
    expect(rows.find((x) => x.resourceId === 'sg-2')).toMatchObject({ remediation: 'revoke-ingress: refused', undo: '' });
    expect(rows.find((x) => x.resourceId === 'bob')).toMatchObject({ remediation: '', undo: '' });
    // The email's cut CSV keeps the same columns.
    const cut = parse(findingsCsvCut(findings, 100_000, actions).csv, { columns: true }) as Record<string, string>[];
    expect(cut.find((x) => x.resourceId === 'sg-1')?.undo).toBe(RESTORE_COMMAND);
  });

  it('JSON: each action of the envelope has its undo, as the command and as the API call', () => {
    const json = JSON.parse(r.json) as { actions: Record<string, unknown>[] };
    expect(json.actions.find((x) => x.resourceId === 'sg-1')?.undo).toEqual({ possible: true, command: RESTORE_COMMAND, call: { service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', region: 'eu-west-1', parameters: { GroupId: 'sg-1', IpPermissions: REVOKED } } });
    expect(json.actions.find((x) => x.resourceId === 'sg-3')?.undo).toEqual({ possible: false, reason: 'a terminated instance cannot be started again' });
    expect(json.actions.find((x) => x.resourceId === 'sg-2')).not.toHaveProperty('undo');
    expect(problems(validator('findings.schema.json'), json)).toEqual([]);
  });

  it('a dry run says what the undo would be', () => {
    const dry = render(report(findings, { dryRun: true, actions: [step({ outcome: 'dry-run', message: 'dry run: would revoke', undo: restore })] }, TWO_AUDITS));
    expect(dry.text).toContain(`      undo (had it been applied): ${RESTORE_COMMAND}`);
    expect(dry.html).toContain('undo (had it been applied):');
  });
});
