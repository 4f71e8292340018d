import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

async function meetingOf(organizer: TestUser = newUser(), body: object = { subject: 'Find me' }) {
  const token = await t.userToken(organizer);
  const made = await postJson(t, '/v1.0/me/onlineMeetings', token, body);
  assert.equal(made.statusCode, 201, made.body);
  return { organizer, token, meeting: made.json() };
}

/** `?$filter=…` with the expression encoded for a URL query, as SDKs send it. */
const filterUrl = (base: string, expression: string, extra = '') =>
  `${base}?$filter=${encodeURIComponent(expression)}${extra}`;

describe('GET …/onlineMeetings?$filter=JoinWebUrl eq', () => {
  test('when the join link is sent as it is, then the collection holds the meeting', async () => {
    const { organizer, token, meeting } = await meetingOf();
    const res = await getJson(t, filterUrl('/v1.0/me/onlineMeetings', `JoinWebUrl eq '${meeting.joinWebUrl}'`), token);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['@odata.context', 'value']);
    assert.equal(body['@odata.context'], `${t.publicUrl()}/v1.0/$metadata#users('${organizer.id}')/onlineMeetings`);
    assert.equal(body.value.length, 1);
    assert.equal(body.value[0].id, meeting.id);
    assert.equal('@odata.context' in body.value[0], false);
    assert.equal(body.value[0].subject, 'Find me');
  });

  test('when the join link is percent-encoded once more (as the docs do) and the name is spelled in any case, then it is found', async () => {
    const { token, meeting } = await meetingOf();
    for (const name of ['JoinWebUrl', 'joinWebUrl', 'JOINWEBURL']) {
      const expression = `${name} eq '${encodeURIComponent(meeting.joinWebUrl)}'`;
      const res = await getJson(t, filterUrl('/v1.0/me/onlineMeetings', expression), token);
      assert.equal(res.json().value[0]?.id, meeting.id, name);
    }
  });

  test('when the short link form /meet/{meeting ID} is used, then it is found too', async () => {
    const { token, meeting } = await meetingOf();
    const short = `https://teams.microsoft.com/meet/${meeting.joinMeetingIdSettings.joinMeetingId}?p=abc`;
    const res = await getJson(t, filterUrl('/v1.0/me/onlineMeetings', `JoinWebUrl eq '${short}'`), token);
    assert.equal(res.json().value[0]?.id, meeting.id);
  });

  test('when no meeting has that link, then the collection is empty', async () => {
    const { token, meeting } = await meetingOf();
    const other = meeting.joinWebUrl.replace(/meeting_[^%]+/, 'meeting_bm90aGVyZQ==');
    for (const link of [other, 'https://teams.microsoft.com/l/meetup-join/nonsense', 'not a url']) {
      const res = await getJson(t, filterUrl('/v1.0/me/onlineMeetings', `JoinWebUrl eq '${link}'`), token);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json().value, [], link);
    }
  });

  test('when an invited attendee looks the meeting up by its link, then 403; a stranger finds nothing', async () => {
    const organizer = newUser();
    const attendee = newUser(organizer.tenantId);
    await t.addUser(attendee);
    const { meeting } = await meetingOf(organizer, { participants: { attendees: [{ upn: attendee.upn }] } });
    const url = filterUrl('/v1.0/me/onlineMeetings', `JoinWebUrl eq '${meeting.joinWebUrl}'`);
    assertGraphError(await getJson(t, url, await t.userToken(attendee)), 403, 'Forbidden', /Only the organizer/);
    const stranger = await getJson(t, url, await t.userToken(newUser(organizer.tenantId)));
    assert.deepEqual(stranger.json().value, []);
  });

  test('when $select is given, then each meeting has only those properties and id, and the context says so', async () => {
    const { organizer, token, meeting } = await meetingOf();
    const res = await getJson(
      t,
      filterUrl('/beta/me/onlineMeetings', `JoinWebUrl eq '${meeting.joinWebUrl}'`, '&$select=subject,JoinWebUrl'),
      token,
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(
      res.json()['@odata.context'],
      `${t.publicUrl()}/beta/$metadata#users('${organizer.id}')/onlineMeetings(subject,joinWebUrl)`,
    );
    assert.deepEqual(res.json().value, [{ id: meeting.id, subject: 'Find me', joinWebUrl: meeting.joinWebUrl }]);
  });
});

describe('GET …/onlineMeetings?$filter=joinMeetingIdSettings/joinMeetingId eq', () => {
  test('when the meeting ID is given, then the meeting is found, by an app under /users/{id} too', async () => {
    const organizer = newUser();
    await t.addUser(organizer);
    const { token, meeting } = await meetingOf(organizer);
    const expression = `joinMeetingIdSettings/joinMeetingId eq '${meeting.joinMeetingIdSettings.joinMeetingId}'`;
    assert.equal(
      (await getJson(t, filterUrl('/v1.0/me/onlineMeetings', expression), token)).json().value[0].id,
      meeting.id,
    );

    const appId = randomUUID();
    await t.allowApp(organizer.tenantId, appId, { user: organizer.id });
    const byApp = await getJson(
      t,
      filterUrl(`/v1.0/users/${organizer.id}/onlineMeetings`, expression),
      await t.appToken(organizer.tenantId, appId, ['OnlineMeetings.Read.All']),
    );
    assert.equal(byApp.statusCode, 200, byApp.body);
    assert.equal(byApp.json().value[0].id, meeting.id);
  });
});

describe('GET /communications/onlineMeetings?$filter=VideoTeleconferenceId eq', () => {
  test('when an app asks by VTC id, then it finds the meeting of its tenant without any access policy', async () => {
    const { organizer, meeting } = await meetingOf();
    const token = await t.appToken(organizer.tenantId, randomUUID(), ['OnlineMeetings.Read.All']);
    for (const base of [
      '/v1.0/communications/onlineMeetings',
      '/beta/communications/onlineMeetings',
      '/beta/app/onlineMeetings',
    ]) {
      const res = await getJson(
        t,
        filterUrl(base, `VideoTeleconferenceId eq '${meeting.videoTeleconferenceId}'`),
        token,
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.json()['@odata.context'], /\/\$metadata#communications\/onlineMeetings$/);
      assert.equal(res.json().value[0]?.id, meeting.id, base);
    }
  });

  test('when the VTC id belongs to another tenant, then nothing is found', async () => {
    const { meeting } = await meetingOf();
    const token = await t.appToken(randomUUID(), randomUUID(), ['OnlineMeetings.Read.All']);
    const res = await getJson(
      t,
      filterUrl('/v1.0/communications/onlineMeetings', `VideoTeleconferenceId eq '${meeting.videoTeleconferenceId}'`),
      token,
    );
    assert.deepEqual(res.json().value, []);
  });

  test('when a delegated token asks, then 403: the lookup takes application permissions only', async () => {
    const { token, meeting } = await meetingOf();
    const res = await getJson(
      t,
      filterUrl('/v1.0/communications/onlineMeetings', `VideoTeleconferenceId eq '${meeting.videoTeleconferenceId}'`),
      token,
    );
    assertGraphError(res, 403, 'Forbidden', /does not support delegated permissions/);
  });
});
