import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** An app with an application access policy granted to the user, as an admin would set up. */
async function allowedApp(user: { tenantId: string; id: string }): Promise<string> {
  const appId = randomUUID();
  await t.allowApp(user.tenantId, appId, { user: user.id });
  return appId;
}

describe('GET /me/onlineMeetings/{id}', () => {
  test('when the organizer gets a meeting with only the Read scope, then 200 and the stored meeting', async () => {
    const user = newUser();
    const created = (
      await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), { subject: 'Read me' })
    ).json();
    const res = await getJson(
      t,
      `/v1.0/me/onlineMeetings/${encodeURIComponent(created.id)}`,
      await t.userToken(user, ['OnlineMeetings.Read']),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), created);
  });

  test('when the id is sent without percent-encoding, then it is found too', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const created = (await postJson(t, '/v1.0/me/onlineMeetings', token, {})).json();
    const raw = await getJson(t, `/v1.0/me/onlineMeetings/${created.id.replace(/\//g, '%2F')}`, token);
    assert.equal(raw.statusCode, 200, raw.body);
  });

  test("when an app reads a user's meeting under /users/{id}, then 200", async () => {
    const user = newUser();
    const created = (await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), {})).json();
    const res = await getJson(
      t,
      `/v1.0/users/${user.id}/onlineMeetings/${encodeURIComponent(created.id)}`,
      await t.appToken(user.tenantId, await allowedApp(user), ['OnlineMeetings.Read.All']),
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().id, created.id);
  });

  test('when the meeting is read through beta, then the context names beta and the body is the same', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const created = (await postJson(t, '/v1.0/me/onlineMeetings', token, {})).json();
    const res = (await getJson(t, `/beta/me/onlineMeetings/${encodeURIComponent(created.id)}`, token)).json();
    assert.ok(res['@odata.context'].startsWith(`${t.publicUrl()}/beta/`));
    assert.equal(res.joinWebUrl, created.joinWebUrl);
  });

  test('when a meeting is read after the server restarts on the same data dir, then it is still there', async () => {
    const user = newUser();
    const created = (
      await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), { subject: 'durable' })
    ).json();
    const reopened = await t.database.reopen();
    try {
      const record = await reopened.getMeeting(user.tenantId, created.id);
      assert.equal(record?.document.settings.subject, 'durable');
    } finally {
      await reopened.close();
    }
  });
});

describe('GET by id: id forms, attendees and $select', () => {
  test('when the id comes in any of the forms clients use, then each finds the meeting', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const made = (await postJson(t, '/v1.0/me/onlineMeetings', token, { subject: 'forms' })).json();
    const legacy = `${user.id}_${made.chatInfo.threadId}`;
    const urlSafe = made.id.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const forms = [
      `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}`,
      `/v1.0/me/onlineMeetings/${made.id}`,
      `/v1.0/me/onlineMeetings/${encodeURIComponent(legacy)}`,
      `/v1.0/me/onlineMeetings/${legacy}`,
      `/v1.0/me/onlineMeetings/${urlSafe}`,
      `/v1.0/me/onlineMeetings('${encodeURIComponent(made.id)}')`,
      `/v1.0/me/onlineMeetings(%27${made.id}%27)`,
      `/v1.0/users/${user.id}/onlineMeetings('${made.id}')`,
    ];
    for (const url of forms) {
      const res = await getJson(t, url, token);
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
      assert.equal(res.json().id, made.id, url);
    }
  });

  test('when an invited attendee reads the meeting, by their own token or by an app for them, then 200', async () => {
    const organizer = newUser();
    const attendee = newUser(organizer.tenantId);
    await t.addUser(attendee);
    const made = (
      await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(organizer), {
        subject: 'invited',
        participants: { attendees: [{ upn: attendee.upn }] },
      })
    ).json();
    const own = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}`, await t.userToken(attendee));
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().subject, 'invited');
    const appId = randomUUID();
    await t.allowApp(organizer.tenantId, appId, { user: attendee.id });
    const byApp = await getJson(
      t,
      `/v1.0/users/${attendee.id}/onlineMeetings/${encodeURIComponent(made.id)}`,
      await t.appToken(organizer.tenantId, appId, ['OnlineMeetings.Read.All']),
    );
    assert.equal(byApp.statusCode, 200, byApp.body);
  });

  test('when $select names properties, then only they and id come back, with the matching context', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const made = (await postJson(t, '/v1.0/me/onlineMeetings', token, { subject: 'selected' })).json();
    const res = await getJson(
      t,
      `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}?%24select=subject,joinWebUrl`,
      token,
    );
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      '@odata.context': `${t.publicUrl()}/v1.0/$metadata#users('${user.id}')/onlineMeetings(subject,joinWebUrl)/$entity`,
      id: made.id,
      subject: 'selected',
      joinWebUrl: made.joinWebUrl,
    });
    const all = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}?$select=*`, token);
    assert.equal(all.json().audioConferencing.conferenceId, made.audioConferencing.conferenceId);
  });
});
