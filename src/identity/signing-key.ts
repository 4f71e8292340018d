import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { type Clock, isoNow, systemClock } from '../common/clock.js';
import type { KeyStore, SigningKeyRecord } from '../storage/store.js';
import { readIfPresent } from './data-dir.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
  createdDateTime: string;
}

/** Where graphmeet kept its one signing key before keys moved into the database; imported once if present. */
export const signingKeyFileName = 'signing-key.pem';

/** How stale a node's view of the keys may get: a key rotated in on another node signs here within this time. */
const refreshMs = 10_000;
/** Least time between two reloads asked for by tokens that name a key this node does not know. */
const unknownKidCooldownMs = 1_000;

/**
 * The RSA keys graphmeet signs its tokens with, kept in the database so that every node (and the CLI) signs and
 * verifies with the same keys. The newest key signs; every key verifies, so tokens signed before a rotation stay
 * valid until they expire. The JWKS lists them all.
 */
export class SigningKeyRing {
  private keys: SigningKey[] = [];
  private loadedAt = 0;
  private missedAt = 0;
  private loading: Promise<void> | undefined;
  private readonly parsed = new Map<string, SigningKey>();

  private constructor(
    private readonly store: KeyStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Opens the ring on the store's keys. A database without keys gets one: the key file an older graphmeet kept in
   * `dataDir` if there is one (its tokens stay valid; SQLite only: with a `databaseUrl`, a node's own file must not
   * become the key of a shared database), else a new key. Several nodes starting at once may each add one; all are valid.
   * With `create: false` (the CLI's token command) the ring opens as it is, possibly empty.
   */
  static async open(
    store: KeyStore,
    {
      dataDir,
      databaseUrl,
      clock = systemClock,
      create = true,
    }: { dataDir?: string | undefined; databaseUrl?: string | undefined; clock?: Clock; create?: boolean } = {},
  ) {
    const ring = new SigningKeyRing(store, clock);
    await ring.reload();
    if (ring.keys.length === 0 && create) {
      const legacy = dataDir && !databaseUrl && readIfPresent(path.join(dataDir, signingKeyFileName));
      const pem = legacy || (await newPrivateKeyPem());
      await store.insertSigningKey(await ring.record(pem));
      await ring.reload();
    }
    return ring;
  }

  /** The key new tokens are signed with: the newest, as of at most `refreshMs` ago. */
  async signingKey(): Promise<SigningKey> {
    if (this.clock.now() - this.loadedAt > refreshMs) await this.reload();
    return this.keys[this.keys.length - 1] as SigningKey;
  }

  /** The key a token names; a kid this node does not know makes it look again (another node may have rotated). */
  async verificationKey(kid: string | undefined): Promise<SigningKey | undefined> {
    if (kid === undefined) return this.signingKey();
    const found = this.keys.find((k) => k.kid === kid);
    if (found) return found;
    const now = this.clock.now();
    if (now - this.missedAt < unknownKidCooldownMs) return undefined;
    this.missedAt = now;
    await this.reload();
    return this.keys.find((k) => k.kid === kid);
  }

  /** The public keys, for the JWKS document. */
  async publicJwks(): Promise<JWK[]> {
    if (this.clock.now() - this.loadedAt > refreshMs) await this.reload();
    return this.keys.map((k) => k.publicJwk);
  }

  /** Adds a new key, which signs from now on. */
  async rotate(): Promise<SigningKey> {
    await this.reload();
    const record = await this.record(await newPrivateKeyPem());
    // Keys sign in the order they were made: the new one must sort after the newest, even within a millisecond.
    const newest = this.keys[this.keys.length - 1]?.createdDateTime;
    if (newest !== undefined && record.createdDateTime <= newest) {
      record.createdDateTime = new Date(Date.parse(newest) + 1).toISOString();
    }
    await this.store.insertSigningKey(record);
    await this.reload();
    return this.parse(record);
  }

  /** Removes a key that no longer signs; its tokens stop verifying. The signing key cannot be retired. */
  async retire(kid: string): Promise<'retired' | 'unknown' | 'signing'> {
    await this.reload();
    if (!this.keys.some((k) => k.kid === kid)) return 'unknown';
    if (this.keys[this.keys.length - 1]?.kid === kid) return 'signing';
    await this.store.deleteSigningKey(kid);
    await this.reload();
    return 'retired';
  }

  list(): readonly SigningKey[] {
    return this.keys;
  }

  private reload(): Promise<void> {
    this.loading ??= (async () => {
      try {
        const records = await this.store.listSigningKeys();
        this.keys = records.map((r) => this.parse(r));
        this.loadedAt = this.clock.now();
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  private async record(pem: string): Promise<SigningKeyRecord> {
    const jwk = await exportJWK(createPublicKey(createPrivateKey(pem)));
    return { kid: await calculateJwkThumbprint(jwk), privateKeyPem: pem, createdDateTime: isoNow(this.clock) };
  }

  private parse(r: SigningKeyRecord): SigningKey {
    let key = this.parsed.get(r.kid);
    if (!key) {
      const privateKey = createPrivateKey(r.privateKeyPem);
      const publicKey = createPublicKey(privateKey);
      const jwk = publicKey.export({ format: 'jwk' }) as JWK;
      key = {
        kid: r.kid,
        privateKey,
        publicKey,
        publicJwk: { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: r.kid, use: 'sig', alg: 'RS256' },
        createdDateTime: r.createdDateTime,
      };
      this.parsed.set(r.kid, key);
    }
    return key;
  }
}

async function newPrivateKeyPem(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}
