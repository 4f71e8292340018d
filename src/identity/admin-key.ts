import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { type Clock, systemClock } from '../common/clock.js';
import { ConfigError } from '../config/config.js';
import type { KeyStore } from '../storage/store.js';
import { readIfPresent, readOrCreateFile } from './data-dir.js';

export const adminKeyFileName = 'admin-key';
/** The server secret that holds the SHA-256 of the admin key (hex); the key itself is never stored. */
const digestSecret = 'admin-key-sha256';

/** Shorter keys are refused: the admin key guards every tenant on the server. */
const minimumLength = 32;
/** Least time between two reloads of the digest asked for by keys that do not match (another node changed it). */
const reloadCooldownMs = 1_000;

/**
 * The key that unlocks the admin API. Every node checks against the digest in the database, so they all accept
 * the same key:
 * - `--admin-key-file` names the key: its digest replaces the stored one (give every node the same file);
 * - else the stored digest holds, when there is one;
 * - else the key in `<data-dir>/admin-key` (generated, owner-only, on first start) is stored.
 */
export async function loadAdminKey(
  keys: KeyStore,
  dataDir: string,
  { file, clock = systemClock }: { file?: string | undefined; clock?: Clock } = {},
): Promise<AdminKey> {
  const own = path.join(dataDir, adminKeyFileName);
  if (file) {
    const digest = sha256(readKey(file, await readOrCreateFile(file, newKey)));
    await keys.putSecret(digestSecret, digest.toString('hex'), 'replace');
    return new AdminKey(keys, digest, file, clock);
  }
  const stored = await keys.getSecret(digestSecret);
  if (stored) {
    const local = readIfPresent(own);
    const matchesLocal = local !== undefined && sha256(local.trim()).toString('hex') === stored;
    return new AdminKey(keys, Buffer.from(stored, 'hex'), matchesLocal ? own : undefined, clock);
  }
  const digest = sha256(readKey(own, await readOrCreateFile(own, newKey))).toString('hex');
  const kept = await keys.putSecret(digestSecret, digest, 'onlyIfUnset');
  return new AdminKey(keys, Buffer.from(kept, 'hex'), kept === digest ? own : undefined, clock);
}

/** Holds only a digest of the key, and compares in constant time. */
export class AdminKey {
  private reloadedAt = 0;

  constructor(
    private readonly keys: KeyStore,
    private digest: Buffer,
    /** The file this node read the key from, when it has the key itself (for the start-up log). */
    readonly file: string | undefined,
    private readonly clock: Clock,
  ) {}

  /** Names the key in force without revealing it: console sessions are bound to it, so a new key ends them. */
  get fingerprint(): string {
    return createHash('sha256').update(this.digest).digest('hex').slice(0, 32);
  }

  async matches(candidate: string): Promise<boolean> {
    if (timingSafeEqual(sha256(candidate), this.digest)) return true;
    const now = this.clock.now();
    if (now - this.reloadedAt < reloadCooldownMs) return false;
    this.reloadedAt = now;
    const stored = await this.keys.getSecret(digestSecret);
    if (stored) this.digest = Buffer.from(stored, 'hex');
    return timingSafeEqual(sha256(candidate), this.digest);
  }
}

const newKey = async () => `${randomBytes(32).toString('base64url')}\n`;

function readKey(file: string, content: string): string {
  const key = content.trim();
  if (key.length < minimumLength) {
    throw new ConfigError(`the admin key in ${file} is too short: it must have at least ${minimumLength} characters.`);
  }
  return key;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();
