import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { newAppCertificate } from '../helpers/client-certificate.js';
import { assertGraphError } from '../helpers/graph-assert.js';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A call to the admin API with the admin key, as an operator's script would make it. */
function admin(method: Method, url: string, body?: unknown, key: string | null = t.adminKey) {
  return t.app.inject({
    method,
    url: `/_graphmeet${url}`,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

/** What is stored for an app, read from the database itself. */
async function storedSecretHash(tenantId: string, appId: string): Promise<string | null> {
  const [row] = await t.database.rows('select secret_hash from applications where tenant_id = ? and app_id = ?', [
    tenantId,
    appId,
  ]);
  return (row?.secret_hash as string | null | undefined) ?? null;
}

describe('the admin key', () => {
  test('when the admin API is called without the key, with a wrong key or another scheme, then 401 and nothing happens', async () => {
    const tenant = randomUUID();
    const body = { userPrincipalName: 'ada@contoso.example' };
    assertGraphError(await admin('POST', `/tenants/${tenant}/users`, body, null), 401, 'Unauthorized', /admin key/);
    assertGraphError(
      await admin('POST', `/tenants/${tenant}/users`, body, 'x'.repeat(43)),
      401,
      'Unauthorized',
      /not valid/,
    );
    const basic = await t.app.inject({
      method: 'GET',
      url: '/_graphmeet/tenants',
      headers: { authorization: `Basic ${Buffer.from(`admin:${t.adminKey}`).toString('base64')}` },
    });
    assertGraphError(basic, 401, 'Unauthorized', /admin key/);
    assertGraphError(await admin('GET', `/tenants/${tenant}`), 404, 'NotFound', /does not exist/);
  });

  test('when a Graph access token is used as the admin key, then 401', async () => {
    const token = await t.userToken(newUser());
    assertGraphError(await admin('GET', '/tenants', undefined, token), 401, 'Unauthorized', /not valid/);
  });

  test('when the health endpoint is called without a key, then it answers (it reveals nothing)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/_graphmeet/health' });
    assert.equal(res.statusCode, 200);
  });
});

