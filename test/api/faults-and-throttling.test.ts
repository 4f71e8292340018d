import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { draw } from '../../src/domain/fault-rules.js';
import { assertGraphEnvelope } from '../helpers/graph-assert.js';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());
beforeEach(async () => {
  assert.equal((await t.adminRequest('DELETE', '/_graphmeet/faults')).statusCode, 200);
  assert.equal((await t.adminRequest('DELETE', '/_graphmeet/clock')).statusCode, 200);
});

async function addRule(rule: Record<string, unknown>) {
  const res = await t.adminRequest('POST', '/_graphmeet/faults', rule);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; seed?: number; expiresDateTime: string; remaining: number | null };
}

async function organizer(): Promise<{ user: TestUser; token: string }> {
  const user = newUser();
  await t.addUser(user);
  return { user, token: await t.userToken(user) };
}

describe('fault rules', () => {
  test('when a rule answers the next 2 creates with 429, then those two get 429 with Retry-After and the third is created', async () => {
    const { token } = await organizer();
    const rule = await addRule({ operation: 'create', status: 429, retryAfterSeconds: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await postJson(t, '/v1.0/me/onlineMeetings', token, { subject: 'x' });
      assert.equal(res.statusCode, 429);
      assert.equal(res.headers['retry-after'], '7');
      assert.equal(assertGraphEnvelope(res).code, 'TooManyRequests');
    }
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', token, { subject: 'x' })).statusCode, 201);
    const listed = (await t.adminRequest('GET', `/_graphmeet/faults/${rule.id}`)).json();
    assert.equal(listed.remaining, 0);
    assert.equal(listed.matched, 2);
    // The inspector marks what the rule answered.
    const injected = (await t.adminRequest('GET', '/_graphmeet/requests?injected=true&operation=create')).json().value;
    assert.ok(injected.length >= 2);
    assert.equal(injected[0].injected.ruleId, rule.id);
    assert.match(injected[0].injected.what, /answered 429/);
  });

  test('when rules answer 500, 502, 503 and 504, then each comes in the envelope with Graph’s code, and no meeting is written', async () => {
    const { user, token } = await organizer();
    const codes: Record<number, string> = {
      500: 'InternalServerError',
      502: 'BadGateway',
      503: 'ServiceUnavailable',
      504: 'GatewayTimeout',
    };
    for (const status of [500, 502, 503, 504]) {
      await addRule({ path: '/v1.0/me/onlineMeetings/createOrGet', status, count: 1 });
      const res = await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', token, { externalId: `k-${status}` });
      assert.equal(res.statusCode, status);
      assert.equal(assertGraphEnvelope(res).code, codes[status]);
      assert.equal(res.headers['retry-after'] !== undefined, status === 503);
    }
    const listed = await t.adminRequest('GET', `/_graphmeet/meetings?tenantId=${user.tenantId}`);
    assert.equal(listed.json().value.length, 0);
  });

  test('when a rule names a tenant, an app or a user, then only their requests meet it', async () => {
    const a = await organizer();
    const b = await organizer();
    await addRule({ operation: 'create', tenantId: a.user.tenantId, status: 503 });
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', a.token, {})).statusCode, 503);
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', b.token, {})).statusCode, 201);
    await t.adminRequest('DELETE', '/_graphmeet/faults');

    const appId = randomUUID();
    await t.allowApp(b.user.tenantId, appId, { global: true });
    await addRule({ path: '/v1.0/users/*/onlineMeetings', appId, status: 500 });
    const appToken = await t.appToken(b.user.tenantId, appId);
    assert.equal((await postJson(t, `/v1.0/users/${b.user.id}/onlineMeetings`, appToken, {})).statusCode, 500);
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', b.token, {})).statusCode, 201);
    await t.adminRequest('DELETE', '/_graphmeet/faults');

    await addRule({ operation: 'create', userId: a.user.id, status: 502 });
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', a.token, {})).statusCode, 502);
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', b.token, {})).statusCode, 201);
  });

  test('when a rule has a probability and a seed, then the same seed gives the same answers in the same order', async () => {
    const { token } = await organizer();
    const meeting = (await postJson(t, '/v1.0/me/onlineMeetings', token, {})).json();
    const url = `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}`;
    const run = async () => {
      const rule = await addRule({ operation: 'get', status: 503, probability: 0.5, seed: 1234 });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++) statuses.push((await getJson(t, url, token)).statusCode);
      await t.adminRequest('DELETE', `/_graphmeet/faults/${rule.id}`);
      return statuses;
    };
    const first = await run();
    assert.deepEqual(await run(), first);
    const expected = Array.from({ length: 16 }, (_, i) => (draw(1234, i + 1) < 0.5 ? 503 : 200));
    assert.deepEqual(first, expected);
    assert.ok(first.includes(503) && first.includes(200), 'some of each');
    // Without a seed, one is drawn and shown, so the run can be replayed.
    const drawn = await addRule({ operation: 'get', status: 503, probability: 0.1 });
    assert.equal(typeof drawn.seed, 'number');
  });

  test('when a rule adds latency, then the answer comes that much later and is the real one', async () => {
    const { token } = await organizer();
    await addRule({ operation: 'create', latencyMs: 300, count: 1 });
    const started = performance.now();
    const res = await postJson(t, '/v1.0/me/onlineMeetings', token, { subject: 'late' });
    assert.equal(res.statusCode, 201);
    assert.ok(performance.now() - started >= 290, 'waited');
  });

  test('when a rule drops the connection, then the client sees the socket close without an answer', async () => {
    const base = await t.listen();
    const { token } = await organizer();
    await addRule({ operation: 'create', drop: true, count: 1 });
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest(`${base}/v1.0/me/onlineMeetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? err.message));
      req.end('{}');
    });
    assert.match(outcome, /ECONNRESET|socket hang up/);
    const listed = await t.adminRequest('GET', '/_graphmeet/requests?injected=true&status=0');
    assert.equal(listed.statusCode, 200, listed.body);
    const dropped = listed.json().value;
    assert.equal(dropped[0].operation, 'create');
    assert.match(dropped[0].injected.what, /dropped/);
  });

  test('when a rule expires, then it no longer applies and is no longer listed', async () => {
    await t.adminRequest('PUT', '/_graphmeet/clock', { dateTime: '2026-06-01T10:00:00Z', frozen: true });
    const { token } = await organizer();
    await addRule({ operation: 'create', status: 500, expiresIn: 'PT10M' });
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', token, {})).statusCode, 500);
    await t.adminRequest('POST', '/_graphmeet/clock/advance', { by: 'PT11M' });
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', token, {})).statusCode, 201);
    assert.deepEqual((await t.adminRequest('GET', '/_graphmeet/faults')).json().value, []);
  });

  test('when a rule matches everything, then the admin API, health and pages still answer', async () => {
    await addRule({ path: '/*', status: 500 });
    assert.equal((await t.adminRequest('GET', '/_graphmeet/tenants')).statusCode, 200);
    assert.equal((await t.app.inject('/_graphmeet/health')).statusCode, 200);
    assert.equal((await t.app.inject('/meet')).statusCode, 200);
    assert.equal((await t.app.inject('/v1.0/me/onlineMeetings/x')).statusCode, 401, 'auth comes first');
  });

  test('when a seed names fault rules, then they are in force once, however often the seed is loaded', async () => {
    const seed = { tenants: [], faults: [{ operation: 'delete', status: 503, retryAfterSeconds: 5, count: 3 }] };
    const first = await t.adminRequest('POST', '/_graphmeet/directory/import', seed);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().faultRules, 1);
    assert.equal((await t.adminRequest('POST', '/_graphmeet/directory/import', seed)).json().faultRules, 0);
    const rules = (await t.adminRequest('GET', '/_graphmeet/faults')).json().value;
    assert.equal(rules.length, 1);
    assert.deepEqual([rules[0].operation, rules[0].status, rules[0].remaining], ['delete', 503, 3]);
    const bad = await t.adminRequest('POST', '/_graphmeet/directory/import', {
      tenants: [],
      faults: [{ status: 503 }],
    });
    assert.equal(bad.statusCode, 400);
  });

  test('when a rule is not valid, then 400 in the envelope and nothing is added', async () => {
    const bad = [
      { operation: 'create' },
      { status: 500 },
      { operation: 'create', status: 418 },
      { operation: 'create', status: 500, drop: true },
      { operation: 'create', status: 500, retryAfterSeconds: 3 },
      { operation: 'create', status: 429, probability: 0.5, count: 2 },
      { operation: 'create', status: 429, probability: 0 },
      { operation: 'create', status: 429, seed: 3 },
      { operation: 'create', status: 429, expiresIn: 'P30D' },
      { operation: 'create', status: 429, expiresIn: 'soon' },
      { operation: 'create', status: 429, expiresDateTime: '2001-01-01T00:00:00Z' },
      { operation: 'create', status: 429, tenantId: 'contoso' },
      { operation: 'create', status: 429, path: 'no-slash' },
      { operation: 'create', status: 429, whatever: 1 },
    ];
    for (const rule of bad) {
      const res = await t.adminRequest('POST', '/_graphmeet/faults', rule);
      assert.equal(res.statusCode, 400, JSON.stringify(rule));
      assert.equal(assertGraphEnvelope(res).code, 'BadRequest');
    }
    assert.deepEqual((await t.adminRequest('GET', '/_graphmeet/faults')).json().value, []);
    assert.equal((await t.adminRequest('DELETE', `/_graphmeet/faults/${randomUUID()}`)).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'GET', url: '/_graphmeet/faults' })).statusCode, 401);
  });
});

describe('throttling', () => {
  test('when a tenant has Graph’s throttling with a small window, then requests past it get 429 with Retry-After until the window ends', async () => {
    await t.adminRequest('PUT', '/_graphmeet/clock', { dateTime: '2026-06-01T10:00:15Z', frozen: true });
    const { user, token } = await organizer();
    const created = (await postJson(t, '/v1.0/me/onlineMeetings', token, {})).json();
    const read = `/v1.0/me/onlineMeetings/${encodeURIComponent(created.id)}`;
    const put = await t.adminRequest('PUT', `/_graphmeet/tenants/${user.tenantId}/throttling`, {
      mode: 'graph',
      requestsPerAppPerTenant: { limit: 3, windowSeconds: 60 },
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().source, 'tenant');
    assert.equal(put.json().meetingsPerOrganizerPerMonth, 2000, 'the documented quota stays');
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof getJson>> | undefined;
    for (let i = 0; i < 5; i++) {
      last = await getJson(t, read, token);
      statuses.push(last.statusCode);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assert.equal(last?.headers['retry-after'], '45');
    assert.equal(assertGraphEnvelope(last as NonNullable<typeof last>).code, 'TooManyRequests');
    // Another tenant is not throttled; the next window lets requests through again.
    const other = await organizer();
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', other.token, {})).statusCode, 201);
    await t.adminRequest('POST', '/_graphmeet/clock/advance', { by: 'PT45S' });
    assert.equal((await getJson(t, read, token)).statusCode, 200);
    const back = await t.adminRequest('DELETE', `/_graphmeet/tenants/${user.tenantId}/throttling`);
    assert.deepEqual([back.json().mode, back.json().source], ['off', 'server']);
  });

  test('when an organizer reaches the monthly meeting quota, then create and createOrGet get 429 until next month', async () => {
    await t.adminRequest('PUT', '/_graphmeet/clock', { dateTime: '2026-06-30T23:00:00Z', frozen: true });
    const { user, token } = await organizer();
    await t.adminRequest('PUT', `/_graphmeet/tenants/${user.tenantId}/throttling`, {
      mode: 'graph',
      meetingsPerOrganizerPerMonth: 2,
    });
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', token, {})).statusCode, 201);
    assert.equal(
      (await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', token, { externalId: 'q' })).statusCode,
      201,
    );
    const refused = await postJson(t, '/v1.0/me/onlineMeetings', token, {});
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], '3600', 'until 1 July, 00:00 UTC');
    assert.match(assertGraphEnvelope(refused).message, /limit of 2 meetings this month/);
    assert.equal(
      (await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', token, { externalId: 'q2' })).statusCode,
      429,
    );
    // Another organizer of the tenant has their own quota.
    const colleague = newUser(user.tenantId);
    await t.addUser(colleague);
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(colleague), {})).statusCode, 201);
    await t.adminRequest('POST', '/_graphmeet/clock/advance', { by: 'PT1H' });
    assert.equal((await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(user), {})).statusCode, 201);
  });

  test('when throttling settings are not valid, then 400 and the setting stays', async () => {
    const tenantId = randomUUID();
    for (const body of [
      { mode: 'fast' },
      { mode: 'graph', meetingsPerOrganizerPerMonth: 0 },
      { mode: 'graph', requestsPerAppPerTenant: { limit: 5 } },
      { mode: 'graph', extra: true },
    ]) {
      const res = await t.adminRequest('PUT', `/_graphmeet/tenants/${tenantId}/throttling`, body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
    }
    assert.equal((await t.adminRequest('GET', `/_graphmeet/tenants/${tenantId}/throttling`)).json().mode, 'off');
    assert.equal((await t.adminRequest('GET', '/_graphmeet/tenants/nope/throttling')).statusCode, 400);
  });

  test('when the server runs with --throttle graph, then every tenant has Graph’s limits unless it says otherwise', async () => {
    const throttled = await startTestApp({ throttle: 'graph' });
    try {
      const user = newUser();
      const limits = (await throttled.adminRequest('GET', `/_graphmeet/tenants/${user.tenantId}/throttling`)).json();
      assert.deepEqual(limits, {
        mode: 'graph',
        source: 'server',
        meetingsPerOrganizerPerMonth: 2000,
        requestsPerAppPerTenant: { limit: 50000, windowSeconds: 15 },
        requestsPerAppAcrossTenants: { limit: 130000, windowSeconds: 10 },
      });
      await throttled.addUser(user);
      const res = await postJson(throttled, '/v1.0/me/onlineMeetings', await throttled.userToken(user), {});
      assert.equal(res.statusCode, 201);
      const off = await throttled.adminRequest('PUT', `/_graphmeet/tenants/${user.tenantId}/throttling`, {
        mode: 'off',
      });
      assert.equal(off.json().mode, 'off');
    } finally {
      await throttled.close();
    }
  });
});
