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
      await t.appToken(user.tenantId, randomUUID(), ['OnlineMeetings.Read.All']),
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
    const { openSqliteStore } = await import('../../src/storage/open-store.js');
    const reopened = await openSqliteStore(t.dataDir);
    try {
      const record = await reopened.getMeeting(user.tenantId, created.id);
      assert.equal(record?.document.settings.subject, 'durable');
    } finally {
      await reopened.close();
    }
  });
});
