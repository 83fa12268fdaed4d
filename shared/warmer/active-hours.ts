import { TZDate, tz } from '@date-fns/tz';
import { getDay, getHours, getMinutes, isValid, parse } from 'date-fns';

/**
 * When a target is worth warming: `Mon-Fri 07:00-19:00 Europe/Berlin`. Days are a comma list of days or
 * ranges (`Mon-Fri`, `Sat,Sun`, `Fri-Mon` wraps) or `Daily`; the window is [from, to) in the zone's wall
 * clock, so it follows daylight saving time; `to` may be 24:00.
 */
export interface ActiveHours {
  readonly expression: string;
  /** 0 = Sunday ... 6 = Saturday (date-fns getDay). */
  readonly days: readonly number[];
  /** Minutes after local midnight. */
  readonly from: number;
  readonly to: number;
  /** IANA time zone. */
  readonly zone: string;
}

const REF = new Date(2026, 0, 1);

function parseDay(name: string): number | null {
  const d = parse(name, 'EEE', REF);
  return isValid(d) ? getDay(d) : null;
}

function parseDays(spec: string): number[] | string {
  if (/^daily$/i.test(spec)) return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of spec.split(',')) {
    const [a, b, ...rest] = part.split('-');
    const first = parseDay(a ?? '');
    const last = b === undefined ? first : parseDay(b);
    if (rest.length > 0 || first === null || last === null) return `"${part}" is not a day or day range (Mon, Mon-Fri, Sat,Sun, Daily)`;
    // Walk forward so Fri-Mon wraps over the weekend.
    for (let d = first; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === last) break;
    }
  }
  return [...days].sort();
}

function parseTime(text: string): number | null {
  if (text === '24:00') return 24 * 60;
  if (!/^\d{2}:\d{2}$/.test(text)) return null;
  const t = parse(text, 'HH:mm', REF);
  return isValid(t) ? getHours(t) * 60 + getMinutes(t) : null;
}

/** Parses an activeHours expression, or returns why it is not one. */
export function parseActiveHours(expression: string): ActiveHours | string {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 3) return 'expected "DAYS HH:MM-HH:MM ZONE", e.g. "Mon-Fri 07:00-19:00 Europe/Berlin"';
  const [daySpec = '', window = '', zone = ''] = parts;
  const days = parseDays(daySpec);
  if (typeof days === 'string') return days;
  const [fromText = '', toText = '', ...extra] = window.split('-');
  const from = parseTime(fromText);
  const to = parseTime(toText);
  if (extra.length > 0 || from === null || to === null || from === 24 * 60) return `"${window}" is not a time window HH:MM-HH:MM (00:00 to 24:00)`;
  if (to <= from) return `"${window}": the end must be after the start (a window over midnight is two days' windows)`;
  if (!isValid(new TZDate(0, zone))) return `"${zone}" is not an IANA time zone (e.g. Europe/Berlin, UTC)`;
  return { expression, days, from, to, zone };
}

/** Whether `now` falls inside the window, read on the zone's wall clock (DST-correct). */
export function isActive(hours: ActiveHours, now: Date): boolean {
  const ctx = { in: tz(hours.zone) };
  const minute = getHours(now, ctx) * 60 + getMinutes(now, ctx);
  return hours.days.includes(getDay(now, ctx)) && minute >= hours.from && minute < hours.to;
}

