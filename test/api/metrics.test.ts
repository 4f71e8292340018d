import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { operationOf } from '../../src/http/metrics.js';
import { mintDelegatedToken } from '../../src/identity/tokens.js';
import { forgedToken } from '../helpers/security-matrix.js';
import { issuer, newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** The samples of the Prometheus text format: `name{labels} value` per line, comments left out. */
async function scrape(): Promise<Map<string, number>> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|NaN|[+-]Inf)$/i.exec(line);
    assert.ok(m, `a well-formed sample line: ${line}`);
    samples.set(m[1] as string, Number(m[2]));
  }
  return samples;
}

describe('GET /metrics', () => {
  test('when meetings are created and tokens refused, then the counters, histograms and Node metrics say so', async () => {
    const user = newUser();
    await t.addUser(user);
    const token = await t.userToken(user);
    const send = (url: string, payload: unknown, bearer = token) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        payload: payload as object,
      });
    const before = await scrape();
    const count = (key: string) => before.get(key) ?? 0;

    assert.equal((await send('/v1.0/me/onlineMeetings', { subject: 'counted' })).statusCode, 201);
    assert.equal((await send('/beta/me/onlineMeetings/createOrGet', { externalId: 'm-1' })).statusCode, 201);
    assert.equal((await send('/beta/me/onlineMeetings/createOrGet', { externalId: 'm-1' })).statusCode, 200);
    assert.equal((await send('/v1.0/me/onlineMeetings', {}, 'not-a-jwt')).statusCode, 401);
    const stranger = await forgedToken(t, user, { signWith: 'other-key' });
    assert.equal((await send('/v1.0/me/onlineMeetings', {}, stranger)).statusCode, 401);
    const expired = await mintDelegatedToken(
      { tenantId: user.tenantId, userId: user.id, scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: -600 },
      t.key,
      issuer,
    );
    assert.equal((await send('/v1.0/me/onlineMeetings', {}, expired)).statusCode, 401);

    const after = await scrape();
    const grew = (key: string) => (after.get(key) ?? 0) - count(key);
    assert.equal(grew('graphmeet_http_requests_total{operation="create",status_class="2xx",version="v1.0"}'), 1);
    assert.equal(grew('graphmeet_http_requests_total{operation="create",status_class="4xx",version="v1.0"}'), 3);
    assert.equal(grew('graphmeet_http_requests_total{operation="createOrGet",status_class="2xx",version="beta"}'), 2);
    assert.equal(grew('graphmeet_meetings_created_total{version="v1.0"}'), 1);
    assert.equal(grew('graphmeet_meetings_created_total{version="beta"}'), 1, 'the second createOrGet created none');
    assert.equal(grew('graphmeet_token_failures_total{reason="malformed"}'), 1);
    assert.equal(grew('graphmeet_token_failures_total{reason="expired"}'), 1);
    assert.equal(
      grew('graphmeet_token_failures_total{reason="signature"}') +
        grew('graphmeet_token_failures_total{reason="unknown_key"}'),
      1,
    );
    assert.equal(grew('graphmeet_http_request_duration_seconds_count{operation="createOrGet",version="beta"}'), 2);
    assert.equal(
      grew('graphmeet_http_request_duration_seconds_bucket{le="+Inf",operation="createOrGet",version="beta"}'),
      2,
    );
    assert.ok(grew('graphmeet_store_call_duration_seconds_count{call="insertMeeting",outcome="ok"}') >= 1);
    assert.ok(after.has('nodejs_eventloop_lag_seconds'), 'event-loop lag is there');
    assert.ok(after.has('process_cpu_seconds_total'));
  });

  test('when an admin call has a wrong key, then it is counted as its own reason, and no tenant or user id appears in any label', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/_graphmeet/tenants',
      headers: { authorization: 'Bearer wrong-admin-key' },
    });
    assert.equal(res.statusCode, 401);
    const samples = await scrape();
    assert.ok((samples.get('graphmeet_token_failures_total{reason="admin_key"}') ?? 0) >= 1);
    for (const key of samples.keys()) assert.doesNotMatch(key, /[0-9a-f]{8}-[0-9a-f]{4}-/, key);
  });

  test('every Graph route is named after its operation', () => {
    const cases: [string, string, string][] = [
      ['POST', '/v1.0/me/onlineMeetings', 'create'],
      ['POST', '/beta/users/:userId/onlineMeetings/createOrGet', 'createOrGet'],
      ['GET', '/v1.0/users/:userId/onlineMeetings/:meetingId', 'get'],
      ['PATCH', '/v1.0/me/onlineMeetings/:meetingId', 'update'],
      ['DELETE', '/beta/me/onlineMeetings/:meetingId', 'delete'],
      ['GET', '/v1.0/me/onlineMeetings', 'getByFilter'],
      ['GET', '/beta/app/onlineMeetings', 'getByVideoTeleconferenceId'],
      ['GET', '/v1.0/communications/onlineMeetings', 'getByVideoTeleconferenceId'],
      ['POST', '/:tenantId/oauth2/v2.0/token', 'token'],
      ['GET', '/v1.0/me/onlineMeetings/:meetingId/attendanceReports', 'listAttendanceReports'],
      ['GET', '/v1.0/users/:userId/onlineMeetings/:meetingId/attendanceReports/:reportId', 'getAttendanceReport'],
      [
        'GET',
        '/beta/me/onlineMeetings/:meetingId/attendanceReports/:reportId/attendanceRecords',
        'listAttendanceRecords',
      ],
      ['GET', '/beta/me/onlineMeetings/:meetingId/meetingAttendanceReport', 'getMeetingAttendanceReport'],
      ['GET', '/v1.0/me/onlineMeetings/:meetingId/attendeeReport', 'getLiveEventStream'],
      ['GET', '/beta/users/:userId/onlineMeetings/:meetingId/recording', 'getLiveEventStream'],
      ['GET', '/_graphmeet/downloads/:token', 'download'],
      ['GET', '/_graphmeet/tenants', 'admin'],
    ];
    for (const [method, url, operation] of cases) assert.equal(operationOf(method, url).operation, operation, url);
  });
});
