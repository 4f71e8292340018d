import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { meetingSettings } from '../../src/graph/online-meeting.js';
import { assertGraphEnvelope, bearer, jsonHeaders } from '../helpers/graph-assert.js';
import { type Seeded, seeded } from '../helpers/seeded.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * Thousands of generated requests - mostly near-valid meeting bodies with one thing wrong, plus arbitrary JSON,
 * hostile ids, filters, headers, admin calls and token requests - through every route. None may get a 5xx, every
 * error must carry its API's envelope, and afterwards every stored meeting must still read back. The generator is
 * seeded, so a failure names a request that can be replayed; ROBUSTNESS_SEED and ROBUSTNESS_REQUESTS explore further.
 */

const requests = Number(process.env.ROBUSTNESS_REQUESTS ?? 4000);
const seed = Number(process.env.ROBUSTNESS_SEED ?? 20261123);
let t: TestApp;
let organizer: TestUser;
let colleagues: TestUser[];
let appId: string;
before(async () => {
  t = await startTestApp({ devTokens: true });
  organizer = newUser();
  colleagues = [newUser(organizer.tenantId), newUser(organizer.tenantId)];
  for (const u of [organizer, ...colleagues]) await t.addUser(u);
  appId = crypto.randomUUID();
  await t.allowApp(organizer.tenantId, appId, { global: true });
});
after(() => t.close());

type Gen = Seeded;

const oddStrings = [
  '',
  'x',
  'x'.repeat(5000),
  '\u0000',
  '\ud800',
  '💥',
  '<script>alert(1)</script>',
  "' or 1=1 --",
  '%00',
  '../..',
  'NaN',
  '2024-13-45T99:99:99Z',
  '9999-12-31T23:59:59.9999999+14:00',
  '0001-01-01T00:00:00-14:00',
  '2030-01-01T10:00:00Z',
  'unknownFutureValue',
  '#microsoft.graph.onlineMeeting',
];
const oddScalars: unknown[] = [null, true, false, 0, -1, 1e308, 2 ** 53 + 1, 0.5, ...oddStrings];
const keys = [
  ...Object.keys(meetingSettings),
  ...['startDateTime', 'endDateTime', 'participants', 'externalId', 'chatInfo', 'organizer', 'attendees'],
  ...['identity', 'user', 'id', 'upn', 'role', 'tenantId', 'scope', '@odata.type', '__proto__', 'constructor'],
  ...['joinMeetingIdSettings', 'isPasscodeRequired', 'appIds', 'global', 'displayName', 'userPrincipalName'],
];

function anyJson(g: Gen, depth = 0): unknown {
  if (depth > 3 || g.chance(0.35)) return g.pick(oddScalars);
  if (g.chance(0.5)) {
    return Object.fromEntries(
      Array.from({ length: Math.floor(g.next() * 5) }, () => [g.pick(keys), anyJson(g, depth + 1)]),
    );
  }
  return Array.from({ length: Math.floor(g.next() * 4) }, () => anyJson(g, depth + 1));
}

function participant(g: Gen): unknown {
  const known = g.pick(colleagues);
  return {
    identity: { user: { id: known.id, ...(g.chance(0.3) ? { tenantId: organizer.tenantId } : {}) } },
    ...(g.chance(0.4) ? { upn: known.upn } : {}),
    ...(g.chance(0.6) ? { role: g.pick(['attendee', 'presenter', 'coorganizer']) } : {}),
  };
}

