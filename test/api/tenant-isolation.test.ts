import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { getJson, patchJson, postJson, sendAs } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * Tenant B's tokens against tenant A's data, for every operation and every way of naming it. Tenant B even
 * has a user whose object id equals A's organizer (ids are only unique within a tenant here) and an app
 * with the same app id as A's, so nothing can pass on a matching id alone.
 */

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

interface World {
  a: { organizer: TestUser; meetingId: string; externalId: string; appId: string; subject: string };
  b: { twin: TestUser; tenantId: string };
}

async function world(): Promise<World> {
  const organizer = newUser();
  await t.addUser(organizer);
  const appId = randomUUID();
  await t.allowApp(organizer.tenantId, appId, { global: true });
  const externalId = `course-${randomUUID()}`;
  const subject = `A's secret meeting ${randomUUID()}`;
  const made = await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', await t.userToken(organizer), {
    externalId,
    subject,
  });
  assert.equal(made.statusCode, 201);
  const tenantB = randomUUID();
  const twin = { ...organizer, tenantId: tenantB, upn: `twin-${organizer.upn}` };
  await t.addUser(twin);
  return { a: { organizer, meetingId: made.json().id, externalId, appId, subject }, b: { twin, tenantId: tenantB } };
}

/** Tenant A as it should still be after B's attempts: one meeting, unchanged, and its policy still working. */
async function assertTenantAUntouched(w: World) {
  assert.equal(await t.database.countMeetings(w.a.organizer.tenantId), 1);
  const own = await getJson(
    t,
    `/v1.0/me/onlineMeetings/${encodeURIComponent(w.a.meetingId)}`,
    await t.userToken(w.a.organizer),
  );
  assert.equal(own.statusCode, 200);
  assert.equal(own.json().subject, w.a.subject);
  assert.equal(own.json().externalId, w.a.externalId);
  const policies = await t.admin.listPolicies(w.a.organizer.tenantId);
  assert.deepEqual(
    policies.map((p) => [p.appIds, p.global]),
    [[[w.a.appId], true]],
  );
}

const paths = (user: string) => [`/v1.0/users/${user}`, `/beta/users/${user}`];

