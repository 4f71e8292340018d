import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { getJson, postJson, sendAs } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('DELETE /me/onlineMeetings/{id}', () => {
  test('when the organizer deletes a meeting, then 204 with no body, GET is 404 and its externalId and meeting ID are free', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const made = (await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', token, { externalId: 'course-9' })).json();
    const url = `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}`;

    const res = await sendAs(t, 'DELETE', url, token);
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    assert.equal((await getJson(t, url, token)).statusCode, 404);
    assert.equal(await t.database.countMeetings(user.tenantId), 0);
    const byId = await getJson(
      t,
      `/v1.0/me/onlineMeetings?$filter=joinMeetingIdSettings/joinMeetingId eq '${made.joinMeetingIdSettings.joinMeetingId}'`,
      token,
    );
    assert.deepEqual(byId.json().value, []);

    const again = await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', token, { externalId: 'course-9' });
    assert.equal(again.statusCode, 201, 'createOrGet makes a new meeting for the freed externalId');
    assert.notEqual(again.json().id, made.id);
    assert.equal((await sendAs(t, 'DELETE', url, token)).statusCode, 404, 'deleting twice finds nothing');
  });

  test('when the client sends Content-Type: application/json with no body, as generic HTTP clients do, then 204', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const made = (await postJson(t, '/v1.0/me/onlineMeetings', token, {})).json();
    const url = `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}`;
    const res = await sendAs(t, 'DELETE', url, token, { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(await t.database.countMeetings(user.tenantId), 0);
  });

  test('when the older {oid}_{threadId} id is used, then the meeting is deleted too', async () => {
    const user = newUser();
    const token = await t.userToken(user);
    const made = (await postJson(t, '/beta/me/onlineMeetings', token, {})).json();
    const legacy = `${user.id}_${made.chatInfo.threadId}`;
    assert.equal(
      (await sendAs(t, 'DELETE', `/beta/me/onlineMeetings/${encodeURIComponent(legacy)}`, token)).statusCode,
      204,
    );
    assert.equal(await t.database.countMeetings(user.tenantId), 0);
  });

  test('when an app with an access policy deletes under /users/{id}, then 204', async () => {
    const user = newUser();
    await t.addUser(user);
    const made = (await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), {})).json();
    const appId = randomUUID();
    await t.allowApp(user.tenantId, appId, { user: user.id });
    const res = await sendAs(
      t,
      'DELETE',
      `/v1.0/users/${user.id}/onlineMeetings/${encodeURIComponent(made.id)}`,
      await t.appToken(user.tenantId, appId),
    );
    assert.equal(res.statusCode, 204);
  });
});
