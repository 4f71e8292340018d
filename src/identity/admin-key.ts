import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { ConfigError } from '../config/config.js';
import { readOrCreateFile } from './data-dir.js';

export const adminKeyFileName = 'admin-key';

/** Shorter keys are refused: the admin key guards every tenant on the server. */
const minimumLength = 32;

/**
 * The key that unlocks the admin API. It is generated into the data dir on first start (owner-only file),
 * or read from a file the operator provides, so that several nodes can share one.
 */
export async function loadAdminKey(dataDir: string, file?: string): Promise<AdminKey> {
  const where = file ?? path.join(dataDir, adminKeyFileName);
  const key = (await readOrCreateFile(where, async () => `${randomBytes(32).toString('base64url')}\n`)).trim();
  if (key.length < minimumLength) {
    throw new ConfigError(`the admin key in ${where} is too short: it must have at least ${minimumLength} characters.`);
  }
  return new AdminKey(key, where);
}

/** Holds only a digest of the key, and compares in constant time. */
export class AdminKey {
  private readonly digest: Buffer;

  constructor(
    key: string,
    readonly file: string,
  ) {
    this.digest = sha256(key);
  }

  matches(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.digest);
  }
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();
