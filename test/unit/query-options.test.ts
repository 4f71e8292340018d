import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LookupProperty } from '../../src/domain/online-meetings.js';
import { GraphError } from '../../src/graph/errors.js';
import { parsedLookup, parseMeetingFilter, parseSelect, plainLookup } from '../../src/http/query-options.js';

const all = ['joinWebUrl', 'joinMeetingId', 'videoTeleconferenceId'] as const;

test('when a documented filter is parsed, then its property and string value come out, quotes unescaped', () => {
  assert.deepEqual(parseMeetingFilter("JoinWebUrl eq 'https://x/y?z=1'", all), { joinWebUrl: 'https://x/y?z=1' });
  assert.deepEqual(parseMeetingFilter("joinweburl  eq  'it''s'", all), { joinWebUrl: "it's" });
  assert.deepEqual(parseMeetingFilter("(joinMeetingIdSettings/joinMeetingId eq '123')", all), { joinMeetingId: '123' });
  assert.deepEqual(parseMeetingFilter("VideoTeleconferenceId eq '0180300000' ", all), {
    videoTeleconferenceId: '0180300000',
  });
});

test('when a filter could reach beyond a value (SQL-like text, other operators, functions), then it is refused', () => {
  for (const bad of [
    "JoinWebUrl eq 'x' or 1 eq 1",
    "JoinWebUrl eq 'x'; drop table online_meetings",
    "JoinWebUrl eq ''' or ''1''=''1'",
    'JoinWebUrl eq x',
    "startswith(JoinWebUrl,'x')",
    "joinMeetingIdSettings/passcode eq 'x'",
    "JoinWebUrl/x eq 'y'",
  ]) {
    let literal: unknown;
    try {
      literal = parseMeetingFilter(bad, all);
    } catch (err) {
      assert.ok(err instanceof GraphError && err.status === 400, bad);
      continue;
    }
    // The only way such text is accepted is as the value of a documented lookup, never as SQL.
    assert.deepEqual(Object.keys(literal as object), ['joinWebUrl'], bad);
  }
});

test('when $select lists names in any case, then they come back in their own spelling, once each; * means all', () => {
  assert.deepEqual(parseSelect('SUBJECT,joinweburl,subject', 'v1.0'), ['subject', 'joinWebUrl']);
  assert.equal(parseSelect('*', 'beta'), undefined);
  assert.equal(parseSelect(undefined, 'beta'), undefined);
  assert.deepEqual(parseSelect('joinUrl', 'beta'), ['joinUrl']);
  assert.throws(() => parseSelect('joinUrl', 'v1.0'), /Could not find a property named 'joinUrl'/);
  assert.throws(() => parseSelect('subject,', 'v1.0'), /empty entry/);
  assert.throws(() => parseSelect('participants/organizer', 'v1.0'), /Could not find a property/);
});

test('when a filter is long or deeply nested, then it is refused before it reaches the parser, which could spend seconds on it', () => {
  const base = "JoinWebUrl eq 'x'";
  const attacks = [
    `${'('.repeat(2000)}${base}${')'.repeat(2000)}`,
    `${'a/'.repeat(1000)}b eq 'x'`,
    Array(1000).fill(base).join(' or '),
    `JoinWebUrl eq '${'x'.repeat(3000)}'`,
  ];
  for (const attack of attacks) {
    const started = process.hrtime.bigint();
    assert.throws(
      () => parseMeetingFilter(attack, all),
      (err: GraphError) => err.status === 400,
      attack.slice(0, 30),
    );
    // Generous even for a slow CI machine; unbounded, the first case took 5 s.
    assert.ok(process.hrtime.bigint() - started < 200_000_000n, attack.slice(0, 30));
  }
  // A real join link has many slashes, parentheses even; inside the literal they do not count.
  const link = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_a(b)c%40thread.v2/0?context=%7b%7d';
  assert.deepEqual(parseMeetingFilter(`JoinWebUrl eq '${link}'`, all), { joinWebUrl: link });
});

test('when a filter is read without the parser, then it gives what the parser gives, and nothing the parser refuses', () => {
  const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('');
  const literals = [
    'x',
    '',
    "a''b",
    "''",
    'https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d',
    ascii,
    'ü',
    '💥',
    'a\tb',
  ];
  const shapes = [
    (l: string) => `JoinWebUrl eq '${l}'`,
    (l: string) => `joinweburl  eq\t'${l}'`,
    (l: string) => `  JOINWEBURL eq '${l}'  `,
    (l: string) => `joinMeetingIdSettings/joinMeetingId eq '${l}'`,
    (l: string) => `VideoTeleconferenceId eq '${l}'`,
    (l: string) => `JoinWebUrl EQ '${l}'`,
    (l: string) => `JoinWebUrl eq '${l}' and subject eq 'y'`,
    (l: string) => `Subject eq '${l}'`,
    (l: string) => `JoinWebUrl eq "${l}"`,
    (l: string) => `(JoinWebUrl eq '${l}')`,
  ];
  let taken = 0;
  for (const literal of [...literals, ...ascii.split('').map((c) => `a${c}b`)]) {
    for (const shape of shapes) {
      for (const allowed of [all, ['joinWebUrl'] as const] as readonly (readonly LookupProperty[])[]) {
        const raw = shape(literal);
        const plain = plainLookup(raw, allowed);
        if (plain === undefined) continue;
        taken++;
        assert.deepEqual(plain, parsedLookup(raw, allowed), raw);
      }
    }
  }
  assert.ok(taken > 500, `only ${taken} filters were read without the parser`);
});
