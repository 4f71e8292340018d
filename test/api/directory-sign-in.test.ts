import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let open: TestApp;
let closed: TestApp;
before(async () => {
  open = await startTestApp();
  closed = await startTestApp({ directoryMode: 'closed' });
});
after(async () => {
  await open.close();
  await closed.close();
});

describe('signed-in users and the directory', () => {
  test('when an open directory sees a new user, then it adds them with the id, UPN and name of their token', async () => {
    const user = newUser();
    assert.equal((await postJson(open, '/v1.0/me/onlineMeetings', await open.userToken(user), {})).statusCode, 201);
    assert.deepEqual(await open.admin.getUser(user.tenantId, user.id), {
      tenantId: user.tenantId,
      id: user.id,
      userPrincipalName: user.upn,
      displayName: user.displayName,
    });
    assert.equal((await open.admin.getTenant(user.tenantId)).id, user.tenantId, 'the tenant is recorded too');
  });

  test("when the directory already knows the user, then its values win over the token's", async () => {
    const user = newUser();
    await open.addUser({ ...user, displayName: 'Name From The Directory' });
    const token = await open.userToken({ ...user, displayName: 'Name In The Token' });
    const res = await postJson(open, '/v1.0/me/onlineMeetings', token, {});
    assert.equal(res.json().participants.organizer.identity.user.displayName, 'Name From The Directory');
  });

  test('when the directory entry lacks a name, then the signed-in token fills it and keeps the directory UPN', async () => {
    const user = newUser();
    await open.admin.addUser(user.tenantId, { id: user.id, userPrincipalName: user.upn });
    const token = await open.userToken({ ...user, upn: `other-${user.upn}` });
    const res = await postJson(open, '/v1.0/me/onlineMeetings', token, {});
    assert.equal(res.json().participants.organizer.identity.user.displayName, user.displayName);
    assert.equal(res.json().participants.organizer.upn, user.upn);
  });

  test("when a token's UPN belongs to another user of the tenant, then the caller is added without it", async () => {
    const holder = newUser();
    await open.addUser(holder);
    const other = { ...newUser(holder.tenantId), upn: holder.upn };
    const res = await postJson(open, '/v1.0/me/onlineMeetings', await open.userToken(other), {});
    assert.equal(res.statusCode, 201, res.body);
    assert.equal((await open.admin.getUser(holder.tenantId, other.id)).userPrincipalName, null);
    assert.equal((await open.admin.getUser(holder.tenantId, holder.upn)).id, holder.id);
  });

  test('when a closed directory gets a token of a user it does not have, then 403 until an administrator adds them', async () => {
    const user = newUser();
    const token = await closed.userToken(user);
    assertGraphError(
      await postJson(closed, '/v1.0/me/onlineMeetings', token, {}),
      403,
      'Forbidden',
      new RegExp(`signed-in user '${user.id}' is not in the directory`),
    );
    await assert.rejects(closed.admin.getTenant(user.tenantId), /does not exist/);
    await closed.addUser(user);
    assert.equal((await postJson(closed, '/v1.0/me/onlineMeetings', token, {})).statusCode, 201);
  });

  test('when an administrator removes a user of a closed directory, then their next request is refused', async () => {
    const user = newUser();
    await closed.addUser(user);
    const token = await closed.userToken(user);
    assert.equal((await postJson(closed, '/v1.0/me/onlineMeetings', token, {})).statusCode, 201);
    // Through the admin API of the same process, so the server forgets the user at once.
    const res = await closed.app.inject({
      method: 'DELETE',
      url: `/_graphmeet/tenants/${user.tenantId}/users/${user.id}`,
      headers: { authorization: `Bearer ${closed.adminKey}` },
    });
    assert.equal(res.statusCode, 204);
    assertGraphError(
      await postJson(closed, '/v1.0/me/onlineMeetings', token, {}),
      403,
      'Forbidden',
      /not in the directory/,
    );
  });
});
