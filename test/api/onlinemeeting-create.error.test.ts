import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { getJson, postJson, sendAs } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const url = '/v1.0/me/onlineMeetings';

/** Each body is rejected with 400 BadRequest and a message naming the problem. */
const badBodies: [string, unknown, RegExp][] = [
  ['subject is a number', { subject: 5 }, /'subject' must be a string or null; got 5/],
  ['a boolean is sent as a string (no coercion)', { allowRecording: 'true' }, /'allowRecording' must be a boolean/],
  ['a boolean is sent as 1', { isEntryExitAnnounced: 1 }, /'isEntryExitAnnounced' must be a boolean/],
  [
    'an enum value is unknown',
    { allowMeetingChat: 'sometimes' },
    /'sometimes' is not valid for 'allowMeetingChat'.*enabled, disabled, limited/,
  ],
  [
    'an enum value differs in case',
    { allowedPresenters: 'Everyone' },
    /'Everyone' is not valid for 'allowedPresenters'/,
  ],
  ['unknownFutureValue is sent', { allowedPresenters: 'unknownFutureValue' }, /not valid for 'allowedPresenters'/],
  ['a nested enum value is unknown', { lobbyBypassSettings: { scope: 'anyone' } }, /'lobbyBypassSettings\/scope'/],
  [
    'an attendee role is unknown',
    { participants: { attendees: [{ upn: 'a@b.c', role: 'boss' }] } },
    /participants\/attendees\/0\/role/,
  ],
  ['a date has no offset', { startDateTime: '2026-05-04T09:00:00' }, /'startDateTime' is not a valid DateTimeOffset/],
  ['a date names a day that does not exist', { startDateTime: '2026-02-30T09:00:00Z' }, /not a valid DateTimeOffset/],
  ['a date is not a date', { endDateTime: 'tomorrow' }, /'endDateTime' is not a valid DateTimeOffset/],
  ['a date has an impossible hour', { startDateTime: '2026-05-04T24:00:00Z' }, /not a valid DateTimeOffset/],
  ['a date is a number', { startDateTime: 1767225600000 }, /'startDateTime' must be a string/],
  [
    'end is before start',
    { startDateTime: '2026-05-04T10:00:00Z', endDateTime: '2026-05-04T09:59:59Z' },
    /endDateTime must not be earlier than startDateTime/,
  ],
  [
    'end is given without start',
    { endDateTime: '2026-05-04T10:00:00Z' },
    /endDateTime was given without startDateTime/,
  ],
  ['start is so late that the default end is past 9999', { startDateTime: '9999-12-31T23:30:00Z' }, /year 9999/],
  [
    'an unknown property is sent',
    { color: 'blue' },
    /property 'color' does not exist on type 'microsoft.graph.onlineMeeting'/,
  ],
  [
    'an unknown nested property is sent',
    { lobbyBypassSettings: { bypass: true } },
    /'lobbyBypassSettings\/bypass' does not exist on type 'microsoft.graph.lobbyBypassSettings'/,
  ],
  ['a read-only property is sent', { joinWebUrl: 'https://x' }, /'joinWebUrl' cannot be set/],
  ['the id is sent', { id: 'MSo...' }, /'id' cannot be set/],
  ['audioConferencing is sent', { audioConferencing: { conferenceId: '1' } }, /'audioConferencing' cannot be set/],
  ['externalId is sent on a plain create', { externalId: 'ext-1' }, /'externalId' cannot be set.*createOrGet/],
  [
    'a custom passcode is sent',
    { joinMeetingIdSettings: { isPasscodeRequired: true, passcode: '123abc' } },
    /passcode' cannot be set.*custom passcode is not supported/,
  ],
  ['a joinMeetingId is sent', { joinMeetingIdSettings: { joinMeetingId: '123' } }, /joinMeetingId' cannot be set/],
  [
    'attendees is not an array',
    { participants: { attendees: { upn: 'a@b.c' } } },
    /'participants\/attendees' must be an array/,
  ],
  [
    'an attendee names nobody',
    { participants: { attendees: [{ role: 'attendee' }] } },
    /participants\/attendees\/0 names nobody/,
  ],
  ['an attendee is null', { participants: { attendees: [null] } }, /participants\/attendees\/0/],
  [
    'too many attendees are sent',
    { participants: { attendees: Array.from({ length: 1001 }, (_, i) => ({ upn: `u${i}@x.y` })) } },
    /too many entries: at most 1000/,
  ],
  ['the body is an array', [], /request body must be a JSON object/],
  ['the body is a string', 'subject', /request body must be a JSON object/],
  ['the body is null', null, /Request payload cannot be null/],
  ['@odata.type names something else', { '@odata.type': 'evil' }, /'@odata.type' is not valid/],
];

describe('POST /me/onlineMeetings with bad input', () => {
  for (const [what, body, message] of badBodies) {
    test(`when ${what}, then 400 BadRequest and nothing is stored`, async () => {
      const user = newUser();
      const res = await postJson(t, url, await t.userToken(user), body);
      assertGraphError(res, 400, 'BadRequest', message);
      assert.equal(await t.database.countMeetings(user.tenantId), 0);
    });
  }

  const send = async (payload: string | Buffer, contentType?: string) => {
    const user = newUser();
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: {
        authorization: `Bearer ${await t.userToken(user)}`,
        ...(contentType ? { 'content-type': contentType } : {}),
      },
      payload,
    });
    return { res, user };
  };

  test('when the JSON is malformed, then 400 with Graph\'s "Unable to read JSON" message', async () => {
    const { res, user } = await send('{"subject": "unterminated', 'application/json');
    assertGraphError(res, 400, 'BadRequest', /Unable to read JSON request payload/);
    assert.equal(await t.database.countMeetings(user.tenantId), 0);
  });

  test('when the body holds bytes that are not UTF-8, then 400 naming the problem and nothing is stored', async () => {
    // {"subject":"caf\xe9"}: Latin-1 é, which a UTF-8 decoder would turn into U+FFFD and store.
    const body = Buffer.concat([Buffer.from('{"subject":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const { res, user } = await send(body, 'application/json');
    assertGraphError(res, 400, 'BadRequest', /not valid UTF-8/);
    assert.equal(await t.database.countMeetings(user.tenantId), 0);
  });

  test('when the JSON tries prototype pollution, then 400', async () => {
    const { res } = await send('{"__proto__": {"isAdmin": true}}', 'application/json');
    assertGraphError(res, 400, 'BadRequest', /Unable to read JSON/);
  });

  test('when the body is text/plain, then 415', async () => {
    const { res } = await send('subject=hello', 'text/plain');
    assertGraphError(res, 415, 'UnsupportedMediaType', /Content-Type: application\/json/);
  });

  test('when the body is form-encoded, then 415', async () => {
    const { res } = await send('subject=hello', 'application/x-www-form-urlencoded');
    assertGraphError(res, 415, 'UnsupportedMediaType', /application\/json/);
  });

  test('when there is no body at all, then 400 "Request payload cannot be null"', async () => {
    const res = await sendAs(t, 'POST', url, await t.userToken(newUser()));
    assertGraphError(res, 400, 'BadRequest', /Request payload cannot be null/);
  });

  test('when the JSON body is empty, then 400', async () => {
    const { res } = await send('', 'application/json');
    assertGraphError(res, 400, 'BadRequest', /Request payload cannot be null/);
  });

  test('when the body is larger than the limit, then 413 and nothing is stored', async () => {
    const { res, user } = await send(JSON.stringify({ subject: 'x'.repeat(1_100_000) }), 'application/json');
    assertGraphError(res, 413, 'RequestEntityTooLarge', /larger than this server accepts/);
    assert.equal(await t.database.countMeetings(user.tenantId), 0);
  });

  test('when client-request-id is not a plain token, then it is replaced by the request id', async () => {
    const user = newUser();
    const res = await postJson(t, url, await t.userToken(user), {}, { 'client-request-id': 'x'.repeat(500) });
    assert.equal(res.headers['client-request-id'], res.headers['request-id']);
  });

  test('when an unknown Graph segment is requested, then 400 naming the segment', async () => {
    const res = await getJson(t, '/v1.0/me/calendarz', await t.userToken(newUser()));
    assertGraphError(res, 400, 'BadRequest', /Resource not found for the segment 'calendarz'/);
  });

  test('when a method the resource does not support is used, then 405', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/v1.0/me/onlineMeetings/abc' });
    assertGraphError(res, 405, 'MethodNotAllowed', /'PUT' is not supported/);
  });
});