/** Valid values for each property (for the version that has it); the generator then breaks some of them. */
const valid: Record<string, (g: Gen) => Record<string, unknown>> = {
  subject: (g) => ({ subject: g.pick(['Weekly sync', null, '<b>x</b>', 'x'.repeat(300)]) }),
  schedule: (g) => ({
    startDateTime: g.pick(['2030-01-01T10:00:00Z', '2030-01-01T10:00:00.1234567+05:30']),
    endDateTime: g.pick(['2030-01-01T11:00:00Z', '2030-01-02T00:00:00-08:00']),
  }),
  participants: (g) => ({
    participants: { attendees: Array.from({ length: Math.floor(g.next() * 3) }, () => participant(g)) },
  }),
  lobbyBypassSettings: (g) => ({
    lobbyBypassSettings: {
      scope: g.pick(['everyone', 'organization', 'invited', 'organizer', 'organizationExcludingGuests']),
      ...(g.chance(0.5) ? { isDialInBypassEnabled: g.chance(0.5) } : {}),
    },
  }),
  chatInfo: () => ({ chatInfo: { threadId: '19:abc@thread.tacv2', messageId: '1616' } }),
  broadcast: (g) => ({
    isBroadcast: true,
    broadcastSettings: { allowedAudience: g.pick(['everyone', 'organization']), isRecordingEnabled: g.chance(0.5) },
  }),
  watermarkProtection: (g) => ({ watermarkProtection: { isEnabledForContentSharing: g.chance(0.5) } }),
  anonymizeIdentityForRoles: (g) => ({ anonymizeIdentityForRoles: g.pick([['attendee'], []]) }),
  meetingSpokenLanguageTag: () => ({ meetingSpokenLanguageTag: 'en-US' }),
  allowedPresenters: (g) => ({
    allowedPresenters: g.pick(['everyone', 'roleIsPresenter', 'organizer', 'organization']),
  }),
  odataType: () => ({ '@odata.type': '#microsoft.graph.onlineMeeting' }),
  allowMeetingChat: (g) => ({ allowMeetingChat: g.pick(['enabled', 'disabled', 'limited']) }),
  allowRecording: (g) => ({ allowRecording: g.chance(0.5) }),
};

/** Half the bodies are valid; the rest have one value or key broken, or are arbitrary JSON or not JSON at all. */
function meetingBody(g: Gen, externalId: boolean): string {
  if (g.chance(0.05)) return g.pick(['', '{', 'null', '[]', '"x"', '{"a":1}garbage', '{"__proto__":{"x":1}}']);
  if (g.chance(0.1)) return JSON.stringify(anyJson(g));
  const body: Record<string, unknown> = {};
  const parts = Object.keys(valid);
  for (let i = Math.floor(g.next() * 4); i > 0; i--) Object.assign(body, valid[g.pick(parts)]?.(g));
  if (externalId && g.chance(0.9)) body.externalId = g.pick(['course-1', 'course-2', 'course-3']);
  if (g.chance(0.5)) {
    const names = Object.keys(body);
    const target = names.length > 0 && g.chance(0.7) ? g.pick(names) : g.pick(keys);
    body[target] = g.chance(0.5) ? g.pick(oddScalars) : anyJson(g, 1);
  }
  return JSON.stringify(body);
}

const filters = [
  "JoinWebUrl eq 'https://example.test/l/meetup-join/19%3ameeting_x%40thread.v2/0'",
  "joinMeetingIdSettings/joinMeetingId eq '1234567890'",
  "VideoTeleconferenceId eq '1234567890'",
  "JoinWebUrl eq ''",
  "JoinWebUrl eq 'a''b'",
  "subject eq 'x'",
  '((((',
  "JoinWebUrl eq '%ZZ'",
  "JoinWebUrl in ('a','b')",
  "joinWebUrl eq 'x' and subject eq 'y'",
  `JoinWebUrl eq '${'%'.repeat(100)}'`,
  '',
];
const selects = ['subject', 'id,subject', '*', 'nope', '', ',,,', 'subject/x', 'SUBJECT'];

/** Any string the URL may carry, even a lone surrogate encodeURIComponent refuses. */
const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
};

interface Probe {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  url: string;
  headers: Record<string, string>;
  payload?: string;
  /** Whose error envelope applies. */
  api: 'graph' | 'admin' | 'token';
}

