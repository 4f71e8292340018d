import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertGraphEnvelope } from '../helpers/graph-assert.js';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

type Entry = {
  id: string;
  clientRequestId: string;
  status: number;
  operation: string;
  path: string;
  principal: { tenantId: string; userId: string | null; appId: string | null } | null;
  meeting: { tenantId: string; id: string } | null;
  injected: { ruleId: string; what: string } | null;
  request: { headers: Record<string, string>; body: unknown };
  response: { headers: Record<string, string>; body: Record<string, unknown> };
};

async function requests(query: string) {
  const res = await t.adminRequest('GET', `/_graphmeet/requests?${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { capacity: number; value: Entry[]; '@odata.nextLink'?: string };
}

describe('request inspector', () => {
  test('when an app creates a meeting, then the inspector holds the request and answer, its secrets taken out', async () => {
    const organizer = newUser();
    await t.addUser(organizer);
    const token = await t.userToken(organizer);
    const clientRequestId = randomUUID();
    const created = await postJson(
      t,
      '/v1.0/me/onlineMeetings',
      token,
      { subject: 'Inspected', joinMeetingIdSettings: { isPasscodeRequired: true } },
      { 'client-request-id': clientRequestId },
    );
    assert.equal(created.statusCode, 201);
    const meeting = created.json();
    const passcode = meeting.joinMeetingIdSettings.passcode as string;
    assert.ok(passcode);

    const { value } = await requests(`requestId=${clientRequestId}`);
    assert.equal(value.length, 1);
    const entry = value[0] as Entry;
    assert.equal(entry.status, 201);
    assert.equal(entry.operation, 'create');
    assert.equal(entry.id, created.headers['request-id']);
    assert.deepEqual(entry.meeting, { tenantId: organizer.tenantId, id: meeting.id });
    assert.equal(entry.principal?.userId, organizer.id);
    assert.deepEqual(entry.request.body, { subject: 'Inspected', joinMeetingIdSettings: { isPasscodeRequired: true } });
    assert.equal(entry.request.headers.authorization, 'Bearer [redacted]');
    assert.equal(entry.response.body.subject, 'Inspected');
    const text = JSON.stringify(entry);
    assert.ok(!text.includes(token), 'the token is never shown');
    assert.ok(!text.includes(passcode), 'the passcode is never shown, not even inside joinInformation');
    assert.equal((entry.response.body.joinMeetingIdSettings as { passcode: string }).passcode, '[redacted]');

    // Found again by the meeting, the principal, the status and part of the path; read alone by its request-id.
    assert.equal((await requests(`meetingId=${encodeURIComponent(meeting.id)}`)).value.length, 1);
    assert.ok((await requests(`principal=${organizer.id}&status=2xx`)).value.some((e) => e.id === entry.id));
    assert.ok((await requests('path=ME/ONLINEMEETINGS&status=201')).value.some((e) => e.id === entry.id));
    const one = await t.adminRequest('GET', `/_graphmeet/requests/${entry.id}`);
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().id, entry.id);
  });

  test('when a client secret goes to the token endpoint, then the inspector shows neither it nor the token', async () => {
    const tenantId = randomUUID();
    await t.admin.putTenant(tenantId, null);
    const app = await t.admin.addApplication(tenantId, {
      displayName: 'Inspected app',
      roles: ['OnlineMeetings.ReadWrite.All'],
    });
    const res = await t.app.inject({
      method: 'POST',
      url: `/${tenantId}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.application.appId,
        client_secret: app.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    assert.equal(res.statusCode, 200, res.body);
    const accessToken = res.json().access_token as string;
    const { value } = await requests(`requestId=${res.headers['request-id']}`);
    const text = JSON.stringify(value);
    assert.equal(value[0]?.operation, 'token');
    assert.ok(!text.includes(app.clientSecret), 'no client secret');
    assert.ok(!text.includes(accessToken), 'no access token');
    assert.equal(((value[0] as Entry).request.body as { client_secret: string }).client_secret, '[redacted]');
  });

  test('when the admin API, the pages or a browser’s favicon are asked for, then the inspector does not record them', async () => {
    await t.adminRequest('GET', '/_graphmeet/tenants');
    assert.equal((await t.app.inject('/favicon.ico')).statusCode, 204);
    assert.equal((await t.app.inject('/meet')).statusCode, 200);
    for (const path of ['/_graphmeet/', '/favicon.ico', '/meet']) {
      assert.equal((await requests(`path=${encodeURIComponent(path)}`)).value.length, 0, path);
    }
    // A path nothing serves is an app's mistake worth seeing.
    assert.equal((await t.app.inject('/v1.0/me/onlineMeeting')).statusCode, 400);
    assert.equal((await requests('path=/v1.0/me/onlineMeeting&status=400')).value.length, 1);
  });

  test('when the filters are not valid, then the answer is 400 in the envelope', async () => {
    for (const query of ['status=abc', '$top=0', '$top=5000', 'unknown=1']) {
      const res = await t.adminRequest('GET', `/_graphmeet/requests?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.equal(assertGraphEnvelope(res).code, 'BadRequest');
    }
    assert.equal((await t.adminRequest('GET', '/_graphmeet/requests/nope')).statusCode, 404);
  });
});

describe('inspector size', () => {
  test('when the inspector keeps 2 requests, then only the newest 2 are listed, and 0 keeps none', async () => {
    for (const size of [2, 0]) {
      const small = await startTestApp({ inspectorSize: size });
      try {
        const user = newUser();
        await small.addUser(user);
        const token = await small.userToken(user);
        for (let i = 0; i < 3; i++) await postJson(small, '/v1.0/me/onlineMeetings', token, { subject: `m${i}` });
        const res = await small.adminRequest('GET', '/_graphmeet/requests');
        const subjects = (res.json().value as Entry[]).map((e) => e.response.body.subject);
        assert.deepEqual(subjects, size === 2 ? ['m2', 'm1'] : []);
        assert.equal(res.json().capacity, size);
      } finally {
        await small.close();
      }
    }
  });
});

describe('admin meetings', () => {
  test('when meetings are searched, then they come the newest first, paged, and filtered by subject, organizer, externalId and meeting ID', async () => {
    const organizer = newUser();
    await t.addUser(organizer);
    const token = await t.userToken(organizer);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', token, {
        externalId: `ext-${i}`,
        subject: `Quarterly 100%_review ${i}`,
      });
      ids.push(res.json().id);
    }
    const list = async (query: string) => {
      const res = await t.adminRequest('GET', `/_graphmeet/meetings?tenantId=${organizer.tenantId}&${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as {
        value: { id: string; joinMeetingId: string; externalId: string }[];
        '@odata.nextLink'?: string;
      };
    };
    const page1 = await list('$top=2');
    assert.equal(page1.value.length, 2);
    assert.ok(page1['@odata.nextLink']?.includes('%24skip=2'));
    const page2 = await t.adminRequest('GET', page1['@odata.nextLink'] as string);
    assert.equal(page2.json().value.length, 1);
    assert.deepEqual(new Set([...page1.value, ...page2.json().value].map((m: { id: string }) => m.id)), new Set(ids));
    assert.equal(
      (await list('subject=100%25_REVIEW 1')).value.length,
      1,
      'subject: part of it, in any case, % and _ literal',
    );
    assert.equal((await list('subject=100x_review')).value.length, 0);
    assert.equal((await list(`organizer=${encodeURIComponent(organizer.upn)}`)).value.length, 3);
    assert.equal((await list('externalId=ext-2')).value[0]?.id, ids[2]);
    const one = (await list('externalId=ext-0')).value[0];
    assert.equal((await list(`joinMeetingId=${one?.joinMeetingId}`)).value[0]?.id, ids[0]);
    assert.equal((await list(`organizer=${randomUUID()}`)).value.length, 0);
  });

  test('when an admin reads a meeting, then it is byte for byte what the organizer gets from the API; delete removes it', async () => {
    const organizer = newUser();
    await t.addUser(organizer);
    const token = await t.userToken(organizer);
    const created = (await postJson(t, '/v1.0/me/onlineMeetings', token, { subject: 'Same bytes' })).json();
    const url = `/_graphmeet/tenants/${organizer.tenantId}/meetings/${encodeURIComponent(created.id)}`;
    for (const version of ['v1.0', 'beta']) {
      const viaApi = await getJson(t, `/${version}/me/onlineMeetings/${encodeURIComponent(created.id)}`, token);
      const viaAdmin = await t.adminRequest('GET', `${url}?version=${version}`);
      assert.equal(viaAdmin.statusCode, 200);
      assert.equal(viaAdmin.body, viaApi.body, version);
    }
    assert.equal((await t.adminRequest('DELETE', url)).statusCode, 204);
    assert.equal(
      (await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(created.id)}`, token)).statusCode,
      404,
    );
    assert.equal(assertGraphEnvelope(await t.adminRequest('DELETE', url)).code, 'NotFound');
  });
});

describe('reset', () => {
  test('when one tenant is reset, then its meetings are gone and its users kept; another tenant is untouched', async () => {
    const a = newUser();
    const b = newUser();
    await t.addUser(a);
    await t.addUser(b);
    const tokenA = await t.userToken(a);
    const tokenB = await t.userToken(b);
    const meetingA = (await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', tokenA, { externalId: 'k' })).json();
    const meetingB = (await postJson(t, '/v1.0/me/onlineMeetings', tokenB, {})).json();

    const res = await t.adminRequest('POST', '/_graphmeet/reset', { tenantId: a.tenantId });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().removed, { meetings: 1, tenants: 0, users: 0, applications: 0, faultRules: 0 });
    assert.equal(
      (await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(meetingA.id)}`, tokenA)).statusCode,
      404,
    );
    assert.equal(
      (await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(meetingB.id)}`, tokenB)).statusCode,
      200,
    );
    // The key is free again: createOrGet makes a new meeting for it (201), the user is still known.
    const again = await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', tokenA, { externalId: 'k' });
    assert.equal(again.statusCode, 201);
    assert.notEqual(again.json().id, meetingA.id);
    assert.ok(await t.admin.getUser(a.tenantId, a.id));

    const dropped = await t.adminRequest('POST', '/_graphmeet/reset', { tenantId: a.tenantId, directory: 'drop' });
    assert.equal(dropped.json().removed.users, 1);
    assert.equal(dropped.json().removed.tenants, 1);
    assert.equal(
      assertGraphEnvelope(await t.adminRequest('GET', `/_graphmeet/tenants/${a.tenantId}`)).code,
      'NotFound',
    );
    assert.ok(await t.admin.getUser(b.tenantId, b.id));
  });

  test('when reset is asked badly, then 400 and nothing is removed', async () => {
    const user = newUser();
    await t.addUser(user);
    const meeting = (await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), {})).json();
    for (const body of [{ tenantId: 'not-a-guid' }, { directory: 'maybe' }, { everything: true }]) {
      const res = await t.adminRequest('POST', '/_graphmeet/reset', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.equal(assertGraphEnvelope(res).code, 'BadRequest');
    }
    const still = await t.adminRequest(
      'GET',
      `/_graphmeet/tenants/${user.tenantId}/meetings/${encodeURIComponent(meeting.id)}`,
    );
    assert.equal(still.statusCode, 200);
    const unauthorized = await t.app.inject({ method: 'POST', url: '/_graphmeet/reset' });
    assert.equal(unauthorized.statusCode, 401);
  });
});
