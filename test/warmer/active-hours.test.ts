import { isActive, parseActiveHours, type ActiveHours } from '../../shared/warmer/active-hours';

function hours(expression: string): ActiveHours {
  const parsed = parseActiveHours(expression);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const at = (h: ActiveHours, iso: string) => isActive(h, new Date(iso));

describe('warmer: active hours', () => {
  const office = hours('Mon-Fri 07:00-19:00 Europe/Berlin');

  it('opens at the start minute and closes at the end minute in winter time (UTC+1)', () => {
    expect(at(office, '2026-03-27T05:59:59Z')).toBe(false); // Fri 06:59:59 CET
    expect(at(office, '2026-03-27T06:00:00Z')).toBe(true); // Fri 07:00 CET
    expect(at(office, '2026-03-27T17:59:59Z')).toBe(true); // Fri 18:59:59 CET
    expect(at(office, '2026-03-27T18:00:00Z')).toBe(false); // Fri 19:00 CET
  });

  it('follows the spring change to summer time (UTC+2): the same wall clock one UTC hour earlier', () => {
    expect(at(office, '2026-03-30T04:59:00Z')).toBe(false); // Mon 06:59 CEST
    expect(at(office, '2026-03-30T05:00:00Z')).toBe(true); // Mon 07:00 CEST
    expect(at(office, '2026-03-30T16:59:00Z')).toBe(true); // Mon 18:59 CEST
    expect(at(office, '2026-03-30T17:00:00Z')).toBe(false); // Mon 19:00 CEST
  });

  it('follows the autumn change back to winter time', () => {
    expect(at(office, '2026-10-23T05:00:00Z')).toBe(true); // Fri 07:00 CEST
    expect(at(office, '2026-10-26T05:00:00Z')).toBe(false); // Mon 06:00 CET
    expect(at(office, '2026-10-26T06:00:00Z')).toBe(true); // Mon 07:00 CET
  });

  it('stays closed on days outside the list, read in the zone rather than in UTC', () => {
    expect(at(office, '2026-03-28T10:00:00Z')).toBe(false); // Saturday
    const tokyo = hours('Mon 00:00-01:00 Asia/Tokyo');
    expect(at(tokyo, '2026-03-29T15:30:00Z')).toBe(true); // Sunday in UTC, Monday 00:30 in Tokyo
    expect(at(tokyo, '2026-03-30T15:30:00Z')).toBe(false); // Tuesday 00:30 in Tokyo
  });

  it('wraps a day range over the weekend and takes lists, Daily and 24:00', () => {
    const weekend = hours('Fri-Mon 00:00-24:00 UTC');
    expect(weekend.days).toEqual([0, 1, 5, 6]);
    expect(at(weekend, '2026-03-30T23:59:00Z')).toBe(true); // Monday
    expect(at(weekend, '2026-03-31T00:00:00Z')).toBe(false); // Tuesday
    expect(hours('Sat,Sun 10:00-12:00 UTC').days).toEqual([0, 6]);
    expect(hours('Daily 09:00-17:00 UTC').days).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it.each(['Mon-Fri', 'Mon-Fri 07:00 Europe/Berlin', 'Mon-Wed-Fri 07:00-19:00 UTC', 'Mon-Fri 24:00-24:00 UTC', 'Mon-Fri 07:60-19:00 UTC', 'Mon-Fri 07:00-19:00 Mars/Olympus'])('rejects %p with a reason', (expression) => {
    expect(typeof parseActiveHours(expression)).toBe('string');
  });
});
