import { differenceInCalendarDays, format, isValid } from 'date-fns';
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
