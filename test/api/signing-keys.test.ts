import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { SigningKeyRing } from '../../src/identity/signing-key.js';
import { mintDelegatedToken } from '../../src/identity/tokens.js';
import type { SigningKeyRecord } from '../../src/storage/store.js';
import { runCliToEnd, startServerProcess } from '../helpers/server-process.js';
import { issuer, newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const createWith = (token: string) =>
  t.app.inject({
    method: 'POST',
    url: '/v1.0/me/onlineMeetings',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: { subject: 'signed' },
  });

describe('signing keys shared through the database', () => {
  test('when another node rotates the key, then tokens signed with the new key and with the old one are both accepted, and the JWKS lists both', async () => {
    const user = newUser();
    await t.addUser(user);
    const oldToken = await t.userToken(user);
    // What `graphmeet keys rotate` or another node does: a second ring on the same database.
    const other = await SigningKeyRing.open(t.store.keys);
    const rotated = await other.rotate();
    assert.notEqual(rotated.kid, t.key.kid);
    const newToken = await mintDelegatedToken(
      { tenantId: user.tenantId, userId: user.id, scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: 600 },
      rotated,
      issuer,
    );
    assert.equal(decodeProtectedHeader(newToken).kid, rotated.kid);
    assert.equal(
      (await createWith(newToken)).statusCode,
      201,
      'the new key verifies at once on a node that had not seen it',
    );
    assert.equal((await createWith(oldToken)).statusCode, 201, 'tokens signed before the rotation stay valid');

    const jwks = (await t.app.inject({ method: 'GET', url: `/${user.tenantId}/discovery/v2.0/keys` })).json() as {
      keys: { kid: string }[];
    };
    const kids = jwks.keys.map((k) => k.kid);
    assert.ok(kids.includes(t.key.kid) && kids.includes(rotated.kid), `JWKS lists both keys: ${kids.join(', ')}`);
  });

  test('when a token names a key the server does not have, then it is refused with 401 and Graph’s message', async () => {
    const user = newUser();
    const stranger = await SigningKeyRing.open({
      // A ring on a store of its own: its key was never in this server's database.
      listSigningKeys: async () => strangerKeys,
      insertSigningKey: async (k) => {
        strangerKeys.push(k);
      },
      deleteSigningKey: async () => false,
      getSecret: async () => undefined,
      putSecret: async (_n, v) => v,
    });
    const token = await mintDelegatedToken(
      { tenantId: user.tenantId, userId: user.id, scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: 600 },
      await stranger.signingKey(),
      issuer,
    );
    const res = await createWith(token);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'InvalidAuthenticationToken');
    assert.match(res.json().error.message, /signed with a key the server does not know/);
  });
});
const strangerKeys: SigningKeyRecord[] = [];

describe('graphmeet keys', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-keys-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const cli = (...args: string[]) => runCliToEnd([...args, '--data-dir', dataDir]);

  test('when an operator rotates and retires keys while a server runs, then new tokens use the new key, old ones verify until their key is retired', async () => {
    const server = await startServerProcess(['--data-dir', dataDir]);
    try {
      const tenant = randomUUID();
      const token = async () => {
        const res = await cli('token', '--tenant', tenant, '--user', randomUUID());
        assert.equal(res.code, 0, res.stderr);
        return res.stdout.trim();
      };
      const create = async (jwt: string) =>
        (
          await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
            method: 'POST',
            headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
            body: '{}',
          })
        ).status;
      const before = await token();
      const firstKid = decodeProtectedHeader(before).kid;

      const rotate = await cli('keys', 'rotate');
      assert.equal(rotate.code, 0, rotate.stderr);
      const newKid = JSON.parse(rotate.stdout).kid as string;
      assert.notEqual(newKid, firstKid);
      const list = JSON.parse((await cli('keys', 'list', '--json')).stdout) as { kid: string; use: string }[];
      assert.deepEqual(
        list.map((k) => [k.kid, k.use]),
        [
          [firstKid, 'verifies'],
          [newKid, 'signs and verifies'],
        ],
      );

      const after = await token();
      assert.equal(decodeProtectedHeader(after).kid, newKid, 'new tokens are signed with the new key');
      assert.equal(await create(after), 201);
      assert.equal(await create(before), 201);

      const refused = await cli('keys', 'retire', newKid);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /signs new tokens; rotate first/);
      const retired = await cli('keys', 'retire', firstKid as string);
      assert.equal(retired.code, 0, retired.stderr);
      // Kids are base64url, so some start with '-': such a kid is taken as the kid, not as an unknown option.
      const unknown = await cli('keys', 'retire', '-no-such-kid');
      assert.equal(unknown.code, 1, unknown.stderr);
      assert.match(unknown.stderr, /there is no signing key -no-such-kid/);
      // The running server stops accepting the retired key when it next reloads its keys (within 10 s).
      const restarted = await server.stop().then(() => startServerProcess(['--data-dir', dataDir]));
      try {
        const status = (jwt: string) =>
          fetch(`${restarted.url}/v1.0/me/onlineMeetings`, {
            method: 'POST',
            headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
            body: '{}',
          }).then((r) => r.status);
        assert.equal(await status(before), 401, 'a token of a retired key is refused');
        assert.equal(await status(after), 201);
      } finally {
        await restarted.stop();
      }
    } finally {
      await server.stop();
    }
  });
});
