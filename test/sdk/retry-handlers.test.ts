import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { kiotaClient } from '../helpers/graph-sdk.js';
import { runFixture, startHttpsTestApp } from '../helpers/https-app.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The official SDKs' retry middleware against graphmeet's fault rules and throttling: both SDKs retry 429, 503 and 504
 * after Retry-After, so an app built on them gets through a short outage or a throttled window without seeing it.
 */

let t: TestApp;
let baseUrl: string;
before(async () => {
  t = await startTestApp();
  baseUrl = await t.listen();
});
after(() => t.close());
beforeEach(async () => {
  await t.adminRequest('DELETE', '/_graphmeet/faults');
});

const sdkClient = (token: string) => kiotaClient(baseUrl, token);

type Entry = { status: number; injected: { ruleId: string } | null; response: { headers: Record<string, string> } };

/** The inspector's entries for one operation of one user, the oldest first. */
async function attempts(operation: string, userId: string): Promise<Entry[]> {
  const res = await t.adminRequest('GET', `/_graphmeet/requests?operation=${operation}&principal=${userId}`);
  return (res.json().value as Entry[]).reverse();
}

async function addRule(rule: Record<string, unknown>) {
  const res = await t.adminRequest('POST', '/_graphmeet/faults', rule);
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}

describe('the SDKs’ retry handlers', () => {
  test('when create meets one 429 with Retry-After: 1, then msgraph-sdk waits a second, retries and gets the meeting', async () => {
    const user = newUser();
    await t.addUser(user);
    const ruleId = await addRule({ operation: 'create', status: 429, retryAfterSeconds: 1, count: 1 });
    const started = performance.now();
    const meeting = await sdkClient(await t.userToken(user)).me.onlineMeetings.post({ subject: 'after a 429' });
    const waited = performance.now() - started;
    assert.equal(meeting?.subject, 'after a 429');
    assert.ok(waited >= 950, `waited ${Math.round(waited)} ms`);
    const seen = await attempts('create', user.id);
    assert.deepEqual(
      seen.map((e) => [e.status, e.injected?.ruleId ?? null]),
      [
        [429, ruleId],
        [201, null],
      ],
    );
    assert.equal(seen[0]?.response.headers['retry-after'], '1');
    // Only the retried request made a meeting.
    const listed = await t.adminRequest('GET', `/_graphmeet/meetings?tenantId=${user.tenantId}`);
    assert.equal(listed.json().value.length, 1);
  });

  test('when get meets 503 then 504, then msgraph-sdk retries both and reads the meeting', async () => {
    const user = newUser();
    await t.addUser(user);
    const client = sdkClient(await t.userToken(user));
    const meeting = await client.me.onlineMeetings.post({ subject: 'read through faults' });
    await addRule({ operation: 'get', status: 503, retryAfterSeconds: 0, count: 1 });
    const second = await addRule({ operation: 'get', status: 504, count: 1 });
    assert.ok(second);
    const read = await client.me.onlineMeetings.byOnlineMeetingId(meeting?.id as string).get();
    assert.equal(read?.subject, 'read through faults');
    assert.deepEqual(
      (await attempts('get', user.id)).map((e) => e.status),
      [503, 504, 200],
    );
  });

  test('when createOrGet meets a 429, then @microsoft/microsoft-graph-client retries after Retry-After and gets the meeting', async () => {
    // This client sends its token over https only: graphmeet serves https here, the client runs in its own process.
    const server = await startHttpsTestApp();
    try {
      const user = newUser();
      await server.t.addUser(user);
      const rule = await server.t.adminRequest('POST', '/_graphmeet/faults', {
        operation: 'createOrGet',
        status: 429,
        retryAfterSeconds: 1,
        count: 1,
      });
      assert.equal(rule.statusCode, 201, rule.body);
      const run = await runFixture('graph-client-retry-script.ts', {
        NODE_EXTRA_CA_CERTS: server.certFile,
        GRAPH_URL: server.baseUrl,
        GRAPH_TOKEN: await server.t.userToken(user),
      });
      assert.equal(run.code, 0, run.stderr);
      const { meeting, ms } = JSON.parse(run.stdout);
      assert.equal(meeting.subject, 'graph-client retry');
      assert.ok(ms >= 950, `waited ${Math.round(ms)} ms`);
      const seen = await server.t.adminRequest(
        'GET',
        `/_graphmeet/requests?operation=createOrGet&principal=${user.id}`,
      );
      assert.deepEqual((seen.json().value as Entry[]).map((e) => e.status).reverse(), [429, 201]);
    } finally {
      await server.close();
    }
  });

  test('when the tenant is throttled, then msgraph-sdk waits for the next window and goes on', async () => {
    const user = newUser();
    await t.addUser(user);
    const client = sdkClient(await t.userToken(user));
    const meeting = await client.me.onlineMeetings.post({ subject: 'throttled reads' });
    await t.adminRequest('PUT', `/_graphmeet/tenants/${user.tenantId}/throttling`, {
      mode: 'graph',
      requestsPerAppPerTenant: { limit: 2, windowSeconds: 1 },
    });
    try {
      for (let i = 0; i < 4; i++) {
        const read = await client.me.onlineMeetings.byOnlineMeetingId(meeting?.id as string).get();
        assert.equal(read?.subject, 'throttled reads');
      }
      const statuses = (await attempts('get', user.id)).map((e) => e.status);
      assert.ok(statuses.includes(429), `throttled at least once: ${statuses}`);
      assert.equal(statuses.filter((s) => s === 200).length, 4);
    } finally {
      await t.adminRequest('DELETE', `/_graphmeet/tenants/${user.tenantId}/throttling`);
    }
  });
});
