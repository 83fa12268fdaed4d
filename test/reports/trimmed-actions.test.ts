import type { ActionResult } from '../../shared/actions/types';
import { undoCall } from '../../shared/actions/undo';
import { render } from '../../reports/index';
import { report, sg } from './fixtures';

const restore = undoCall({ service: 'ec2', operation: 'AuthorizeSecurityGroupIngress', region: 'eu-west-1', parameters: { GroupId: 'sg-1' } }, 'authorize-security-group-ingress', [['region', 'eu-west-1'], ['group-id', 'sg-1']]);
const step = (id: string, over: Partial<ActionResult>): ActionResult => ({ auditId: 'ec2-open-security-groups', action: 'revoke-ingress', resource: `arn:aws:ec2:eu-west-1:123456789012:security-group/${id}`, resourceId: id, region: 'eu-west-1', outcome: 'skipped', message: 'state stopped: does not apply', ...over });

// 40 steps that attempted nothing and 2 that changed something, on a report too large to list in full.
const actions = [...Array.from({ length: 40 }, (_, i) => step(`sg-idle-${i}`, { outcome: i % 2 === 0 ? 'skipped' : 'refused' })), step('sg-done-1', { outcome: 'done', undo: restore }), step('sg-done-2', { outcome: 'failed', code: 'Throttling', undo: restore })];
const r = report([sg('sg-done-1'), sg('sg-done-2')], { actions });

describe('reports: remediation steps in a trimmed email', () => {
  it('lists every step that changed or tried to change something, with its undo, and caps the idle ones', () => {
    const trimmed = render(r, { topPerAudit: 5 });
    for (const body of [trimmed.text, trimmed.html]) {
      expect(body).toContain('sg-done-1');
      expect(body).toContain('sg-done-2');
      expect(body.match(/sg-idle-/g)).toHaveLength(5);
      expect(body).toContain('35 more steps skipped or refused (nothing attempted, nothing to undo): see the remediation column of findings.csv');
    }
    expect(trimmed.text.match(/undo.*authorize-security-group-ingress/g)).toHaveLength(2);
  });

  it('a report that fits lists every step', () => {
    const full = render(r);
    expect(full.text.match(/sg-idle-/g)).toHaveLength(40);
    expect(full.text).not.toContain('more steps skipped');
  });
});
