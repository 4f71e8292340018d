import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, patchJson, postJson, sendAs } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

// Answers to reads are held once the same meeting state and view is asked for twice (RenderedMeetings). These tests
// read a meeting until its answer is held, and then check that every change of state or view is answered anew.

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** Reads three times: the third answer is the held one. */
async function readHeld(url: string, token: string, headers: Record<string, string> = {}) {
  await getJson(t, url, token, headers);
  await getJson(t, url, token, headers);
  return getJson(t, url, token, headers);
}

async function meeting(body: Record<string, unknown> = { subject: 'Held' }) {
  const user = newUser();
  const token = await t.userToken(user);
  const created = (await postJson(t, '/v1.0/me/onlineMeetings', token, body)).json();
  const url = `/v1.0/me/onlineMeetings/${encodeURIComponent(created.id)}`;
  return { token, created, url };
}

describe('a meeting read again', () => {
  test('when it is read twice, then both answers are the same bytes as the meeting created', async () => {
    const { token, created, url } = await meeting();
    const first = await getJson(t, url, token);
    const second = await readHeld(url, token);
    assert.equal(first.statusCode, 200);
    assert.equal(second.body, first.body);
    assert.deepEqual(second.json(), created);
  });

  test('when it is changed after a read, then the next read has the change', async () => {
    const { token, url } = await meeting();
    assert.equal((await readHeld(url, token)).json().subject, 'Held');
    const patched = await patchJson(t, url, token, { subject: 'Changed' });
    assert.equal(patched.json().subject, 'Changed');
    assert.equal((await readHeld(url, token)).json().subject, 'Changed');
    await patchJson(t, url, token, { subject: 'Held' });
    assert.equal((await getJson(t, url, token)).json().subject, 'Held', 'an earlier state is not served again');
  });

  test('when it is read in another language, then the invitation is in that language', async () => {
    const { token, url } = await meeting();
    const english = await readHeld(url, token);
    const german = await getJson(t, url, token, { 'accept-language': 'de-DE' });
    assert.equal(german.headers['content-language'], 'de');
    assert.notEqual(german.json().joinInformation.content, english.json().joinInformation.content);
    assert.equal((await getJson(t, url, token)).body, english.body);
  });

  test('when it is read with and without $select, then each answer has its own properties', async () => {
    const { token, url } = await meeting();
    const full = (await readHeld(url, token)).json();
    const picked = (await getJson(t, `${url}?$select=subject`, token)).json();
    assert.deepEqual(Object.keys(picked).sort(), ['@odata.context', 'id', 'subject']);
    assert.match(picked['@odata.context'], /onlineMeetings\(subject\)\/\$entity$/);
    assert.deepEqual((await getJson(t, url, token)).json(), full);
  });

  test('when it is read through beta after v1.0, then the beta answer names beta and has its properties', async () => {
    const { token, url } = await meeting();
    const v1 = (await readHeld(url, token)).json();
    const beta = (await getJson(t, url.replace('/v1.0/', '/beta/'), token)).json();
    assert.ok(beta['@odata.context'].includes('/beta/'));
    assert.equal(beta.joinUrl, v1.joinWebUrl);
    assert.equal(v1.joinUrl, undefined);
  });

  test('when evolvable enum members are asked for, then only that answer shows them', async () => {
    const { token, url } = await meeting({ lobbyBypassSettings: { scope: 'invited' } });
    const plain = (await readHeld(url, token)).json();
    const opted = (await getJson(t, url, token, { prefer: 'include-unknown-enum-members' })).json();
    assert.equal(plain.lobbyBypassSettings.scope, 'unknownFutureValue');
    assert.equal(opted.lobbyBypassSettings.scope, 'invited');
  });

  test('when it is deleted after a read, then the next read is 404', async () => {
    const { token, url } = await meeting();
    assert.equal((await readHeld(url, token)).statusCode, 200);
    assert.equal((await sendAs(t, 'DELETE', url, token)).statusCode, 204);
    assert.equal((await getJson(t, url, token)).statusCode, 404);
  });

  test('when another user asks for it after the organizer read it, then 404 as before', async () => {
    const { token, url } = await meeting();
    assert.equal((await readHeld(url, token)).statusCode, 200);
    const stranger = await t.userToken(newUser());
    assert.equal((await getJson(t, url, stranger)).statusCode, 404);
  });
});

describe('a meeting looked up again by its join link', () => {
  test('when it is changed or deleted between lookups, then each lookup answers its current state', async () => {
    const { token, created, url } = await meeting();
    const lookup = `/v1.0/me/onlineMeetings?$filter=${encodeURIComponent(`JoinWebUrl eq '${created.joinWebUrl}'`)}`;
    const first = await readHeld(lookup, token);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().value[0].subject, 'Held');
    assert.equal((await getJson(t, lookup, token)).body, first.body);

    await patchJson(t, url, token, { subject: 'Changed' });
    assert.equal((await readHeld(lookup, token)).json().value[0].subject, 'Changed');
    const selected = (await getJson(t, `${lookup}&$select=subject`, token)).json();
    assert.deepEqual(Object.keys(selected.value[0]).sort(), ['id', 'subject']);

    await sendAs(t, 'DELETE', url, token);
    assert.deepEqual((await getJson(t, lookup, token)).json().value, []);
  });
});
