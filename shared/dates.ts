import { differenceInCalendarDays, format, isValid } from 'date-fns';
import { millisecondsInDay } from 'date-fns/constants';
import type { ReportDate } from './collect/credential-report';
import { tz } from '@date-fns/tz';

// Every day count is taken on the UTC calendar: a Lambda's or a laptop's TZ must never move a certificate
// from "14 days left" to "15 days left".
const UTC = tz('UTC');

/**
 * Whole UTC calendar days from `now` to `at`: 0 = later today (UTC), 1 = tomorrow, -1 = yesterday.
 * Independent of the process time zone.
 */
export function utcDaysUntil(at: Date, now: Date): number {
  return differenceInCalendarDays(at, now, { in: UTC });
}

/** `at` formatted on the UTC clock (date-fns pattern). Default `yyyy-MM-dd`. */
export function formatUtc(at: Date, pattern = 'yyyy-MM-dd'): string {
  return format(at, pattern, { in: UTC });
}

/**
 * An SDK timestamp as an ISO string, or null when absent or not a date. Replayed responses carry ISO strings
 * where live ones carry Date objects, so both are accepted.
 */
export function isoOrNull(value: Date | string | undefined | null): string | null {
  if (value === undefined || value === null || value === '') return null;
  const d = new Date(value);
  return isValid(d) ? d.toISOString() : null;
}

/**
 * Whole 24-hour days from `d` to `now`; null for N/A and the other markers. Counted on UTC instants, so the
 * host's time zone and its DST changes never shift a threshold by a day (date-fns' differenceInDays counts
 * local calendar days, and its UTC form costs ~90 us a call: too slow for 50,000 users).
 */
export function daysSince(now: Date, d: ReportDate): number | null {
  // Plain arithmetic on the instants (what differenceInMilliseconds does, without its per-call Date copies).
  return d.at ? Math.trunc((now.getTime() - Date.parse(d.at)) / millisecondsInDay) : null;
}
