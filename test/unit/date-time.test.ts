import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addHours,
  compareDateTimeOffset,
  formatDateTimeOffset,
  parseDateTimeOffset,
} from '../../src/domain/date-time.js';

const utc = (raw: string) => {
  const v = parseDateTimeOffset(raw);
  return v && formatDateTimeOffset(v);
};

test('when a time has an offset, then it is written in UTC with the fraction kept', () => {
  assert.equal(utc('2019-07-12T14:30:34.2444915-07:00'), '2019-07-12T21:30:34.2444915Z');
  assert.equal(utc('2021-06-30T08:00:00+00:00'), '2021-06-30T08:00:00Z');
  assert.equal(utc('2026-01-01T00:30:00+05:30'), '2025-12-31T19:00:00Z');
  assert.equal(utc('2026-01-01T10:00Z'), '2026-01-01T10:00:00Z');
  assert.equal(utc('2026-01-01T10:00:00.123456789Z'), '2026-01-01T10:00:00.1234567Z');
  assert.equal(utc('2024-02-29T12:00:00Z'), '2024-02-29T12:00:00Z');
});

test('when a value is not an ISO 8601 date-time with offset, then it does not parse', () => {
  for (const bad of [
    '2026-01-01T10:00:00',
    '2026-01-01',
    '2023-02-29T10:00:00Z',
    '2026-04-31T10:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T10:60:00Z',
    '2026-01-01T10:00:60Z',
    '2026-01-01T10:00:00+15:00',
    '2026-01-01 10:00:00Z',
    '0000-01-01T00:00:00Z',
    '2026-1-01T10:00:00Z',
    ' 2026-01-01T10:00:00Z',
    '',
  ]) {
    assert.equal(parseDateTimeOffset(bad), null, bad);
  }
});

test('when the default hour would pass the year 9999, then there is none', () => {
  assert.equal(addHours(parseDateTimeOffset('9999-12-31T23:30:00Z')!, 1), null);
});

test('when two times differ only below the millisecond, then they still compare in order', () => {
  const a = parseDateTimeOffset('2026-01-01T10:00:00.0000001Z')!;
  const b = parseDateTimeOffset('2026-01-01T10:00:00Z')!;
  assert.ok(compareDateTimeOffset(a, b) > 0);
  assert.equal(compareDateTimeOffset(b, parseDateTimeOffset('2026-01-01T11:00:00+01:00')!), 0);
});
