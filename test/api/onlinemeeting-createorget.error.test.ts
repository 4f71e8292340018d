import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { postJson, sendAs } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const badBodies: [string, unknown, RegExp][] = [
  ['externalId is missing', { subject: 'x' }, /The parameter 'externalId' is required/],
  ['externalId is empty', { externalId: '' }, /'externalId' must not be empty/],
  ['externalId is null', { externalId: null }, /'externalId' must be a string/],
  ['externalId is a number', { externalId: 42 }, /'externalId' must be a string/],
  [
    'externalId is longer than 512 characters',
    { externalId: 'e'.repeat(513) },
    /'externalId' is too long: at most 512/,
  ],
  [
    'the end is given without a start',
    { externalId: 'e', endDateTime: '2026-01-01T10:00:00Z' },
    /endDateTime was given without startDateTime/,
  ],
  [
    'the end is before the start',
    { externalId: 'e', startDateTime: '2026-01-01T10:00:00Z', endDateTime: '2026-01-01T09:00:00Z' },
    /must not be earlier/,
  ],
  ['a date is invalid', { externalId: 'e', startDateTime: '2026-13-01T10:00:00Z' }, /not a valid DateTimeOffset/],
  [
    'an unknown property is sent',
    { externalId: 'e', foo: 1 },
    /'foo' does not exist on type 'microsoft.graph.onlineMeeting'/,
  ],
  // Neither backend may differ: PostgreSQL text cannot hold U+0000, so no backend takes it.
  ['externalId holds U+0000', { externalId: 'a\u0000b' }, /contains the character U\+0000/],
  ['the subject holds U+0000', { externalId: 'e', subject: '\u0000' }, /contains the character U\+0000/],
  ['a read-only property is sent', { externalId: 'e', joinWebUrl: 'x' }, /'joinWebUrl' cannot be set/],
  [
    'subject has the wrong type',
    { externalId: 'e', subject: ['a'] },
    /'subject' must be a string or null; got an array/,
  ],
];

describe('POST /me/onlineMeetings/createOrGet with bad input', () => {
  for (const [what, body, message] of badBodies) {
    test(`when ${what}, then 400 BadRequest and nothing is stored`, async () => {
      const user = newUser();
      const res = await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', await t.userToken(user), body);
      assertGraphError(res, 400, 'BadRequest', message);
      assert.equal(await t.database.countMeetings(user.tenantId), 0);
    });
  }

  test('when a string holds a backslash and u0000 as text, then it is no NUL and the meeting is created', async () => {
    const user = newUser();
    const res = await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', await t.userToken(user), {
      externalId: '\\u0000',
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().externalId, '\\u0000');
  });

  test('when a path under createOrGet is called with DELETE, then 405', async () => {
    const res = await sendAs(t, 'DELETE', '/v1.0/me/onlineMeetings/createOrGet/x', await t.userToken(newUser()));
    assertGraphError(res, 405, 'MethodNotAllowed', /not supported/);
  });
});
