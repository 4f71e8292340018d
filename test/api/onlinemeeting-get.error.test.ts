import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

describe('GET /me/onlineMeetings/{id} for meetings that are not there', () => {
  test('when the id is unknown, then 404 NotFound', async () => {
    const res = await getJson(t, '/v1.0/me/onlineMeetings/MSpub3RoZXJl', await t.userToken(newUser()));
    assertGraphError(res, 404, 'NotFound', /No online meeting with id 'MSpub3RoZXJl'/);
  });

  test('when the id is the Teams client id (MCMx...), then 404 as in Graph', async () => {
    const id = Buffer.from('0#19:meeting_abc@thread.v2#0').toString('base64');
    const res = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(id)}`, await t.userToken(newUser()));
    assertGraphError(res, 404, 'NotFound', /No online meeting/);
  });

  test('when another user of the tenant asks for a meeting, then 404 and nothing of it is shown', async () => {
    const owner = newUser();
    const other = newUser(owner.tenantId);
    const created = (
      await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(owner), { subject: 'secret' })
    ).json();
    const res = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(created.id)}`, await t.userToken(other));
    assertGraphError(res, 404, 'NotFound', /No online meeting/);
  });

  test('when a token of another tenant asks for the meeting with the same user id, then 404', async () => {
    const owner = newUser();
    const created = (await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(owner), {})).json();
    const twin = { ...owner, tenantId: randomUUID() };
    const res = await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(created.id)}`, await t.userToken(twin));
    assertGraphError(res, 404, 'NotFound', /No online meeting/);
  });

  test('when an app asks under another user of the tenant, then 404', async () => {
    const owner = newUser();
    const other = newUser(owner.tenantId);
    const created = (await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(owner), {})).json();
    await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(other), {});
    const appId = randomUUID();
    await t.allowApp(owner.tenantId, appId, { global: true });
    const res = await getJson(
      t,
      `/v1.0/users/${other.id}/onlineMeetings/${encodeURIComponent(created.id)}`,
      await t.appToken(owner.tenantId, appId),
    );
    assertGraphError(res, 404, 'NotFound', /No online meeting/);
  });

  test('when the id is very long, then 404 with a shortened echo', async () => {
    const res = await getJson(t, `/v1.0/me/onlineMeetings/${'A'.repeat(1500)}`, await t.userToken(newUser()));
    assertGraphError(res, 404, 'NotFound', /A{120}…'/);
  });

  test('when the id has a malformed percent-encoding, then 400', async () => {
    const res = await getJson(t, '/v1.0/me/onlineMeetings/%E0%A4%A', await t.userToken(newUser()));
    assertGraphError(res, 400, 'BadRequest', /percent-encoding|not valid/);
  });
});

describe('GET by id with a bad query', () => {
  test('when $select names a property onlineMeeting does not have, or one only beta has, then 400', async () => {
    const token = await t.userToken(newUser());
    const made = (await postJson(t, '/v1.0/me/onlineMeetings', token, {})).json();
    const url = `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}`;
    assertGraphError(
      await getJson(t, `${url}?$select=subject,colour`, token),
      400,
      'BadRequest',
      /Could not find a property named 'colour' on type 'microsoft\.graph\.onlineMeeting'/,
    );
    assertGraphError(await getJson(t, `${url}?$select=joinUrl`, token), 400, 'BadRequest', /'joinUrl'/);
    assert.equal(
      (await getJson(t, `/beta/me/onlineMeetings/${encodeURIComponent(made.id)}?$select=joinUrl`, token)).statusCode,
      200,
    );
  });

  test('when a collection option is sent to a single meeting, then 400 saying it is not a collection', async () => {
    const token = await t.userToken(newUser());
    const made = (await postJson(t, '/v1.0/me/onlineMeetings', token, {})).json();
    assertGraphError(
      await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(made.id)}?$filter=x`, token),
      400,
      'BadRequest',
      /The requested resource is not a collection/,
    );
  });
});
