import { addDays, compareDateTimeOffset, type DateTimeOffset, formatDateTimeOffset, fromEpochMs } from './date-time.js';

/**
 * expiryDateTime: a meeting expires 60 days after its end, and an update extends that to 60 days after the later
 * of its end and now (https://learn.microsoft.com/en-us/graph/api/resources/onlinemeeting, expiryDateTime).
 */
const expiryDays = 60;

/** A new meeting's expiry: 60 days after its end, even when that end is already past. */
export function expiryOfNewMeeting(end: DateTimeOffset): string {
  return formatDateTimeOffset(addDays(end, expiryDays));
}

/** An updated meeting's expiry: 60 days after its end or after now, whichever is later. */
export function expiryAfterUpdate(end: DateTimeOffset, nowMs: number): string {
  const now = fromEpochMs(nowMs);
  return formatDateTimeOffset(addDays(compareDateTimeOffset(end, now) > 0 ? end : now, expiryDays));
}
