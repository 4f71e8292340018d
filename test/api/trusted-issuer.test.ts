import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { assertGraphError } from '../helpers/graph-assert.js';
import { type IdentityProvider, startIdentityProvider } from '../helpers/identity-provider.js';
import { postJson } from '../helpers/requests.js';
import { startServerProcess } from '../helpers/server-process.js';
import { newUser, startTestApp, type TestApp, type TestUser } from '../helpers/test-app.js';

const audience = 'api://graphmeet';

let idp: IdentityProvider;
let t: TestApp;
before(async () => {
  idp = await startIdentityProvider();
  // No cooldown between key-set fetches, so that a rotation is seen by the next token (jose's default is 30 s).
  t = await startTestApp({
    trustedIssuers: { issuers: [idp.issuerTemplate], audiences: [audience], jwksCooldownMs: 0 },
  });
});
after(async () => {
  await t.close();
  await idp.close();
});

/** A delegated token as the provider would issue it for the user (Entra v2 claims). */
const userToken = (user: TestUser, claims: Record<string, unknown> = {}, options = {}) =>
  idp.sign(
    {
      iss: `${idp.url}/${user.tenantId}/v2.0`,
      aud: audience,
      tid: user.tenantId,
      oid: user.id,
      sub: randomUUID(),
      scp: 'OnlineMeetings.ReadWrite',
      preferred_username: user.upn,
      name: user.displayName,
      azp: randomUUID(),
      ...claims,
    },
    options,
  );

const create = (token: string) => postJson(t, '/v1.0/me/onlineMeetings', token, { subject: 'trusted' });

describe('tokens of a trusted identity provider', () => {
  test("when a user's token from the trusted provider is sent, then graphmeet accepts it and knows the user", async () => {
    const user = newUser();
    const res = await create(await userToken(user));
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.json().participants.organizer.identity.user.id, user.id);
    assert.equal(res.json().participants.organizer.upn, user.upn);
    assert.equal((await t.admin.getUser(user.tenantId, user.upn)).id, user.id);
  });

  test("when an app token from the provider (azp, roles) is sent, then the tenant's access policy still decides", async () => {
    const user = newUser();
    await t.addUser(user);
    const appId = randomUUID();
    const token = await idp.sign({
      iss: `${idp.url}/${user.tenantId}/v2.0`,
      aud: audience,
      tid: user.tenantId,
      oid: randomUUID(),
      sub: randomUUID(),
      azp: appId,
      roles: ['OnlineMeetings.ReadWrite.All'],
    });
    const send = () => postJson(t, `/v1.0/users/${user.id}/onlineMeetings`, token, {});
    assertGraphError(await send(), 403, 'General', /No application access policy/);
    await t.allowApp(user.tenantId, appId, { user: user.id });
    assert.equal((await send()).statusCode, 201);
  });

  test("when graphmeet's own tokens are sent alongside, then they still work", async () => {
    assert.equal((await create(await t.userToken(newUser()))).statusCode, 201);
  });

  const refused: [string, (u: TestUser) => Promise<string>, RegExp][] = [
    [
      "Graph's audience instead of the configured one",
      (u) => userToken(u, { aud: 'https://graph.microsoft.com' }),
      /Invalid audience/,
    ],
    [
      'an issuer naming another tenant than tid',
      (u) => userToken(u, { iss: `${idp.url}/${randomUUID()}/v2.0` }),
      /Invalid issuer/,
    ],
    [
      'an issuer that is not trusted',
      (u) => userToken(u, { iss: `http://127.0.0.1:1/${u.tenantId}/v2.0` }),
      /Invalid issuer/,
    ],
    [
      "the provider's kid but another key",
      (u) => userToken(u, {}, { key: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey }),
      /Invalid signature/,
    ],
    ['an expired lifetime', (u) => userToken(u, { exp: Math.floor(Date.now() / 1000) - 600 }), /expired/],
    [
      'HS256 signed with the public key as the secret',
      async (u) =>
        new SignJWT({
          iss: `${idp.url}/${u.tenantId}/v2.0`,
          aud: audience,
          tid: u.tenantId,
          oid: u.id,
          scp: 'x',
          exp: 9e9,
        })
          .setProtectedHeader({ alg: 'HS256' })
          .sign(new TextEncoder().encode(JSON.stringify(await (await fetch(idp.jwksUri)).json()))),
      /Unsupported signing algorithm/,
    ],
  ];
  for (const [what, token, message] of refused) {
    test(`when a provider token has ${what}, then 401`, async () => {
      const user = newUser();
      assertGraphError(await create(await token(user)), 401, 'InvalidAuthenticationToken', message);
    });
  }

  test('when the provider rotates its keys, then tokens with the new kid are accepted and the retired key is refused', async () => {
    const user = newUser();
    const oldKid = (await import('jose')).decodeProtectedHeader(await userToken(user)).kid as string;
    const withOldKey = await userToken(user);
    assert.equal((await create(withOldKey)).statusCode, 201);
    const fetchesBefore = idp.keyFetches();

    await idp.rotate(); // the old key is no longer published
    const withNewKey = await userToken(user);
    assert.equal((await create(withNewKey)).statusCode, 201, 'an unknown kid makes graphmeet fetch the keys again');
    assert.equal(idp.keyFetches(), fetchesBefore + 1);
    assert.equal((await create(await userToken(user))).statusCode, 201);
    assert.equal(idp.keyFetches(), fetchesBefore + 1, 'known keys are not fetched again');

    const again = await userToken(user, { uti: randomUUID() }, { kid: oldKid });
    assertGraphError(await create(again), 401, 'InvalidAuthenticationToken', /not among the issuer's signing keys/);
  });

  test('when the provider cannot be reached, then 401 saying the keys could not be retrieved, never 500', async () => {
    const down = await startIdentityProvider();
    const app = await startTestApp({ trustedIssuers: { issuers: [down.issuerTemplate], audiences: [audience] } });
    try {
      const user = newUser();
      const token = await down.sign({
        iss: `${down.url}/${user.tenantId}/v2.0`,
        aud: audience,
        tid: user.tenantId,
        oid: user.id,
        scp: 'x',
      });
      await down.close();
      const res = await postJson(app, '/v1.0/me/onlineMeetings', token, {});
      assertGraphError(res, 401, 'InvalidAuthenticationToken', /signing keys could not be retrieved/);
    } finally {
      await app.close();
    }
  });

  test('when the JWKS is configured directly, then no OpenID configuration is needed', async () => {
    const app = await startTestApp({
      trustedIssuers: { issuers: ['https://idp.example/tenant-less'], jwksUri: idp.jwksUri, audiences: [audience] },
    });
    try {
      const user = newUser();
      const token = await idp.sign({
        iss: 'https://idp.example/tenant-less',
        aud: audience,
        tid: user.tenantId,
        oid: user.id,
        scp: 'OnlineMeetings.ReadWrite',
      });
      assert.equal((await postJson(app, '/v1.0/me/onlineMeetings', token, {})).statusCode, 201);
    } finally {
      await app.close();
    }
  });
});

test("when graphmeet serve is started with --trust-issuer and --trust-audience, then it accepts that provider's tokens", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-trust-'));
  const server = await startServerProcess([
    '--data-dir',
    dataDir,
    '--trust-issuer',
    idp.issuerTemplate,
    '--trust-audience',
    audience,
    '--log-level',
    'warn',
  ]);
  try {
    const user = newUser();
    const res = await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await userToken(user)}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 201, await res.text());
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
