import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { getJson, patchJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function meetingOf(organizer: TestUser = newUser(), version = 'v1.0') {
  const token = await t.userToken(organizer);
  const res = await postJson(t, `/${version}/me/onlineMeetings`, token, {
    subject: 'Unchanged',
    startDateTime: '2026-12-01T10:00:00Z',
    endDateTime: '2026-12-01T11:00:00Z',
  });
  assert.equal(res.statusCode, 201, res.body);
  return {
    organizer,
    token,
    meeting: res.json(),
    url: `/${version}/me/onlineMeetings/${encodeURIComponent(res.json().id)}`,
  };
}

const invalid: [string, Record<string, unknown>, number, string, RegExp][] = [
  ['only startDateTime', { startDateTime: '2027-01-01T10:00:00Z' }, 400, 'BadRequest', /must be changed together/],
  [
    'only endDateTime',
    { endDateTime: '2027-01-01T10:00:00Z', subject: 'x' },
    400,
    'BadRequest',
    /must be changed together/,
  ],
  [
    'an end before the start',
    { startDateTime: '2027-01-01T10:00:00Z', endDateTime: '2027-01-01T09:00:00Z' },
    400,
    'BadRequest',
    /endDateTime must not be earlier than startDateTime/,
  ],
  ['a null start', { startDateTime: null, endDateTime: '2027-01-01T09:00:00Z' }, 400, 'BadRequest', /must not be null/],
  [
    'an organizer',
    { participants: { organizer: { identity: { user: { id: '00000000-0000-0000-0000-000000000001' } } } } },
    400,
    'InvalidArgument',
    /^One or more properties do not support updating: 'participants\/organizer'/,
  ],
  [
    'joinMeetingIdSettings',
    { joinMeetingIdSettings: { isPasscodeRequired: true } },
    400,
    'InvalidArgument',
    /'joinMeetingIdSettings'/,
  ],
  ['the join link', { joinWebUrl: 'https://example.test/x' }, 400, 'InvalidArgument', /'joinWebUrl'/],
  ['the id', { id: 'MSo' }, 400, 'InvalidArgument', /'id'/],
  ['an externalId', { externalId: 'x' }, 400, 'InvalidArgument', /'externalId'/],
  ['chatInfo', { chatInfo: { threadId: '19:x@thread.v2' } }, 400, 'InvalidArgument', /'chatInfo'/],
  [
    'a setting the update table leaves out',
    { allowParticipantsToChangeName: true },
    400,
    'InvalidArgument',
    /'allowParticipantsToChangeName'/,
  ],
  ['meetingTemplateId', { meetingTemplateId: 'tpl' }, 400, 'InvalidArgument', /'meetingTemplateId'/],
  [
    'a beta-only property on v1.0',
    { anonymizeIdentityForRoles: ['attendee'] },
    400,
    'BadRequest',
    /'anonymizeIdentityForRoles' does not exist on type 'microsoft\.graph\.onlineMeeting'/,
  ],
  ['an unknown property', { colour: 'blue' }, 400, 'BadRequest', /'colour' does not exist/],
  ['a number for the subject', { subject: 5 }, 400, 'BadRequest', /'subject' must be a string/],
  [
    "'roleIsPresenter' without the attendees",
    { allowedPresenters: 'roleIsPresenter' },
    400,
    'BadRequest',
    /needs the full attendee list/,
  ],
  [
    'a presenter outside the directory',
    { participants: { attendees: [{ upn: 'stranger@fabrikam.example', role: 'presenter' }] } },
    400,
    'BadRequest',
    /cannot be given the role 'presenter'/,
  ],
];

describe('PATCH errors', () => {
  for (const [what, body, status, code, message] of invalid) {
    test(`when an update sends ${what}, then ${status} ${code} and the meeting is unchanged`, async () => {
      const { token, meeting, url } = await meetingOf();
      assertGraphError(await patchJson(t, url, token, body), status, code, message);
      const after = (await getJson(t, url, token)).json();
      assert.equal(after.subject, meeting.subject);
      assert.equal(after.startDateTime, meeting.startDateTime);
      assert.equal(after.expiryDateTime, meeting.expiryDateTime);
      assert.deepEqual(after.participants, meeting.participants);
    });
  }

  test('when the meeting does not exist or the id is malformed, then 404', async () => {
    const token = await t.userToken(newUser());
    for (const id of ['MSpub3RoZXJl', 'not-an-id', encodeURIComponent(Buffer.from('1*x*0**y').toString('base64'))]) {
      assertGraphError(
        await patchJson(t, `/v1.0/me/onlineMeetings/${id}`, token, { subject: 'x' }),
        404,
        'NotFound',
        /No online meeting/,
      );
    }
  });

  test("when an invited attendee updates the organizer's meeting, then 403; someone else gets 404", async () => {
    const organizer = newUser();
    const attendee = newUser(organizer.tenantId);
    await t.addUser(attendee);
    const token = await t.userToken(organizer);
    const made = await postJson(t, '/v1.0/me/onlineMeetings', token, {
      participants: { attendees: [{ upn: attendee.upn }] },
    });
    const path = `/v1.0/me/onlineMeetings/${encodeURIComponent(made.json().id)}`;
    assertGraphError(
      await patchJson(t, path, await t.userToken(attendee), { subject: 'taken over' }),
      403,
      'Forbidden',
      /Only the organizer/,
    );
    assertGraphError(
      await patchJson(t, path, await t.userToken(newUser(organizer.tenantId)), { subject: 'x' }),
      404,
      'NotFound',
      /No online meeting/,
    );
    assert.equal((await getJson(t, path, token)).json().subject, null);
  });

  test('when the body is not JSON, then 400; without a content type, 415', async () => {
    const { token, url } = await meetingOf();
    const broken = await t.app.inject({
      method: 'PATCH',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '{"subject":',
    });
    assertGraphError(broken, 400, 'BadRequest', /Unable to read JSON request payload/);
    const text = await t.app.inject({
      method: 'PATCH',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      payload: 'subject=x',
    });
    assertGraphError(text, 415, 'UnsupportedMediaType', /must be JSON/);
  });
});
