import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { assertGraphError } from './graph-assert.js';
import type { TestApp, TestUser } from './test-app.js';
import { issuer, newUser } from './test-app.js';

export interface SecurityTarget {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path for the given organizer, `me` or a user id. */
  path: (who: 'me' | string) => string;
  body?: () => unknown;
  /** The least scope and role that allow the operation, and ones that do not. */
  scope: string;
  role: string;
  insufficientScopes: string[];
  insufficientRoles: string[];
}

type Claims = Record<string, unknown>;

/** A token of the test app's issuer for `user`, changed as asked (claims, key, kid, algorithm, times). */
export async function forgedToken(
  t: TestApp,
  user: TestUser,
  change: {
    claims?: Claims;
    signWith?: 'other-key';
    kid?: string;
    alg?: 'HS256';
    times?: { iat: number; nbf: number; exp: number };
  },
) {
  const now = Math.floor(Date.now() / 1000);
  const times = change.times ?? { iat: now, nbf: now, exp: now + 3600 };
  const claims = {
    iss: `${issuer}/${user.tenantId}/v2.0`,
    aud: 'https://graph.microsoft.com',
    tid: user.tenantId,
    oid: user.id,
    scp: 'OnlineMeetings.ReadWrite',
    ...times,
    ...change.claims,
  };
  if (change.alg === 'HS256') {
    return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('a'.repeat(32)));
  }
  const key =
    change.signWith === 'other-key' ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : t.key.privateKey;
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: change.kid ?? t.key.kid }).sign(key);
}

/**
 * The 401/403 matrix every Graph operation shares: each bad token gets 401 InvalidAuthenticationToken, each
 * missing scope or role 403, and the identity rules of /me and /users/{id} hold.
 */
export function securityMatrix(name: string, getApp: () => TestApp, target: SecurityTarget): void {
  const send = (headers: Record<string, string>, who: 'me' | string = 'me') => {
    const body = target.body?.();
    return getApp().app.inject({
      method: target.method,
      url: target.path(who),
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  };
  const now = Math.floor(Date.now() / 1000);
  const invalid: [string, (t: TestApp, u: TestUser) => Promise<Record<string, string>>, RegExp][] = [
    ['no Authorization header', async () => ({}), /Access token is empty/],
    ['a Basic scheme', async () => ({ authorization: 'Basic dXNlcjpwYXNz' }), /Bearer scheme/],
    ['a token that is not a JWT', async () => ({ authorization: 'Bearer not-a-jwt' }), /well-formed/],
    [
      'a token signed by another key',
      async (t, u) => ({ authorization: `Bearer ${await forgedToken(t, u, { signWith: 'other-key' })}` }),
      /Invalid signature/,
    ],
    [
      'an HS256 token',
      async (t, u) => ({ authorization: `Bearer ${await forgedToken(t, u, { alg: 'HS256' })}` }),
      /Unsupported signing algorithm/,
    ],
    [
      'an expired token',
      async (t, u) => ({
        authorization: `Bearer ${await forgedToken(t, u, { times: { iat: now - 7200, nbf: now - 7200, exp: now - 3600 } })}`,
      }),
      /expired/,
    ],
    [
      'a token not valid yet',
      async (t, u) => ({
        authorization: `Bearer ${await forgedToken(t, u, { times: { iat: now, nbf: now + 3600, exp: now + 7200 } })}`,
      }),
      /not yet valid/,
    ],
    [
      'a token for another audience',
      async (t, u) => ({ authorization: `Bearer ${await forgedToken(t, u, { claims: { aud: 'api://other' } })}` }),
      /Invalid audience/,
    ],
    [
      'a token from another issuer',
      async (t, u) => ({
        authorization: `Bearer ${await forgedToken(t, u, { claims: { iss: 'https://evil.example/v2.0' } })}`,
      }),
      /Invalid issuer/,
    ],
    [
      'a token whose tid is not a GUID',
      async (t, u) => ({ authorization: `Bearer ${await forgedToken(t, u, { claims: { tid: 'contoso' } })}` }),
      /tid claim/,
    ],
  ];
  for (const [what, headers, message] of invalid) {
    test(`${name}: when the request has ${what}, then 401 InvalidAuthenticationToken`, async () => {
      const res = await send(await headers(getApp(), newUser()));
      const err = assertGraphError(res, 401, 'InvalidAuthenticationToken', message);
      if (!/\S/.test(err.message)) throw new Error('empty message');
      if (!String(res.headers['www-authenticate']).startsWith('Bearer')) throw new Error('no Bearer challenge');
    });
  }

  for (const scope of target.insufficientScopes) {
    test(`${name}: when a delegated token has only '${scope || '(no scope)'}', then 403 naming ${target.scope}`, async () => {
      const t = getApp();
      const res = await send({ authorization: `Bearer ${await t.userToken(newUser(), scope ? [scope] : [])}` });
      assertGraphError(
        res,
        403,
        'Forbidden',
        new RegExp(`Missing scope permissions.*${target.scope.replace('.', '\\.')}`),
      );
    });
  }

  for (const role of target.insufficientRoles) {
    test(`${name}: when an application token has only '${role || '(no role)'}', then 403 naming ${target.role}`, async () => {
      const t = getApp();
      const user = newUser();
      await t.addUser(user);
      const res = await send(
        { authorization: `Bearer ${await t.appToken(user.tenantId, randomUUID(), role ? [role] : [])}` },
        user.id,
      );
      assertGraphError(
        res,
        403,
        'Forbidden',
        new RegExp(`Missing role permissions.*${target.role.replace('.', '\\.')}`),
      );
    });
  }

  test(`${name}: when an application token calls /me, then 400 because /me needs a signed-in user`, async () => {
    const t = getApp();
    const res = await send({ authorization: `Bearer ${await t.appToken(randomUUID(), randomUUID(), [target.role])}` });
    assertGraphError(res, 400, 'BadRequest', /\/me request is only valid with delegated authentication flow/);
  });

  test(`${name}: when a delegated token names another user in the path, then 403`, async () => {
    const t = getApp();
    const caller = newUser();
    const other = newUser(caller.tenantId);
    await t.addUser(other);
    const res = await send({ authorization: `Bearer ${await t.userToken(caller, [target.scope])}` }, other.id);
    assertGraphError(res, 403, 'Forbidden', /own user/);
  });

  test(`${name}: when an application token names a user the tenant does not have, then 404`, async () => {
    const t = getApp();
    const res = await send(
      { authorization: `Bearer ${await t.appToken(randomUUID(), randomUUID(), [target.role])}` },
      randomUUID(),
    );
    assertGraphError(res, 404, 'NotFound', /was not found in the tenant/);
  });

  test(`${name}: when an application token names a user by UPN instead of object id, then 404`, async () => {
    const t = getApp();
    const user = newUser();
    await t.addUser(user);
    const res = await send(
      { authorization: `Bearer ${await t.appToken(user.tenantId, randomUUID(), [target.role])}` },
      encodeURIComponent(user.upn),
    );
    assertGraphError(res, 404, 'NotFound', /object id/);
  });

  test(`${name}: when an application token of another tenant names a user, then 404`, async () => {
    const t = getApp();
    const user = newUser();
    await t.addUser(user);
    const res = await send(
      { authorization: `Bearer ${await t.appToken(randomUUID(), randomUUID(), [target.role])}` },
      user.id,
    );
    assertGraphError(res, 404, 'NotFound', /was not found/);
  });
}
