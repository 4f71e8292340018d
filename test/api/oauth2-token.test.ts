import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { assertGraphError } from '../helpers/graph-assert.js';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

let t: TestApp;
let dev: TestApp;
before(async () => {
  t = await startTestApp();
  dev = await startTestApp({ devTokens: true });
});
after(async () => {
  await t.close();
  await dev.close();
});

const graphDefault = 'https://graph.microsoft.com/.default';

function tokenRequest(
  app: TestApp,
  tenant: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return app.app.inject({
    method: 'POST',
    url: `/${tenant}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(form).toString(),
  });
}

/** Entra's OAuth error body: the error, an AADSTS code in the description and in error_codes, and trace fields. */
function assertOAuthError(
  res: Awaited<ReturnType<typeof tokenRequest>>,
  status: number,
  error: string,
  code: number,
  description: RegExp,
) {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), [
    'correlation_id',
    'error',
    'error_codes',
    'error_description',
    'error_uri',
    'timestamp',
    'trace_id',
  ]);
  assert.equal(body.error, error);
  assert.deepEqual(body.error_codes, [code]);
  assert.ok(body.error_description.startsWith(`AADSTS${code}: `), body.error_description);
  assert.match(body.error_description, description);
  assert.match(
    body.error_description,
    /\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: .+\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
  );
  assert.match(body.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  return body;
}

/** A tenant with one user and one app registered by an administrator. */
async function registered(app: TestApp, input: { roles?: string[]; scopes?: string[] } = {}) {
  const user = newUser();
  await app.addUser(user);
  const { application, clientSecret } = await app.admin.addApplication(user.tenantId, {
    displayName: 'Tool',
    ...input,
  });
  return { user, appId: application.appId, clientSecret };
}

describe('OpenID configuration and keys', () => {
  test('when a known tenant asks for its OpenID configuration, then it names issuer, token endpoint and keys on this server', async () => {
    const { user } = await registered(t);
    const res = await t.app.inject({ method: 'GET', url: `/${user.tenantId}/v2.0/.well-known/openid-configuration` });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    const base = `${t.publicUrl()}/${user.tenantId}`;
    assert.equal(doc.issuer, `${base}/v2.0`);
    assert.equal(doc.token_endpoint, `${base}/oauth2/v2.0/token`);
    assert.equal(doc.jwks_uri, `${base}/discovery/v2.0/keys`);
    assert.ok(doc.authorization_endpoint, 'MSAL requires the field');
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
    assert.deepEqual(doc.grant_types_supported, ['client_credentials']);
  });

  test('when the tenant is unknown or not a GUID, then 400 invalid_tenant (AADSTS90002)', async () => {
    for (const tenant of [randomUUID(), 'contoso.onmicrosoft.com']) {
      const res = await t.app.inject({ method: 'GET', url: `/${tenant}/v2.0/.well-known/openid-configuration` });
      assertOAuthError(res, 400, 'invalid_tenant', 90002, new RegExp(`Tenant '${tenant}' not found`));
      assertOAuthError(
        await tokenRequest(t, tenant, { grant_type: 'client_credentials' }),
        400,
        'invalid_tenant',
        90002,
        /not found/,
      );
    }
  });

  test('when a token from the endpoint is checked against the published keys, then it verifies', async () => {
    const { user, appId, clientSecret } = await registered(t);
    const keys = (await t.app.inject({ method: 'GET', url: `/${user.tenantId}/discovery/v2.0/keys` })).json();
    assert.deepEqual(Object.keys(keys.keys[0]).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    const res = await tokenRequest(t, user.tenantId, {
      grant_type: 'client_credentials',
      client_id: appId,
      client_secret: clientSecret,
      scope: graphDefault,
    });
    const { payload, protectedHeader } = await jwtVerify(res.json().access_token, createLocalJWKSet(keys), {
      issuer: `${t.publicUrl()}/${user.tenantId}/v2.0`,
      audience: 'https://graph.microsoft.com',
    });
    assert.equal(protectedHeader.kid, keys.keys[0].kid);
    assert.equal(payload.tid, user.tenantId);
  });
});

describe('client credentials', () => {
  test('when an app sends its id and secret in the form, then it gets a one-hour app token that Graph accepts', async () => {
    const { user, appId, clientSecret } = await registered(t);
    const res = await tokenRequest(t, user.tenantId, {
      grant_type: 'client_credentials',
      client_id: appId,
      client_secret: clientSecret,
      scope: graphDefault,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
    assert.deepEqual([body.token_type, body.expires_in, body.ext_expires_in], ['Bearer', 3599, 3599]);
    const claims = decodeJwt(body.access_token);
    assert.deepEqual(
      [claims.tid, claims.appid, claims.azp, claims.idtyp, claims.roles, claims.scp],
      [user.tenantId, appId, appId, 'app', ['OnlineMeetings.ReadWrite.All'], undefined],
    );
    assert.equal((claims.exp as number) - (claims.iat as number), 3600);

    await t.allowApp(user.tenantId, appId, { user: user.id });
    const made = await postJson(t, `/v1.0/users/${user.id}/onlineMeetings`, body.access_token, {
      subject: 'via OAuth',
    });
    assert.equal(made.statusCode, 201, made.body);
  });

  test('when the credentials come in a Basic header (client_secret_basic), then they work too', async () => {
    const { user, appId, clientSecret } = await registered(t);
    const basic = Buffer.from(`${encodeURIComponent(appId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
    const res = await tokenRequest(
      t,
      user.tenantId,
      { grant_type: 'client_credentials', scope: graphDefault },
      {
        authorization: `Basic ${basic}`,
      },
    );
    assert.equal(res.statusCode, 200, res.body);
  });

  test("when the scope is Graph's app id with /.default, then it is Graph too", async () => {
    const { user, appId, clientSecret } = await registered(t);
    const res = await tokenRequest(t, user.tenantId, {
      grant_type: 'client_credentials',
      client_id: appId,
      client_secret: clientSecret,
      scope: '00000003-0000-0000-c000-000000000000/.default',
    });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('when the app was granted no application permission, then its token has no roles and Graph answers 401', async () => {
    const { user, appId, clientSecret } = await registered(t, { roles: [] });
    const res = await tokenRequest(t, user.tenantId, {
      grant_type: 'client_credentials',
      client_id: appId,
      client_secret: clientSecret,
      scope: graphDefault,
    });
    const token = res.json().access_token;
    assert.equal(decodeJwt(token).roles, undefined);
    const graph = await postJson(t, `/v1.0/users/${user.id}/onlineMeetings`, token, {});
    assertGraphError(
      graph,
      401,
      'InvalidAuthenticationToken',
      /^Either scp or roles claim need to be present in the token\.$/,
    );
  });

  test('when the secret is wrong or missing, then 401 invalid_client and the secret is not repeated', async () => {
    const { user, appId, clientSecret } = await registered(t);
    const wrong = `${clientSecret.slice(0, -1)}x`;
    const form = { grant_type: 'client_credentials', client_id: appId, scope: graphDefault };
    const res = await tokenRequest(t, user.tenantId, { ...form, client_secret: wrong });
    assertOAuthError(res, 401, 'invalid_client', 7000215, new RegExp(`Invalid client secret provided.*'${appId}'`));
    assert.equal(res.body.includes(wrong), false);
    assertOAuthError(await tokenRequest(t, user.tenantId, form), 401, 'invalid_client', 7000218, /client_secret/);
  });

  test('when the app is not registered in this tenant, then 400 unauthorized_client (AADSTS700016)', async () => {
    const { appId, clientSecret } = await registered(t);
    const { user: elsewhere } = await registered(t);
    const res = await tokenRequest(t, elsewhere.tenantId, {
      grant_type: 'client_credentials',
      client_id: appId,
      client_secret: clientSecret,
      scope: graphDefault,
    });
    assertOAuthError(
      res,
      400,
      'unauthorized_client',
      700016,
      new RegExp(`'${appId}' was not found in the directory '${elsewhere.tenantId}'`),
    );
  });

  const malformed: [string, Record<string, string>, string, number, RegExp][] = [
    ['no grant_type', {}, 'invalid_request', 900144, /'grant_type'/],
    [
      'an unknown grant_type',
      { grant_type: 'authorization_code' },
      'unsupported_grant_type',
      70003,
      /'authorization_code'/,
    ],
    ['no client_id', { grant_type: 'client_credentials' }, 'invalid_request', 900144, /'client_id'/],
    [
      'no scope',
      { grant_type: 'client_credentials', client_id: 'APP', client_secret: 'SECRET' },
      'invalid_request',
      900144,
      /'scope'/,
    ],
    [
      'a scope without /.default',
      {
        grant_type: 'client_credentials',
        client_id: 'APP',
        client_secret: 'SECRET',
        scope: 'https://graph.microsoft.com/OnlineMeetings.ReadWrite',
      },
      'invalid_scope',
      1002012,
      /must have a scope value with \/\.default/,
    ],
    [
      'another resource',
      {
        grant_type: 'client_credentials',
        client_id: 'APP',
        client_secret: 'SECRET',
        scope: 'https://vault.azure.net/.default',
      },
      'invalid_resource',
      500011,
      /https:\/\/vault\.azure\.net was not found/,
    ],
  ];
  for (const [what, form, error, code, description] of malformed) {
    test(`when the request has ${what}, then ${error} (AADSTS${code})`, async () => {
      const { user, appId, clientSecret } = await registered(t);
      const filled = Object.fromEntries(
        Object.entries(form).map(([k, v]) => [k, v === 'APP' ? appId : v === 'SECRET' ? clientSecret : v]),
      );
      assertOAuthError(await tokenRequest(t, user.tenantId, filled), 400, error, code, description);
    });
  }

  test('when the parameters come as JSON instead of a form, then they are not read (AADSTS900144)', async () => {
    const { user, appId, clientSecret } = await registered(t);
    const res = await t.app.inject({
      method: 'POST',
      url: `/${user.tenantId}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ grant_type: 'client_credentials', client_id: appId, client_secret: clientSecret }),
    });
    assertOAuthError(res, 400, 'invalid_request', 900144, /'grant_type'/);
  });

  test('when a parameter is repeated, then 400 and no token', async () => {
    const { user, appId } = await registered(t);
    const res = await t.app.inject({
      method: 'POST',
      url: `/${user.tenantId}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${appId}&client_id=${randomUUID()}`,
    });
    assertOAuthError(res, 400, 'invalid_request', 90014, /'client_id' was sent more than once/);
  });
});

describe('delegated tokens for development (password grant)', () => {
  test('when the server was not started with --dev-tokens, then the password grant is refused', async () => {
    const { user, appId } = await registered(t);
    const res = await tokenRequest(t, user.tenantId, {
      grant_type: 'password',
      client_id: appId,
      username: user.upn,
      password: 'anything',
      scope: 'https://graph.microsoft.com/OnlineMeetings.ReadWrite',
    });
    assertOAuthError(res, 400, 'unsupported_grant_type', 70003, /only when started with --dev-tokens/);
  });

  test('when --dev-tokens is on, then a chosen directory user gets a delegated token that /me accepts', async () => {
    const { user, appId } = await registered(dev, { scopes: ['OnlineMeetings.ReadWrite', 'OnlineMeetings.Read'] });
    const res = await tokenRequest(dev, user.tenantId, {
      grant_type: 'password',
      client_id: appId,
      username: user.upn.toUpperCase(),
      password: 'any',
      scope: 'openid profile offline_access https://graph.microsoft.com/OnlineMeetings.ReadWrite',
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.scope, 'https://graph.microsoft.com/OnlineMeetings.ReadWrite');
    const claims = decodeJwt(body.access_token);
    assert.deepEqual(
      [claims.oid, claims.upn, claims.name, claims.scp],
      [user.id, user.upn, user.displayName, 'OnlineMeetings.ReadWrite'],
    );
    const made = await postJson(dev, '/v1.0/me/onlineMeetings', body.access_token, {});
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().participants.organizer.upn, user.upn);
    const discovery = (
      await dev.app.inject({ method: 'GET', url: `/${user.tenantId}/v2.0/.well-known/openid-configuration` })
    ).json();
    assert.deepEqual(discovery.grant_types_supported, ['client_credentials', 'password']);
  });

  test("when .default is asked for, then the token carries every scope consented for the app, and a Read-only token can't create", async () => {
    const { user, appId } = await registered(dev, { scopes: ['OnlineMeetings.Read'] });
    const res = await tokenRequest(dev, user.tenantId, {
      grant_type: 'password',
      client_id: appId,
      username: user.id,
      password: 'any',
      scope: graphDefault,
    });
    const token = res.json().access_token;
    assert.equal(decodeJwt(token).scp, 'OnlineMeetings.Read');
    assertGraphError(await postJson(dev, '/v1.0/me/onlineMeetings', token, {}), 403, 'Forbidden', /Missing scope/);
  });

  const refused: [
    string,
    (u: TestUser, appId: string, secret: string) => Record<string, string>,
    number,
    string,
    number,
    RegExp,
  ][] = [
    [
      'a scope the app was not consented for',
      (u, appId) => ({
        username: u.upn,
        password: 'x',
        client_id: appId,
        scope: 'OnlineMeetings.ReadWrite Calendars.Read',
      }),
      400,
      'invalid_grant',
      65001,
      /not consented .* Calendars\.Read/,
    ],
    [
      'a user the tenant does not have',
      (_u, appId) => ({ username: 'ghost@contoso.example', password: 'x', client_id: appId, scope: graphDefault }),
      400,
      'invalid_grant',
      50034,
      /ghost@contoso\.example does not exist/,
    ],
    [
      'no password',
      (u, appId) => ({ username: u.upn, client_id: appId, scope: graphDefault }),
      400,
      'invalid_request',
      900144,
      /'password'/,
    ],
    [
      'a wrong client secret',
      (u, appId, s) => ({
        username: u.upn,
        password: 'x',
        client_id: appId,
        client_secret: `${s}x`,
        scope: graphDefault,
      }),
      401,
      'invalid_client',
      7000215,
      /Invalid client secret/,
    ],
  ];
  for (const [what, form, status, error, code, description] of refused) {
    test(`when the password grant names ${what}, then ${error}`, async () => {
      const { user, appId, clientSecret } = await registered(dev);
      const res = await tokenRequest(dev, user.tenantId, {
        grant_type: 'password',
        ...form(user, appId, clientSecret),
      });
      assertOAuthError(res, status, error, code, description);
    });
  }

  test('when a user is removed from the directory, then they get no more dev tokens', async () => {
    const { user, appId } = await registered(dev);
    await dev.admin.removeUser(user.tenantId, user.upn);
    const res = await tokenRequest(dev, user.tenantId, {
      grant_type: 'password',
      client_id: appId,
      username: user.upn,
      password: 'x',
      scope: graphDefault,
    });
    assertOAuthError(res, 400, 'invalid_grant', 50034, /does not exist/);
  });
});
