// Calendar dates as 'YYYY-MM-DD' strings. Arithmetic runs on epoch days (days since 1970-01-01, UTC midnight),
// never on local-time Date values: a DST day is 23 or 25 hours long, so dividing local milliseconds by 86 400 000
// miscounts days (science.md §3, "Day boundaries and time zones").

/** An ISO weekday: 1 = Monday ... 7 = Sunday (ISO 8601). */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// An instant must carry its offset: a bare '2024-03-31T02:30' would be read in the server's zone.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date; throws RangeError on anything that is not a real calendar date. */
export function toEpochDay(date: string): number {
  const match = ISO_DATE.exec(date);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0-99 to 1900-1999
    if (utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day) {
      return utc.getTime() / DAY_MS;
    }
  }
  throw new RangeError(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(date)}`);
}

/** The 'YYYY-MM-DD' date of an epoch day (years 0000-9999). */
export function fromEpochDay(epochDay: number): string {
  if (!Number.isInteger(epochDay)) throw new RangeError(`epoch day must be an integer: ${epochDay}`);
  const utc = new Date(epochDay * DAY_MS);
  const year = utc.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) throw new RangeError(`date out of range: epoch day ${epochDay}`);
  return `${String(year).padStart(4, '0')}-${pad2(utc.getUTCMonth() + 1)}-${pad2(utc.getUTCDate())}`;
}

export function isValidDate(date: string): boolean {
  try {
    toEpochDay(date);
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be an integer: ${days}`);
  return fromEpochDay(toEpochDay(date) + days);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return toEpochDay(to) - toEpochDay(from);
}

/** Every date from `start` to `end`, both included; empty when `end` is before `start`. */
export function eachDay(start: string, end: string): string[] {
  const first = toEpochDay(start);
  const last = toEpochDay(end);
  const days: string[] = [];
  for (let day = first; day <= last; day++) days.push(fromEpochDay(day));
  return days;
}

export function isoWeekday(date: string): IsoWeekday {
  // 1970-01-01 was a Thursday (ISO 4); the double modulo keeps dates before 1970 positive.
  return (((((toEpochDay(date) + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/** The weekday on which a training week that starts on `weekStartDay` ends (users.week_start_day). */
export function lastDayOfWeek(weekStartDay: IsoWeekday): IsoWeekday {
  assertIsoWeekday(weekStartDay, 'weekStartDay');
  return (((weekStartDay + 5) % 7) + 1) as IsoWeekday;
}

export function assertIsoWeekday(value: number, name: string): asserts value is IsoWeekday {
  if (!Number.isInteger(value) || value < 1 || value > 7) {
    throw new RangeError(`${name} must be an ISO weekday 1-7: ${value}`);
  }
}

// Building a DateTimeFormat costs ~tens of microseconds; a worker formats thousands of instants per user.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** What the en-US formatter below writes: MM/DD/YYYY. */
const US_DATE = /^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])\/(\d{1,4})$/;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The calendar date in `timeZone` at `instant` (a Date, or an ISO 8601 string with Z or an explicit offset).
 * An activity's day is the local date of its start, so a run starting at 23:30 stays on that date.
 */
export function localDateOf(instant: Date | string, timeZone: string): string {
  if (typeof instant === 'string' && !ISO_INSTANT.test(instant)) {
    throw new RangeError(`instant must be ISO 8601 with Z or an offset: ${JSON.stringify(instant)}`);
  }
  const time = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  if (!Number.isFinite(time)) throw new RangeError(`invalid instant: ${String(instant)}`);
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone: ${JSON.stringify(timeZone)}`);
  // format (MM/DD/YYYY), not formatToParts: a third of the time, and a batch of 500 entries asks 500 times. The
  // pattern takes digits only, so anything else (an era-based year, a year past 9999) is refused.
  const match = US_DATE.exec(formatterFor(timeZone).format(time));
  if (!match) throw new RangeError(`no calendar date at ${String(instant)} in ${timeZone}`);
  return `${match[3]!.padStart(4, '0')}-${match[1]}-${match[2]}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
