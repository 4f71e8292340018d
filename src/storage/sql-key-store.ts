import type { Kysely } from 'kysely';
import { type Clock, isoNow } from '../common/clock.js';
import { retryWhileBusy } from './retry-busy.js';
import type { Database } from './schema.js';
import type { KeyStore, SigningKeyRecord } from './store.js';

/** Signing keys and server secrets, in the same database as everything else (so every node sees the same). */
export class SqlKeyStore implements KeyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async listSigningKeys(): Promise<SigningKeyRecord[]> {
    const rows = await retryWhileBusy(() =>
      this.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute(),
    );
    return rows.map((r) => ({ kid: r.kid, privateKeyPem: r.private_key_pem, createdDateTime: r.created_at }));
  }

  async insertSigningKey(key: SigningKeyRecord): Promise<void> {
    await retryWhileBusy(() =>
      this.db
        .insertInto('signing_keys')
        .values({ kid: key.kid, private_key_pem: key.privateKeyPem, created_at: key.createdDateTime })
        .onConflict((oc) => oc.column('kid').doNothing())
        .execute(),
    );
  }

  async deleteSigningKey(kid: string): Promise<boolean> {
    const result = await this.db.deleteFrom('signing_keys').where('kid', '=', kid).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getSecret(name: string): Promise<string | undefined> {
    const row = await retryWhileBusy(() =>
      this.db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirst(),
    );
    return row?.value;
  }

  async putSecret(name: string, value: string, mode: 'replace' | 'onlyIfUnset'): Promise<string> {
    const updatedAt = isoNow(this.clock);
    await retryWhileBusy(() =>
      this.db
        .insertInto('server_secrets')
        .values({ name, value, updated_at: updatedAt })
        .onConflict((oc) =>
          mode === 'replace'
            ? oc.column('name').doUpdateSet({ value, updated_at: updatedAt })
            : oc.column('name').doNothing(),
        )
        .execute(),
    );
    return mode === 'replace' ? value : ((await this.getSecret(name)) ?? value);
  }
}
