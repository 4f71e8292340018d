import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertGraphError, bearer } from '../helpers/graph-assert.js';
import { patchJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * Each routed operation x each kind of token x each scope or role: allowed, or the exact 403. The expected
 * grants are written out here from the Permissions tables of Graph's docs pages (create, createOrGet, get, update,
 * delete under https://learn.microsoft.com/en-us/graph/api/), not read from the server's table,
 * so that a wrong row in src/domain/permissions.ts fails this file.
 */

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const scopes = [
  'OnlineMeetings.Read',
  'OnlineMeetings.ReadWrite',
  'OnlineMeetingArtifact.Read.All',
  'Calendars.ReadWrite',
  'User.Read',
];
const roles = [
  'OnlineMeetings.Read.All',
  'OnlineMeetings.ReadWrite.All',
  'OnlineMeetingArtifact.Read.All',
  'Calendars.ReadWrite',
  'User.Read.All',
];

interface Operation {
  name: string;
  /** Graph's permission table for the operation, least privileged first; empty: that kind of token is refused. */
  delegated: string[];
  application: string[];
  /** Application tokens also need an application access policy. */
  policy: boolean;
  status: number;
  /** The operation's request for `organizer`, through `/me` or `/users/{id}`. */
  request(
    organizer: TestUser,
    who: 'me' | 'id',
  ): Promise<{ method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; body?: unknown }>;
}

const pathOf = (organizer: TestUser, who: 'me' | 'id') => (who === 'me' ? '/v1.0/me' : `/v1.0/users/${organizer.id}`);

/** A meeting the organizer made themselves, for the reads, updates and deletes. */
async function meetingOf(organizer: TestUser): Promise<{ id: string; joinMeetingId: string; vtc: string }> {
  const res = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(organizer), { subject: 'matrix' });
  assert.equal(res.statusCode, 201, res.body);
  const m = res.json();
  return { id: m.id, joinMeetingId: m.joinMeetingIdSettings.joinMeetingId, vtc: m.videoTeleconferenceId };
}

const item = async (organizer: TestUser, who: 'me' | 'id') =>
  `${pathOf(organizer, who)}/onlineMeetings/${encodeURIComponent((await meetingOf(organizer)).id)}`;

const operations: Operation[] = [
  {
    name: 'create',
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
    policy: true,
    status: 201,
    request: async (organizer, who) => ({
      method: 'POST',
      url: `${pathOf(organizer, who)}/onlineMeetings`,
      body: { subject: 'permission matrix' },
    }),
  },
  {
    name: 'createOrGet',
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
    policy: true,
    status: 201,
    request: async (organizer, who) => ({
      method: 'POST',
      url: `${pathOf(organizer, who)}/onlineMeetings/createOrGet`,
      body: { externalId: randomUUID() },
    }),
  },
  {
    name: 'get',
    delegated: ['OnlineMeetings.Read', 'OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
    policy: true,
    status: 200,
    request: async (organizer, who) => ({ method: 'GET', url: await item(organizer, who) }),
  },
  {
    name: 'get by meeting ID',
    delegated: ['OnlineMeetings.Read', 'OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
    policy: true,
    status: 200,
    request: async (organizer, who) => ({
      method: 'GET',
      url: `${pathOf(organizer, who)}/onlineMeetings?$filter=${encodeURIComponent(
        `joinMeetingIdSettings/joinMeetingId eq '${(await meetingOf(organizer)).joinMeetingId}'`,
      )}`,
    }),
  },
  {
    name: 'update',
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
    policy: true,
    status: 200,
    request: async (organizer, who) => ({ method: 'PATCH', url: await item(organizer, who), body: { subject: 'x' } }),
  },
  {
    name: 'delete',
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
    policy: true,
    status: 204,
    request: async (organizer, who) => ({ method: 'DELETE', url: await item(organizer, who) }),
  },
  {
    name: 'get by VideoTeleconferenceId',
    delegated: [],
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
    policy: false,
    status: 200,
    request: async (organizer) => ({
      method: 'GET',
      url: `/v1.0/communications/onlineMeetings?$filter=${encodeURIComponent(
        `VideoTeleconferenceId eq '${(await meetingOf(organizer)).vtc}'`,
      )}`,
    }),
  },
];

/** Sends the operation with the token, or with no Authorization header at all. */
async function send(op: Operation, token: string | null, organizer: TestUser, who: 'me' | 'id') {
  const { method, url, body } = await op.request(organizer, who);
  if (method === 'POST' && token !== null) return postJson(t, url, token, body);
  if (method === 'PATCH' && token !== null) return patchJson(t, url, token, body);
  return t.app.inject({
    method,
    url,
    headers: {
      ...(token === null ? {} : bearer(token)),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

for (const op of operations) {
  describe(`permissions of ${op.name}`, () => {
    test(`${op.name}: when no token is sent, then 401`, async () => {
      const organizer = newUser();
      await t.addUser(organizer);
      const res = await send(op, null, organizer, 'id');
      assertGraphError(res, 401, 'InvalidAuthenticationToken', /^Access token is empty\.$/);
    });

    for (const scope of ['', ...scopes]) {
      const allowed = op.delegated.includes(scope);
      test(`${op.name}: when a delegated token has only '${scope || '(no scope)'}', then ${allowed ? op.status : 403}`, async () => {
        const organizer = newUser();
        for (const who of ['me', 'id'] as const) {
          const res = await send(op, await t.userToken(organizer, scope ? [scope] : []), organizer, who);
          if (allowed) {
            assert.equal(res.statusCode, op.status, res.body);
          } else if (op.delegated.length === 0) {
            assertGraphError(res, 403, 'Forbidden', /^This operation does not support delegated permissions/);
          } else {
            const err = assertGraphError(res, 403, 'Forbidden', /^Missing scope permissions/);
            assert.equal(
              err.message,
              `Missing scope permissions on the request. API requires one of '${op.delegated.join(', ')}'. Scopes on the request '${scope}'`,
            );
          }
        }
      });
    }

    for (const role of ['', ...roles]) {
      const allowed = op.application.includes(role);
      test(`${op.name}: when an application token with a granted policy has only '${role || '(no role)'}', then ${allowed ? op.status : 403}`, async () => {
        const organizer = newUser();
        await t.addUser(organizer);
        const appId = randomUUID();
        await t.allowApp(organizer.tenantId, appId, { user: organizer.id });
        const res = await send(op, await t.appToken(organizer.tenantId, appId, role ? [role] : []), organizer, 'id');
        if (allowed) {
          assert.equal(res.statusCode, op.status, res.body);
        } else {
          const err = assertGraphError(res, 403, 'Forbidden', /^Missing role permissions/);
          assert.equal(
            err.message,
            `Missing role permissions on the request. API requires one of '${op.application.join(', ')}'. Roles on the request '${role}'`,
          );
        }
      });
    }

    for (const role of op.application) {
      test(`${op.name}: when an application token has '${role}' but no access policy covers it, then ${op.policy ? '403 General' : op.status}`, async () => {
        const organizer = newUser();
        await t.addUser(organizer);
        await t.allowApp(organizer.tenantId, randomUUID(), { global: true }); // a policy for some other app
        const res = await send(op, await t.appToken(organizer.tenantId, randomUUID(), [role]), organizer, 'id');
        if (!op.policy) {
          assert.equal(res.statusCode, op.status, res.body);
          return;
        }
        const err = assertGraphError(res, 403, 'General', /./);
        assert.equal(err.message, 'No application access policy found for this app.');
      });
    }
  });
}
