import { AUDIT_CATALOGUE, declaredAudits } from '../../shared/audits/catalogue';
import { resolveAuditIds } from '../../shared/run';

describe('audit ids given to a run', () => {
  it('names each audit once, in the order first given, however often it is repeated', () => {
    expect(resolveAuditIds(['iam-root-mfa', 'iam-console-mfa', 'iam-root-mfa']).map((a) => a.id)).toEqual(['iam-root-mfa', 'iam-console-mfa']);
  });

  it('expands `all` to every audit once, whatever else is named beside it', () => {
    const all = resolveAuditIds(['iam-root-mfa', 'all']).map((a) => a.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(AUDIT_CATALOGUE.map((a) => a.id));
  });

  it('resolves the catalogue (the organization functions) the same way', () => {
    expect(declaredAudits(['iam-console-mfa', 'iam-console-mfa']).map((a) => a.id)).toEqual(['iam-console-mfa']);
  });

  it('refuses an unknown id before any AWS call, naming it and the known ones', () => {
    expect(() => resolveAuditIds(['iam-console-mfa', 'iam-console-mfaa'])).toThrow(/unknown audit "iam-console-mfaa".*known: /);
  });
});
