import { functionConfig } from '../../shared/deploy/audits';

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
});