function probe(g: Gen, tokens: { user: string; app: string }, meetingId: string): Probe {
  const version = g.pick(['v1.0', 'beta']);
  const asApp = g.chance(0.5);
  const base = asApp ? `/${version}/users/${organizer.id}` : `/${version}/me`;
  const headers: Record<string, string> = jsonHeaders(asApp ? tokens.app : tokens.user);
  if (g.chance(0.3)) headers['accept-language'] = g.pick(['*', 'zz', 'ja-JP;q=0.5,fr', 'x'.repeat(600), ';q=', ',,']);
  if (g.chance(0.3)) headers.prefer = g.pick(['include-unknown-enum-members', 'x', '', 'return=minimal']);
  const idForm = g.pick([
    enc(meetingId),
    meetingId,
    `('${enc(meetingId)}')`,
    `${organizer.id}_19:meeting_x@thread.v2`,
    enc(Buffer.from(`1*${organizer.id}*0**19:x`).toString('base64')),
    ...['x', '%', '%2', "('')", "(')", 'MSo=', '%ZZ', '%00'],
  ]);
  const byId = idForm.startsWith('(') ? `${base}/onlineMeetings${idForm}` : `${base}/onlineMeetings/${idForm}`;
  switch (g.pick(['create', 'createOrGet', 'patch', 'get', 'filter', 'byId', 'admin', 'token', 'elsewhere'])) {
    case 'create':
      return { method: 'POST', url: `${base}/onlineMeetings`, headers, payload: meetingBody(g, false), api: 'graph' };
    case 'createOrGet':
      return {
        method: 'POST',
        url: `${base}/onlineMeetings/createOrGet`,
        headers,
        payload: meetingBody(g, true),
        api: 'graph',
      };
    case 'patch':
      return {
        method: 'PATCH',
        url: `${base}/onlineMeetings/${enc(meetingId)}`,
        headers,
        payload: meetingBody(g, false),
        api: 'graph',
      };
    case 'get':
      return { method: 'GET', url: `${byId}?$select=${enc(g.pick(selects))}`, headers, api: 'graph' };
    case 'filter': {
      const extra = `${g.chance(0.3) ? `&$select=${enc(g.pick(selects))}` : ''}${g.chance(0.2) ? '&$top=1' : ''}`;
      return {
        method: 'GET',
        url: `${base}/onlineMeetings?$filter=${enc(g.pick(filters))}${extra}`,
        headers,
        api: 'graph',
      };
    }
    case 'byId':
      return {
        method: g.pick(['PATCH', 'DELETE', 'GET', 'PUT']),
        url: byId,
        headers,
        payload: meetingBody(g, false),
        api: 'graph',
      };
    case 'admin': {
      const tenant = `/_graphmeet/tenants/${g.pick([organizer.tenantId, 'not-a-guid'])}`;
      const path = g.pick([
        tenant,
        `${tenant}/users`,
        `${tenant}/users/${enc(g.pick([colleagues[0]?.id ?? '', ...oddStrings]).slice(0, 100))}`,
        `${tenant}/applications`,
        `${tenant}/applications/${g.pick([appId, 'x'])}`,
        `${tenant}/applicationAccessPolicies`,
        `${tenant}/applicationAccessPolicies/p1`,
        `${tenant}/applicationAccessPolicyGrants`,
        `${tenant}/applicationAccessPolicyGrants/${g.pick(['global', organizer.id, colleagues[1]?.upn ?? '', 'x'])}`,
        '/_graphmeet/directory/import',
      ]);
      const payload = JSON.stringify(
        g.chance(0.5)
          ? { ...(anyJson(g) as object), userPrincipalName: g.pick(['a@b.test', ...oddScalars]), appIds: [appId] }
          : anyJson(g),
      );
      return {
        method: g.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
        url: path,
        headers: { ...bearer(t.adminKey), 'content-type': 'application/json' },
        payload,
        api: 'admin',
      };
    }
    case 'token': {
      const fields = ['grant_type', 'client_id', 'client_secret', 'scope', 'username', 'password'];
      fields.push('client_assertion', 'client_assertion_type');
      const values = [...oddStrings, 'client_credentials', 'password', appId, 'https://graph.microsoft.com/.default'];
      values.push('urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'eyJhbGciOiJQUzI1NiJ9.e30.x');
      const form = fields
        .filter(() => g.chance(0.6))
        .map((f) => `${f}=${enc(String(g.pick(values)))}`)
        .join('&');
      return {
        method: 'POST',
        url: `/${g.pick([organizer.tenantId, 'common', 'x', '%00'])}/oauth2/v2.0/token`,
        headers: {
          'content-type': g.chance(0.9) ? 'application/x-www-form-urlencoded' : 'application/json',
          ...(g.chance(0.2) ? { authorization: `Basic ${Buffer.from(g.pick(oddStrings)).toString('base64')}` } : {}),
        },
        payload: g.chance(0.1) ? JSON.stringify(anyJson(g)) : form,
        api: 'token',
      };
    }
    default: {
      const path = g.pick(['communications/onlineMeetings', 'app/onlineMeetings', 'users', 'users//onlineMeetings']);
      return {
        method: g.pick(['GET', 'POST']),
        url: `/${version}/${path}?$filter=${enc(g.pick(filters))}`,
        headers,
        payload: JSON.stringify(anyJson(g)),
        api: 'graph',
      };
    }
  }
}

/**
 * The error body each API promises: Graph's envelope, exactly as the API tests assert it (the admin API uses the
 * same), or OAuth's for the token endpoint.
 */
function hasEnvelope(api: Probe['api'], res: LightMyRequestResponse): boolean {
  try {
    if (api !== 'token') {
      assertGraphEnvelope(res);
      return true;
    }
    const json = JSON.parse(res.body);
    return typeof json.error === 'string' && typeof json.error_description === 'string';
  } catch {
    return false;
  }
}

test(`when ${requests} generated hostile or near-valid requests arrive, then none gets a 5xx, every error has its envelope, and every stored meeting still reads back`, async () => {
  const g = seeded(seed);
  const tokens = { user: await t.userToken(organizer), app: await t.appToken(organizer.tenantId, appId) };
  const createOne = async () =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/v1.0/me/onlineMeetings',
        headers: jsonHeaders(tokens.user),
        payload: '{}',
      })
    ).json().id as string;
  let meetingId = await createOne();
  const failures: string[] = [];
  const seen = new Map<number, number>();
  /** Admin answers by route: a route that exists answers with something other than "Nothing is served". */
  const adminReached = new Map<string, number>();
  for (let i = 0; i < requests; i++) {
    const p = probe(g, tokens, meetingId);
    const res = await t.app.inject({
      method: p.method,
      url: p.url,
      headers: p.headers,
      ...(p.method === 'GET' || p.method === 'DELETE' ? {} : { payload: p.payload }),
    });
    seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
    if (p.api === 'admin' && !res.body.includes('Nothing is served')) {
      const route = p.url.split('/')[4] ?? p.url.split('/')[2] ?? '';
      adminReached.set(route, (adminReached.get(route) ?? 0) + 1);
    }
    const broken = res.statusCode >= 500 || (res.statusCode >= 400 && !hasEnvelope(p.api, res));
    if (broken)
      failures.push(
        `#${i} ${p.method} ${p.url.slice(0, 160)} ${String(p.payload).slice(0, 200)} -> ${res.statusCode} ${res.body.slice(0, 200)}`,
      );
    // Keep a meeting to aim PATCH and GET at when a DELETE got through.
    if (p.method === 'DELETE' && res.statusCode === 204 && p.api === 'graph') meetingId = await createOne();
  }
  assert.deepEqual(failures.slice(0, 10), [], `seed ${seed}`);
  // The generator must reach past validation, or the run proves little.
  for (const status of [200, 201, 204, 400, 401, 403, 404, 405]) {
    assert.ok((seen.get(status) ?? 0) > 0, `no ${status} among ${JSON.stringify([...seen])}`);
  }
  for (const route of ['users', 'applications', 'applicationAccessPolicies', 'applicationAccessPolicyGrants']) {
    assert.ok(
      (adminReached.get(route) ?? 0) > 0,
      `no admin request reached ${route}: ${JSON.stringify([...adminReached])}`,
    );
  }

  const stored = await t.database.meetingIds(organizer.tenantId);
  assert.ok(stored.length > 1);
  for (const meeting_id of stored) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1.0/me/onlineMeetings/${encodeURIComponent(meeting_id)}`,
      headers: bearer(tokens.user),
    });
    assert.equal(res.statusCode, 200, res.body);
  }
});
