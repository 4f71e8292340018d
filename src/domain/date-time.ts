/**
 * Edm.DateTimeOffset as Graph reads and writes it. Clients send an offset (`-07:00`, `Z`) and up to 7 fraction
 * digits (.NET ticks); Graph answers in UTC with `Z` and keeps the fraction the client sent
 * (`2019-07-12T14:30:34.2444915-07:00` comes back as `2019-07-12T21:30:34.2444915Z`).
 * JavaScript's Date keeps only milliseconds, so the fraction is carried beside it as text.
 */
export interface DateTimeOffset {
  /** Whole seconds since the epoch, in milliseconds. */
  readonly epochMs: number;
  /** Fraction-of-second digits as sent (0 to 7 of them). */
  readonly fraction: string;
}

const pattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const maxEpochMs = Date.UTC(9999, 11, 31, 23, 59, 59);
const minEpochMs = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  d.setUTCHours(0, 0, 0, 0);
  return d.getTime();
})();

/** Parses an ISO 8601 date-time with offset; null when it is not one (or names a day that does not exist). */
export function parseDateTimeOffset(raw: string): DateTimeOffset | null {
  const m = pattern.exec(raw);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || day < 1) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCMonth() !== month - 1) return null; // e.g. 2023-02-30
  let offsetMinutes = 0;
  const zone = m[8] as string;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 14 || om > 59 || (oh === 14 && om > 0)) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  d.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const epochMs = d.getTime();
  if (Number.isNaN(epochMs) || epochMs < minEpochMs || epochMs > maxEpochMs) return null;
  return { epochMs, fraction: (m[7] ?? '').slice(0, 7) };
}

/** UTC form with `Z`, e.g. `2021-06-30T08:00:00Z` or `2019-07-12T21:30:34.2444915Z`. */
export function formatDateTimeOffset(value: DateTimeOffset): string {
  const base = new Date(value.epochMs).toISOString().slice(0, 19);
  return value.fraction ? `${base}.${value.fraction}Z` : `${base}Z`;
}

/** The instant `ms` milliseconds since the epoch, written with Graph's 7 fraction digits. */
export function fromEpochMs(ms: number): DateTimeOffset {
  const whole = Math.floor(ms / 1000) * 1000;
  return { epochMs: whole, fraction: `${String(ms - whole).padStart(3, '0')}0000` };
}

export function addHours(value: DateTimeOffset, hours: number): DateTimeOffset | null {
  const epochMs = value.epochMs + hours * 3_600_000;
  return epochMs > maxEpochMs ? null : { epochMs, fraction: value.fraction };
}

export function addDays(value: DateTimeOffset, days: number): DateTimeOffset {
  return { epochMs: Math.min(value.epochMs + days * 86_400_000, maxEpochMs), fraction: value.fraction };
}

/** Negative when a is earlier than b, 0 when equal, positive when later. */
export function compareDateTimeOffset(a: DateTimeOffset, b: DateTimeOffset): number {
  if (a.epochMs !== b.epochMs) return a.epochMs - b.epochMs;
  return a.fraction.padEnd(7, '0').localeCompare(b.fraction.padEnd(7, '0'));
}