describe('tenants and users', () => {
  test('when users are added, listed, read and removed, then each answer is what a directory would say', async () => {
    const tenant = randomUUID();
    const id = randomUUID();
    const added = await admin('POST', `/tenants/${tenant.toUpperCase()}/users`, {
      id: id.toUpperCase(),
      userPrincipalName: 'Ada@Contoso.example',
      displayName: 'Ada Lovelace',
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.deepEqual(added.json(), {
      tenantId: tenant,
      id,
      userPrincipalName: 'Ada@Contoso.example',
      displayName: 'Ada Lovelace',
    });

    const drawn = await admin('POST', `/tenants/${tenant}/users`, { userPrincipalName: 'grace@contoso.example' });
    assert.equal(drawn.statusCode, 201);
    assert.match(drawn.json().id, /^[0-9a-f-]{36}$/);
    assert.equal(drawn.json().displayName, null);

    const list = await admin('GET', `/tenants/${tenant}/users`);
    assert.deepEqual(
      list.json().value.map((u: { userPrincipalName: string }) => u.userPrincipalName),
      ['Ada@Contoso.example', 'grace@contoso.example'],
    );
    assert.equal((await admin('GET', `/tenants/${tenant}/users/ada@contoso.EXAMPLE`)).json().id, id);
    assert.equal((await admin('GET', `/tenants/${tenant}/users/${id}`)).json().displayName, 'Ada Lovelace');
    assert.equal((await admin('GET', `/tenants/${tenant}`)).json().id, tenant);
    assert.ok((await admin('GET', '/tenants')).json().value.some((x: { id: string }) => x.id === tenant));

    assert.equal((await admin('DELETE', `/tenants/${tenant}/users/ada@contoso.example`)).statusCode, 204);
    assertGraphError(await admin('GET', `/tenants/${tenant}/users/${id}`), 404, 'NotFound', /has no user/);
    assertGraphError(await admin('DELETE', `/tenants/${tenant}/users/${id}`), 404, 'NotFound', /has no user/);
  });

  test('when a user id or UPN is taken, then 409 Conflict and the first user is unchanged', async () => {
    const tenant = randomUUID();
    const id = randomUUID();
    await admin('POST', `/tenants/${tenant}/users`, {
      id,
      userPrincipalName: 'ada@contoso.example',
      displayName: 'Ada',
    });
    assertGraphError(
      await admin('POST', `/tenants/${tenant}/users`, { id, userPrincipalName: 'other@contoso.example' }),
      409,
      'Conflict',
      /already exists/,
    );
    assertGraphError(
      await admin('POST', `/tenants/${tenant}/users`, { userPrincipalName: 'ADA@contoso.example' }),
      409,
      'Conflict',
      /userPrincipalName 'ADA@contoso.example'/,
    );
    assert.deepEqual((await admin('GET', `/tenants/${tenant}/users`)).json().value.length, 1);
    // The same UPN in another tenant is someone else.
    assert.equal(
      (await admin('POST', `/tenants/${randomUUID()}/users`, { userPrincipalName: 'ada@contoso.example' })).statusCode,
      201,
    );
  });

  const invalid: [string, string, unknown, RegExp][] = [
    [
      'a tenant id that is not a GUID',
      '/tenants/contoso/users',
      { userPrincipalName: 'a@b.example' },
      /tenant id 'contoso'/,
    ],
    [
      'a UPN without a domain',
      `/tenants/${randomUUID()}/users`,
      { userPrincipalName: 'ada' },
      /userPrincipalName 'ada'/,
    ],
    [
      'an id that is not a GUID',
      `/tenants/${randomUUID()}/users`,
      { id: '42', userPrincipalName: 'a@b.example' },
      /user id '42'/,
    ],
    [
      'an unknown property',
      `/tenants/${randomUUID()}/users`,
      { userPrincipalName: 'a@b.example', password: 'x' },
      /'password' does not exist/,
    ],
    [
      'a display name with a control character',
      `/tenants/${randomUUID()}/users`,
      { userPrincipalName: 'a@b.example', displayName: 'a\u0000b' },
      /displayName/,
    ],
    ['a number for the UPN', `/tenants/${randomUUID()}/users`, { userPrincipalName: 7 }, /userPrincipalName/],
  ];
  for (const [what, url, body, message] of invalid) {
    test(`when a user is added with ${what}, then 400 and nothing is stored`, async () => {
      assertGraphError(await admin('POST', url, body), 400, 'BadRequest', message);
      const tenant = url.split('/')[2] as string;
      if (/^[0-9a-f-]{36}$/.test(tenant)) assert.equal((await admin('GET', `/tenants/${tenant}`)).statusCode, 404);
    });
  }

  test('when the users of a tenant that does not exist are listed, then 404', async () => {
    assertGraphError(await admin('GET', `/tenants/${randomUUID()}/users`), 404, 'NotFound', /does not exist/);
  });
});

describe('applications', () => {
  test('when an app is registered, then its secret is shown once, stored only as a hash, and never listed', async () => {
    const tenant = randomUUID();
    const res = await admin('POST', `/tenants/${tenant}/applications`, { displayName: 'LMS plugin' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const { appId, clientSecret, ...rest } = res.json();
    assert.match(appId, /^[0-9a-f-]{36}$/);
    assert.match(clientSecret, /^[A-Za-z0-9_-]{40}$/);
    assert.deepEqual(rest, {
      tenantId: tenant,
      displayName: 'LMS plugin',
      roles: ['OnlineMeetings.ReadWrite.All'],
      scopes: ['OnlineMeetings.ReadWrite'],
      hasClientSecret: true,
      certificate: null,
      createdDateTime: rest.createdDateTime,
    });
    const hash = (await storedSecretHash(tenant, appId)) as string;
    assert.match(hash, /^scrypt\$16384\$8\$1\$/);
    assert.equal(hash.includes(clientSecret), false);

    for (const read of [
      await admin('GET', `/tenants/${tenant}/applications/${appId}`),
      await admin('GET', `/tenants/${tenant}/applications`),
    ]) {
      assert.equal(read.statusCode, 200);
      assert.equal(read.body.includes(clientSecret), false);
      assert.equal(read.body.includes('scrypt'), false);
      assert.equal(read.body.includes('secretHash'), false);
    }
  });

  test('when an app id is given, taken, or invalid, then 201, 409 and 400', async () => {
    const tenant = randomUUID();
    const appId = randomUUID();
    const body = { appId: appId.toUpperCase(), displayName: 'Bot', roles: ['OnlineMeetings.Read.All'], scopes: [] };
    const made = await admin('POST', `/tenants/${tenant}/applications`, body);
    assert.equal(made.statusCode, 201);
    assert.equal(made.json().appId, appId);
    assert.deepEqual(made.json().roles, ['OnlineMeetings.Read.All']);
    assertGraphError(
      await admin('POST', `/tenants/${tenant}/applications`, body),
      409,
      'Conflict',
      /already registered/,
    );
    assertGraphError(
      await admin('POST', `/tenants/${tenant}/applications`, { displayName: 'x', roles: ['Meetings; drop table'] }),
      400,
      'BadRequest',
      /not a permission name/,
    );
    assertGraphError(
      await admin('POST', `/tenants/${tenant}/applications`, { displayName: 'x', clientSecret: 'mine' }),
      400,
      'BadRequest',
      /'clientSecret' does not exist/,
    );
    assert.equal((await admin('DELETE', `/tenants/${tenant}/applications/${appId}`)).statusCode, 204);
    assertGraphError(await admin('GET', `/tenants/${tenant}/applications/${appId}`), 404, 'NotFound', /No application/);
  });
});

describe('application access policies', () => {
  test('when a policy is created, changed, granted, listed, revoked and deleted, then the API shows each step', async () => {
    const organizer = newUser();
    await t.addUser(organizer);
    const tenant = organizer.tenantId;
    const appId = randomUUID();
    const created = await admin('POST', `/tenants/${tenant}/applicationAccessPolicies`, {
      name: 'Meeting bots',
      appIds: [appId.toUpperCase()],
      description: 'bots that schedule',
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), {
      tenantId: tenant,
      name: 'Meeting bots',
      description: 'bots that schedule',
      appIds: [appId],
      global: false,
      users: [],
    });
    assertGraphError(
      await admin('POST', `/tenants/${tenant}/applicationAccessPolicies`, { name: 'meeting BOTS', appIds: [appId] }),
      409,
      'Conflict',
      /already exists/,
    );

    const token = await t.appToken(tenant, appId);
    const createAsApp = () => postJson(t, `/v1.0/users/${organizer.id}/onlineMeetings`, token, {});
    assert.equal((await createAsApp()).statusCode, 403);

    const granted = await admin('PUT', `/tenants/${tenant}/applicationAccessPolicyGrants/${organizer.upn}`, {
      policyName: 'meeting bots',
    });
    assert.equal(granted.statusCode, 200, granted.body);
    assert.deepEqual(granted.json(), { tenantId: tenant, target: organizer.id, policyName: 'Meeting bots' });
    assert.equal((await createAsApp()).statusCode, 201);

    await admin('PUT', `/tenants/${tenant}/applicationAccessPolicyGrants/global`, { policyName: 'Meeting bots' });
    const read = (await admin('GET', `/tenants/${tenant}/applicationAccessPolicies/Meeting%20bots`)).json();
    assert.deepEqual([read.global, read.users], [true, [organizer.id]]);
    assert.deepEqual(
      (await admin('GET', `/tenants/${tenant}/applicationAccessPolicyGrants`))
        .json()
        .value.map((g: { target: string }) => g.target),
      ['global', organizer.id],
    );

    const changed = await admin('PATCH', `/tenants/${tenant}/applicationAccessPolicies/Meeting%20bots`, {
      appIds: [randomUUID()],
    });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json().description, 'bots that schedule', 'a PATCH keeps what it does not name');
    assert.equal((await createAsApp()).statusCode, 403);

    assert.equal(
      (await admin('DELETE', `/tenants/${tenant}/applicationAccessPolicyGrants/${organizer.id}`)).statusCode,
      204,
    );
    assertGraphError(
      await admin('DELETE', `/tenants/${tenant}/applicationAccessPolicyGrants/${organizer.id}`),
      404,
      'NotFound',
      /has no policy/,
    );
    assert.equal(
      (await admin('DELETE', `/tenants/${tenant}/applicationAccessPolicies/Meeting%20bots`)).statusCode,
      204,
    );
    assert.deepEqual((await admin('GET', `/tenants/${tenant}/applicationAccessPolicyGrants`)).json().value, []);
  });

  test('when a policy names no app, a bad app id or an odd name, or is granted to a stranger, then 400 or 404', async () => {
    const tenant = randomUUID();
    const policies = `/tenants/${tenant}/applicationAccessPolicies`;
    assertGraphError(await admin('POST', policies, { name: 'p', appIds: [] }), 400, 'BadRequest', /at least one appId/);
    assertGraphError(await admin('POST', policies, { name: 'p', appIds: ['app'] }), 400, 'BadRequest', /appId 'app'/);
    assertGraphError(
      await admin('POST', policies, { name: '../p', appIds: [randomUUID()] }),
      400,
      'BadRequest',
      /policy name/,
    );
    await admin('POST', policies, { name: 'p', appIds: [randomUUID()] });
    assertGraphError(
      await admin('PUT', `/tenants/${tenant}/applicationAccessPolicyGrants/${randomUUID()}`, { policyName: 'p' }),
      404,
      'NotFound',
      /has no user/,
    );
    assertGraphError(
      await admin('PUT', `/tenants/${tenant}/applicationAccessPolicyGrants/global`, { policyName: 'missing' }),
      404,
      'NotFound',
      /no application access policy named 'missing'/,
    );
  });
});

describe('directory import', () => {
  const seedFor = (tenant: string, userId: string, appId: string) => ({
    tenants: [
      {
        id: tenant,
        displayName: 'Contoso',
        users: [
          { id: userId, userPrincipalName: 'ada@contoso.example', displayName: 'Ada' },
          { userPrincipalName: 'grace@contoso.example' },
        ],
        applications: [{ appId, displayName: 'LMS', clientSecret: 'a-seeded-secret-of-20+' }],
        applicationAccessPolicies: [
          { name: 'lms', appIds: [appId], grantedTo: { users: ['ada@contoso.example'], global: false } },
        ],
      },
    ],
  });

  test('when the same seed is imported twice, then the second import changes nothing', async () => {
    const tenant = randomUUID();
    const userId = randomUUID();
    const appId = randomUUID();
    const first = await admin('POST', '/directory/import', seedFor(tenant, userId, appId));
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), {
      tenants: 1,
      users: 2,
      applications: 1,
      applicationAccessPolicies: 1,
      grants: 1,
      faultRules: 0,
    });
    const users = (await admin('GET', `/tenants/${tenant}/users`)).json().value;
    const hash = await storedSecretHash(tenant, appId);

    const second = await admin('POST', '/directory/import', seedFor(tenant, userId, appId));
    assert.equal(second.statusCode, 200);
    assert.deepEqual((await admin('GET', `/tenants/${tenant}/users`)).json().value, users, 'no user was added twice');
    assert.equal(await storedSecretHash(tenant, appId), hash, 'an unchanged secret is not hashed again');
    assert.equal((await admin('GET', `/tenants/${tenant}`)).json().displayName, 'Contoso');
    const policy = (await admin('GET', `/tenants/${tenant}/applicationAccessPolicies/lms`)).json();
    assert.deepEqual(policy.users, [userId]);
  });

  test('when a seed registers a certificate, then the app shows it, and a later seed without one keeps it', async () => {
    const cert = await newAppCertificate();
    const tenant = randomUUID();
    const appId = randomUUID();
    const seed = seedFor(tenant, randomUUID(), appId);
    const withCert = { ...seed.tenants[0], applications: [{ appId, displayName: 'LMS', certificate: cert.certPem }] };
    assert.equal((await admin('POST', '/directory/import', { tenants: [withCert] })).statusCode, 200);
    const shown = (await admin('GET', `/tenants/${tenant}/applications/${appId}`)).json();
    assert.equal(shown.certificate.thumbprint, cert.thumbprint);
    assert.equal(shown.hasClientSecret, false);

    assert.equal((await admin('POST', '/directory/import', seed)).statusCode, 200);
    const after = (await admin('GET', `/tenants/${tenant}/applications/${appId}`)).json();
    assert.equal(after.certificate.thumbprint, cert.thumbprint, 'a seed that does not mention it keeps it');
    assert.equal(after.hasClientSecret, true);
  });

  test('when a seed has a mistake in its last entry, then 400 names the place and nothing of it is stored', async () => {
    const good = randomUUID();
    const seed = seedFor(good, randomUUID(), randomUUID());
    const bad = { id: randomUUID(), users: [{ userPrincipalName: 'fine@x.example' }, { userPrincipalName: 'broken' }] };
    const res = await admin('POST', '/directory/import', { tenants: [...seed.tenants, bad] });
    assertGraphError(res, 400, 'BadRequest', /^Invalid directory seed at \/tenants\/1\/users\/1: .*'broken'/);
    assert.equal((await admin('GET', `/tenants/${good}`)).statusCode, 404, 'the good tenant was rolled back');
  });

  test('when a seed grants a policy to a user it does not have, then 400 naming the grant', async () => {
    const tenant = randomUUID();
    const seed = seedFor(tenant, randomUUID(), randomUUID());
    (seed.tenants[0] as { applicationAccessPolicies: { grantedTo: { users: string[] } }[] })
      .applicationAccessPolicies[0]!.grantedTo.users = ['nobody@contoso.example'];
    const res = await admin('POST', '/directory/import', seed);
    assertGraphError(
      res,
      400,
      'BadRequest',
      /^Invalid directory seed at \/tenants\/0\/applicationAccessPolicies\/0: .*nobody/,
    );
  });

  test('when a seed secret is too short, then 400 before anything is stored', async () => {
    const seed = seedFor(randomUUID(), randomUUID(), randomUUID());
    seed.tenants[0]!.applications[0]!.clientSecret = 'short';
    assertGraphError(await admin('POST', '/directory/import', seed), 400, 'BadRequest', /clientSecret/);
  });
});
