import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { getJson, patchJson, postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The real service answers with a few properties its schema does not declare (seen in the docs' get, update and
 * createOrGet examples). By default graphmeet sends them too; --fidelity schema leaves them out.
 */

let observed: TestApp;
let schema: TestApp;
before(async () => {
  observed = await startTestApp();
  schema = await startTestApp({ fidelity: 'schema' });
});
after(async () => {
  await observed.close();
  await schema.close();
});

const observedNames = ['autoAdmittedUsers'];

describe('fidelity: the observed fields', () => {
  test('when a meeting is created and read in v1.0, then autoAdmittedUsers, producers, contributors and the organizer identity’s application instances are there, as the service sends them', async () => {
    const user = newUser();
    const token = await observed.userToken(user);
    const created = await postJson(observed, '/v1.0/me/onlineMeetings', token, { subject: 'observed' });
    assert.equal(created.statusCode, 201, created.body);
    for (const m of [
      created.json(),
      (await getJson(observed, `/v1.0/me/onlineMeetings/${encodeURIComponent(created.json().id)}`, token)).json(),
    ]) {
      assert.equal(m.autoAdmittedUsers, 'EveryoneInCompany');
      assert.deepEqual(m.participants.producers, []);
      assert.deepEqual(m.participants.contributors, []);
      assert.deepEqual(Object.keys(m.participants.organizer.identity), [
        'application',
        'applicationInstance',
        'azureApplicationInstance',
        'device',
        'user',
      ]);
      assert.equal(m.participants.organizer.identity.azureApplicationInstance, null);
    }
  });

  test('when lobbyBypassSettings.scope changes, then autoAdmittedUsers follows it', async () => {
    const token = await observed.userToken(newUser());
    const { id } = (await postJson(observed, '/v1.0/me/onlineMeetings', token, { subject: 'lobby' })).json();
    const url = `/v1.0/me/onlineMeetings/${encodeURIComponent(id)}`;
    for (const [scope, expected] of [
      ['everyone', 'Everyone'],
      ['organizer', 'Organizer'],
      ['organizationAndFederated', 'EveryoneInSameAndFederatedCompany'],
      ['invited', 'InvitedUsersInCompany'],
      ['organization', 'EveryoneInCompany'],
    ]) {
      const res = await patchJson(observed, url, token, { lobbyBypassSettings: { scope } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().autoAdmittedUsers, expected, scope);
    }
  });

  test('when $select names an observed field, then 400: only declared properties can be selected', async () => {
    const token = await observed.userToken(newUser());
    const { id } = (await postJson(observed, '/v1.0/me/onlineMeetings', token, { subject: 'select' })).json();
    const url = `/v1.0/me/onlineMeetings/${encodeURIComponent(id)}`;
    assertGraphError(await getJson(observed, `${url}?$select=autoAdmittedUsers`, token), 400, 'BadRequest', /./);
    const selected = (await getJson(observed, `${url}?$select=subject`, token)).json();
    assert.equal('autoAdmittedUsers' in selected, false);
  });

  test('when the server runs with --fidelity schema, then v1.0 answers hold only what the schema declares, and beta keeps the lists it declares', async () => {
    const token = await schema.userToken(newUser());
    const v1 = await postJson(schema, '/v1.0/me/onlineMeetings', token, { subject: 'schema' });
    assert.equal(v1.statusCode, 201, v1.body);
    const m = v1.json();
    for (const name of observedNames) assert.equal(name in m, false, name);
    assert.deepEqual(Object.keys(m.participants), ['organizer', 'attendees']);
    assert.deepEqual(Object.keys(m.participants.organizer.identity), ['application', 'device', 'user']);

    const beta = (await getJson(schema, `/beta/me/onlineMeetings/${encodeURIComponent(m.id)}`, token)).json();
    assert.deepEqual([beta.participants.producers, beta.participants.contributors], [[], []]);
    assert.equal('autoAdmittedUsers' in beta, false);
  });
});
