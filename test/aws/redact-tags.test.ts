import { redact } from '../../shared/aws/recording';

describe('recording: redaction keeps resource tags', () => {
  it('keeps tag values (tag audits read them) while still redacting secret Values', () => {
    expect(redact({ Reservations: [{ Instances: [{ Tags: [{ Key: 'Owner', Value: 'team-a' }] }] }] })).toEqual({ Reservations: [{ Instances: [{ Tags: [{ Key: 'Owner', Value: 'team-a' }] }] }] });
    expect(redact({ Parameter: { Name: '/db/password', Value: 'hunter2', Type: 'SecureString' } })).toEqual({ Parameter: { Name: '/db/password', Value: '<redacted>', Type: 'SecureString' } });
  });
});
