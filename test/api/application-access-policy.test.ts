import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { getJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

/** A tenant with one organizer in its directory and one registered app. */
async function tenantWithApp(): Promise<{ organizer: TestUser; appId: string; token: string }> {
  const organizer = newUser();
  await t.addUser(organizer);
  const appId = randomUUID();
  return { organizer, appId, token: await t.appToken(organizer.tenantId, appId) };
}

const createFor = (organizer: TestUser, token: string) =>
  postJson(t, `/v1.0/users/${organizer.id}/onlineMeetings`, token, { subject: 'by app' });

const assertNoPolicy = (res: Awaited<ReturnType<typeof createFor>>) => {
  const err = assertGraphError(res, 403, 'General', /./);
  assert.equal(err.message, 'No application access policy found for this app.');
};

describe('application access policies', () => {
  test('when no policy is granted, then an app token gets 403 General on create, createOrGet and get, and nothing is written', async () => {
    const { organizer, token } = await tenantWithApp();
    const made = await postJson(t, '/v1.0/me/onlineMeetings', await t.userToken(organizer), {});
    assertNoPolicy(await createFor(organizer, token));
    assertNoPolicy(
      await postJson(t, `/v1.0/users/${organizer.id}/onlineMeetings/createOrGet`, token, { externalId: 'x' }),
    );
    assertNoPolicy(
      await getJson(t, `/beta/users/${organizer.id}/onlineMeetings/${encodeURIComponent(made.json().id)}`, token),
    );
    assert.equal(await t.database.countMeetings(organizer.tenantId), 1, 'only the delegated create landed');
  });

  test('when a policy naming the app is granted to the user, then the app acts for that user only', async () => {
    const { organizer, appId, token } = await tenantWithApp();
    const colleague = newUser(organizer.tenantId);
    await t.addUser(colleague);
    await t.allowApp(organizer.tenantId, appId, { user: organizer.id });
    assert.equal((await createFor(organizer, token)).statusCode, 201);
    assertNoPolicy(await createFor(colleague, token));
  });

  test('when a policy is granted tenant-wide, then the app acts for every user without a grant of their own', async () => {
    const { organizer, appId, token } = await tenantWithApp();
    const colleague = newUser(organizer.tenantId);
    await t.addUser(colleague);
    await t.allowApp(organizer.tenantId, appId, { global: true });
    assert.equal((await createFor(organizer, token)).statusCode, 201);
    assert.equal((await createFor(colleague, token)).statusCode, 201);
  });

  test("when the user's own policy leaves the app out, then it wins over a tenant-wide policy that names it", async () => {
    const { organizer, appId, token } = await tenantWithApp();
    await t.allowApp(organizer.tenantId, appId, { global: true });
    await t.allowApp(organizer.tenantId, randomUUID(), { user: organizer.id });
    assertNoPolicy(await createFor(organizer, token));

    // …and the other way round: the user's own policy names the app, the tenant-wide one does not.
    const other = await tenantWithApp();
    await t.allowApp(other.organizer.tenantId, randomUUID(), { global: true });
    await t.allowApp(other.organizer.tenantId, other.appId, { user: other.organizer.id });
    assert.equal((await createFor(other.organizer, other.token)).statusCode, 201);
  });

  test("when the user's grant is revoked, then the tenant-wide grant applies again", async () => {
    const { organizer, appId, token } = await tenantWithApp();
    await t.allowApp(organizer.tenantId, randomUUID(), { user: organizer.id });
    await t.allowApp(organizer.tenantId, appId, { global: true });
    assertNoPolicy(await createFor(organizer, token));
    await t.admin.revokePolicy(organizer.tenantId, { user: organizer.upn });
    assert.equal((await createFor(organizer, token)).statusCode, 201);
    await t.admin.revokePolicy(organizer.tenantId, { global: true });
    assertNoPolicy(await createFor(organizer, token));
  });

  test('when the policy is changed to leave the app out, or deleted, then the app is refused at once', async () => {
    const { organizer, appId, token } = await tenantWithApp();
    const name = await t.allowApp(organizer.tenantId, appId, { user: organizer.id });
    assert.equal((await createFor(organizer, token)).statusCode, 201);
    await t.admin.updatePolicy(organizer.tenantId, name, { appIds: [randomUUID()] });
    assertNoPolicy(await createFor(organizer, token));
    await t.admin.updatePolicy(organizer.tenantId, name.toUpperCase(), { appIds: [appId] });
    assert.equal((await createFor(organizer, token)).statusCode, 201, 'policy names match without regard to case');
    await t.admin.deletePolicy(organizer.tenantId, name);
    assertNoPolicy(await createFor(organizer, token));
    assert.deepEqual(await t.admin.listGrants(organizer.tenantId), [], 'deleting a policy revokes its grants');
  });

  test('when a user is removed and added again, then their old grant does not come back', async () => {
    const { organizer, appId, token } = await tenantWithApp();
    await t.allowApp(organizer.tenantId, appId, { user: organizer.id });
    await t.admin.removeUser(organizer.tenantId, organizer.id);
    await t.addUser(organizer);
    assertNoPolicy(await createFor(organizer, token));
  });

  test('when the token spells the app id in upper case, then the policy still matches', async () => {
    const { organizer, appId } = await tenantWithApp();
    await t.allowApp(organizer.tenantId, appId, { user: organizer.id });
    const res = await createFor(organizer, await t.appToken(organizer.tenantId, appId.toUpperCase()));
    assert.equal(res.statusCode, 201, res.body);
  });

  test('when a delegated token calls, then no policy is needed', async () => {
    const organizer = newUser();
    const res = await postJson(t, `/v1.0/users/${organizer.id}/onlineMeetings`, await t.userToken(organizer), {});
    assert.equal(res.statusCode, 201, res.body);
  });

  test('when a policy covers the app in another tenant, then it does not apply here', async () => {
    const { organizer, appId, token } = await tenantWithApp();
    const elsewhere = newUser();
    await t.addUser(elsewhere);
    await t.allowApp(elsewhere.tenantId, appId, { global: true });
    assertNoPolicy(await createFor(organizer, token));
  });
});
