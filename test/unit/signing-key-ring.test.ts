import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { SigningKeyRing, signingKeyFileName } from '../../src/identity/signing-key.js';
import { openTestDatabase, type TestDatabase } from '../helpers/database.js';

const open: { dir: string; db: TestDatabase }[] = [];
after(async () => {
  for (const { dir, db } of open) {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
async function database() {
  const dir = mkdtempSync(path.join(tmpdir(), 'graphmeet-ring-'));
  const db = await openTestDatabase(dir);
  open.push({ dir, db });
  return { dir, db };
}

test('when another node rotates, then this node signs with the new key once its view is 10 s old, not before', async () => {
  const { db } = await database();
  let now = Date.parse('2026-03-01T10:00:00Z');
  const clock = { now: () => now };
  const ring = await SigningKeyRing.open(db.store.keys, { clock });
  const first = await ring.signingKey();
  const rotated = await (await SigningKeyRing.open(db.store.keys, { clock })).rotate();
  now += 5_000;
  assert.equal((await ring.signingKey()).kid, first.kid);
  now += 5_001;
  assert.equal((await ring.signingKey()).kid, rotated.kid);
  assert.deepEqual(
    (await ring.publicJwks()).map((k) => k.kid),
    [first.kid, rotated.kid],
  );
});

test('when a database without keys is opened on a data dir with the key file of an older graphmeet, then that key is kept', async () => {
  const { dir, db } = await database();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(path.join(dir, signingKeyFileName), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const ring = await SigningKeyRing.open(db.store.keys, { dataDir: dir });
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  assert.equal((await ring.signingKey()).kid, kid, 'tokens the old key signed stay valid');
  assert.equal(Number((await db.rows('select count(*) as n from signing_keys'))[0]?.n), 1);
});

test('when a node on a shared database has an old key file in its data dir, then that file does not become the shared key', async () => {
  const { dir, db } = await database();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(path.join(dir, signingKeyFileName), privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const ring = await SigningKeyRing.open(db.store.keys, { dataDir: dir, databaseUrl: 'postgres://db.example/shared' });
  const fileKid = await calculateJwkThumbprint(await exportJWK(publicKey));
  assert.notEqual((await ring.signingKey()).kid, fileKid);
});

test('when several nodes open an empty database at once, then every key any of them made verifies on all', async () => {
  const { db } = await database();
  const rings = await Promise.all([1, 2, 3].map(() => SigningKeyRing.open(db.store.keys)));
  const signing = await Promise.all(rings.map((r) => r.signingKey()));
  for (const ring of rings) {
    for (const key of signing) assert.equal((await ring.verificationKey(key.kid))?.kid, key.kid);
  }
});

test('when the signing key is asked to be retired, then it is refused; an older key is removed', async () => {
  const { db } = await database();
  const ring = await SigningKeyRing.open(db.store.keys);
  const old = await ring.signingKey();
  const current = await ring.rotate();
  assert.equal(await ring.retire(current.kid), 'signing');
  assert.equal(await ring.retire(old.kid), 'retired');
  assert.equal(await ring.retire(old.kid), 'unknown');
  assert.deepEqual(
    ring.list().map((k) => k.kid),
    [current.kid],
  );
});
