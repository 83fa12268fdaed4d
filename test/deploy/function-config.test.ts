import { functionConfig } from '../../shared/deploy/audits';
import { operatorFunctionConfig } from '../../shared/deploy/operator';

describe('deploy: the config an audit function carries', () => {
  const raw = {
    regions: ['eu-west-1'],
    audits: { 'iam-console-mfa': { settings: { graceDays: 2 } }, 'certificate-expiry': {} },
    operator: { targets: { staging: { instanceId: 'i-0123456789abcdef0', region: 'eu-west-1', tokenParameter: '/opsbots/staging/token' } } },
  };

  it('holds only its own audits and no operator or warmer section', () => {
    const carried = JSON.parse(functionConfig(raw as never, ['iam-console-mfa']));
    expect(Object.keys(carried.audits)).toEqual(['iam-console-mfa']);
    expect(carried.operator).toBeUndefined();
    expect(carried.warmer).toBeUndefined();
    expect(carried.regions).toEqual(['eu-west-1']);
  });

  it('gives an operator function only the region, SDK attempts and its own target: no audits, recipients or warmer', () => {
    const stage = {
      ...raw,
      region: 'eu-west-1',
      maxAttempts: 3,
      notify: { from: 'bots@example.com', to: ['sec@example.com'] },
      exemptions: ['iam-console-mfa:global:*'],
      warmer: { enabled: true, targets: [{ function: 'operatorStagingState' }] },
      operator: { ...raw.operator, allowQueryToken: true, targets: { ...raw.operator.targets, qa: { instanceId: 'i-0fedcba9876543210', region: 'us-east-1', tokenParameter: 'qa-token' } } },
    };
    const carried = JSON.parse(operatorFunctionConfig(stage as never, ['staging']));
    expect(carried).toEqual({ region: 'eu-west-1', maxAttempts: 3, operator: { allowQueryToken: true, targets: { staging: raw.operator.targets.staging } } });
  });
});