describe("tenant B's tokens and tenant A's data", () => {
  test('get: delegated B tokens, by every path and id form, get 404', async () => {
    const w = await world();
    const token = await t.userToken(w.b.twin);
    const id = w.a.meetingId;
    const legacy = `${w.a.organizer.id}_${Buffer.from(id, 'base64').toString().split('**')[1]}`;
    for (const base of ['/v1.0/me', '/beta/me', ...paths(w.a.organizer.id)]) {
      for (const form of [encodeURIComponent(id), id, encodeURIComponent(legacy)]) {
        const res = await getJson(t, `${base}/onlineMeetings/${form}`, token);
        assert.equal(res.statusCode, 404, `${base} ${form}: ${res.body}`);
      }
    }
    await assertTenantAUntouched(w);
  });

  test("get: an app token of B with A's app id gets 404 for A's user, and 403 for B's twin user (A's policy is not B's)", async () => {
    const w = await world();
    const token = await t.appToken(w.b.tenantId, w.a.appId, ['OnlineMeetings.ReadWrite.All']);
    const stranger = newUser(w.b.tenantId).id; // an id B's directory does not have
    assertGraphError(
      await getJson(t, `/v1.0/users/${stranger}/onlineMeetings/${encodeURIComponent(w.a.meetingId)}`, token),
      404,
      'NotFound',
      /was not found in the tenant/,
    );
    assertGraphError(
      await getJson(t, `/v1.0/users/${w.b.twin.id}/onlineMeetings/${encodeURIComponent(w.a.meetingId)}`, token),
      403,
      'General',
      /No application access policy/,
    );
    await t.allowApp(w.b.tenantId, w.a.appId, { global: true });
    assertGraphError(
      await getJson(t, `/v1.0/users/${w.b.twin.id}/onlineMeetings/${encodeURIComponent(w.a.meetingId)}`, token),
      404,
      'NotFound',
      /No online meeting/,
    );
    await assertTenantAUntouched(w);
  });

  test("createOrGet: B's twin with A's externalId gets a new meeting of its own, and A's stays as it was", async () => {
    const w = await world();
    const res = await postJson(t, '/v1.0/me/onlineMeetings/createOrGet', await t.userToken(w.b.twin), {
      externalId: w.a.externalId,
      subject: 'B trying to take over',
    });
    assert.equal(res.statusCode, 201, 'a new meeting, not A’s');
    assert.notEqual(res.json().id, w.a.meetingId);
    assert.equal(res.json().subject, 'B trying to take over');
    assert.equal(res.json().participants.organizer.identity.user.tenantId, w.b.tenantId);
    await assertTenantAUntouched(w);
  });

  test("createOrGet and create: B's app token cannot act for A's users, even with A's app id", async () => {
    const w = await world();
    const token = await t.appToken(w.b.tenantId, w.a.appId);
    const stranger = newUser(w.b.tenantId).id;
    for (const base of paths(stranger)) {
      assertGraphError(
        await postJson(t, `${base}/onlineMeetings/createOrGet`, token, { externalId: w.a.externalId }),
        404,
        'NotFound',
        /was not found/,
      );
      assertGraphError(await postJson(t, `${base}/onlineMeetings`, token, {}), 404, 'NotFound', /was not found/);
    }
    assertGraphError(
      await postJson(t, `/v1.0/users/${w.b.twin.id}/onlineMeetings`, token, {}),
      403,
      'General',
      /No application access policy/,
    );
    await assertTenantAUntouched(w);
  });

  test("create: a delegated B token naming A's organizer in the path acts only in B, and A's users cannot be B's presenters", async () => {
    const w = await world();
    const token = await t.userToken(w.b.twin);
    const made = await postJson(t, `/v1.0/users/${w.a.organizer.id}/onlineMeetings`, token, { subject: 'in B' });
    assert.equal(made.statusCode, 201, 'the path names the caller’s own id in B');
    assert.equal(made.json().participants.organizer.identity.user.tenantId, w.b.tenantId);
    const presenter = await postJson(t, '/v1.0/me/onlineMeetings', token, {
      participants: { attendees: [{ upn: w.a.organizer.upn, role: 'presenter' }] },
    });
    assertGraphError(presenter, 400, 'BadRequest', /cannot be given the role 'presenter'/);
    await assertTenantAUntouched(w);
  });

  test("update and delete: B's tokens, by every path and id form, change nothing of A's", async () => {
    const w = await world();
    const delegated = await t.userToken(w.b.twin);
    await t.allowApp(w.b.tenantId, w.a.appId, { global: true });
    const app = await t.appToken(w.b.tenantId, w.a.appId);
    const id = w.a.meetingId;
    const legacy = `${w.a.organizer.id}_${Buffer.from(id, 'base64').toString().split('**')[1]}`;
    for (const [token, bases] of [
      [delegated, ['/v1.0/me', '/beta/me', ...paths(w.a.organizer.id)]],
      [app, paths(w.b.twin.id)],
    ] as const) {
      for (const base of bases) {
        for (const form of [encodeURIComponent(id), encodeURIComponent(legacy), `('${id}')`]) {
          const url = form.startsWith('(') ? `${base}/onlineMeetings${form}` : `${base}/onlineMeetings/${form}`;
          const patched = await patchJson(t, url, token, { subject: 'B was here' });
          assert.equal(patched.statusCode, 404, `${url}: ${patched.body}`);
          assert.equal((await sendAs(t, 'DELETE', url, token)).statusCode, 404, url);
        }
      }
    }
    await assertTenantAUntouched(w);
  });

  test("lookups: B's join-link, meeting-ID and VTC lookups of A's meeting find nothing", async () => {
    const w = await world();
    const own = await getJson(
      t,
      `/v1.0/me/onlineMeetings/${encodeURIComponent(w.a.meetingId)}`,
      await t.userToken(w.a.organizer),
    );
    const m = own.json();
    const delegated = await t.userToken(w.b.twin);
    const filters = [
      `JoinWebUrl eq '${m.joinWebUrl}'`,
      `joinMeetingIdSettings/joinMeetingId eq '${m.joinMeetingIdSettings.joinMeetingId}'`,
    ];
    for (const filter of filters) {
      for (const base of ['/v1.0/me', ...paths(w.a.organizer.id)]) {
        const res = await getJson(t, `${base}/onlineMeetings?$filter=${encodeURIComponent(filter)}`, delegated);
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json().value, [], `${base} ${filter}`);
      }
    }
    const app = await t.appToken(w.b.tenantId, w.a.appId, ['OnlineMeetings.Read.All']);
    const vtc = await getJson(
      t,
      `/v1.0/communications/onlineMeetings?$filter=${encodeURIComponent(`VideoTeleconferenceId eq '${m.videoTeleconferenceId}'`)}`,
      app,
    );
    assert.deepEqual(vtc.json().value, []);
    await assertTenantAUntouched(w);
  });

  test("tokens: a token claiming A's tenant but issued for B is refused, and A's app gets no token at B", async () => {
    const w = await world();
    const { mintDelegatedToken } = await import('../../src/identity/tokens.js');
    const forged = await mintDelegatedToken(
      { tenantId: w.b.tenantId, userId: w.a.organizer.id, scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: 600 },
      t.key,
      'https://login.graphmeet.local',
    );
    // Re-sign the same claims with tid of A but B's issuer: iss and tid must agree.
    const { SignJWT, decodeJwt } = await import('jose');
    const claims = { ...decodeJwt(forged), tid: w.a.organizer.tenantId };
    const crossed = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: t.key.kid })
      .sign(t.key.privateKey);
    assertGraphError(
      await getJson(t, `/v1.0/me/onlineMeetings/${encodeURIComponent(w.a.meetingId)}`, crossed),
      401,
      'InvalidAuthenticationToken',
      /Invalid issuer/,
    );

    const { application, clientSecret } = await t.admin.addApplication(w.a.organizer.tenantId, {
      displayName: 'A app',
    });
    const res = await t.app.inject({
      method: 'POST',
      url: `/${w.b.tenantId}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: application.appId,
        client_secret: clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'unauthorized_client');
    await assertTenantAUntouched(w);
  });
});
