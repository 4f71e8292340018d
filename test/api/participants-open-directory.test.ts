import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

/**
 * The open directory meets the organizer's colleagues as Entra would know them: the docs' own examples name a
 * presenter by object id and UPN that no administrator added, and they work as written.
 */

const { examples } = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../fixtures/graph-docs-request-examples.json'), 'utf8'),
) as { examples: { page: string; version: string; path: string; body: Record<string, unknown> }[] };

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

/** An organizer of a new tenant whose domain is contoso.com, the docs' examples' domain. */
const contosoOrganizer = (): TestUser => ({ ...newUser(), upn: `organizer-${randomUUID().slice(0, 8)}@contoso.com` });

const presenter = (id: string, upn?: string) => ({
  participants: { attendees: [{ identity: { user: { id } }, role: 'presenter', ...(upn ? { upn } : {}) }] },
});

describe('the docs’ request examples on a fresh default server', () => {
  for (const [n, example] of examples.entries()) {
    test(`when example ${n + 1} (${example.version} ${example.path}) is sent as written, then 201`, async () => {
      const res = await postJson(
        open,
        `/${example.version}${example.path}`,
        await open.userToken(contosoOrganizer()),
        example.body,
      );
      assert.equal(res.statusCode, 201, `${example.page}: ${res.body}`);
    });
  }
});

describe('presenters the open directory has not met', () => {
  test('when a presenter is named by object id and a UPN in the tenant’s domain, then they are added to the directory and keep their role', async () => {
    const organizer = contosoOrganizer();
    const token = await open.userToken(organizer);
    const id = randomUUID();
    const res = await postJson(open, '/v1.0/me/onlineMeetings', token, presenter(id, 'Colleague@Contoso.com'));
    assert.equal(res.statusCode, 201, res.body);
    const [attendee] = res.json().participants.attendees;
    assert.equal(attendee.role, 'presenter');
    assert.equal(attendee.identity.user.id, id);
    assert.equal(attendee.identity.user.tenantId, organizer.tenantId);
    const stored = await open.store.directory.getUser(organizer.tenantId, id);
    assert.equal(stored?.userPrincipalName, 'Colleague@Contoso.com', 'now a user of the tenant');
  });

  test('when a co-organizer is named by object id alone, then they are added too', async () => {
    const organizer = contosoOrganizer();
    const id = randomUUID();
    const body = { participants: { attendees: [{ identity: { user: { id } }, role: 'coorganizer' }] } };
    const res = await postJson(open, '/v1.0/me/onlineMeetings', await open.userToken(organizer), body);
    assert.equal(res.statusCode, 201, res.body);
    assert.ok(await open.store.directory.getUser(organizer.tenantId, id));
  });

  const refusals: [string, () => { app: TestApp; body: unknown }][] = [
    ['a UPN of another domain', () => ({ app: open, body: presenter(randomUUID(), 'someone@fabrikam.com') })],
    [
      'a UPN alone, no object id',
      () => ({ app: open, body: { participants: { attendees: [{ upn: 'new@contoso.com', role: 'presenter' }] } } }),
    ],
    [
      'an object id of another tenant',
      () => ({
        app: open,
        body: {
          participants: {
            attendees: [{ identity: { user: { id: randomUUID(), tenantId: randomUUID() } }, role: 'presenter' }],
          },
        },
      }),
    ],
    ['a closed directory', () => ({ app: closed, body: presenter(randomUUID(), 'colleague@contoso.com') })],
  ];
  for (const [what, make] of refusals) {
    test(`when the unknown presenter has ${what}, then 400 as before and nobody is added`, async () => {
      const { app, body } = make();
      const organizer = contosoOrganizer();
      if (app === closed) await closed.addUser(organizer);
      const res = await postJson(app, '/v1.0/me/onlineMeetings', await app.userToken(organizer), body);
      assertGraphError(res, 400, 'BadRequest', /only users in the organizer's directory can be presenters/);
      assert.equal((await app.store.directory.listUsers(organizer.tenantId)).length, 1, 'only the organizer');
    });
  }
});
