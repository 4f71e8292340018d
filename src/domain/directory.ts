import type { DirectoryUser, Store } from '../storage/store.js';
import type { DelegatedPrincipal } from './principal.js';

/**
 * Records each delegated caller in the tenant's directory on first use, as Entra would already know them.
 * A small cache keeps this off the hot path; the upsert is idempotent, so several processes may race.
 */
export class Directory {
  private readonly seen = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly cacheSize = 10_000,
  ) {}

  async recordCaller(p: DelegatedPrincipal): Promise<DirectoryUser> {
    const user: DirectoryUser = {
      tenantId: p.tenantId,
      id: p.userId,
      userPrincipalName: p.userPrincipalName,
      displayName: p.displayName,
    };
    const key = `${p.tenantId}/${p.userId}`;
    const fingerprint = `${user.userPrincipalName ?? ''}\n${user.displayName ?? ''}`;
    if (this.seen.get(key) === fingerprint) return user;
    await this.store.upsertUser(user);
    if (this.seen.size >= this.cacheSize) this.seen.clear();
    this.seen.set(key, fingerprint);
    return user;
  }

  findUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined> {
    return this.store.getUser(tenantId, userId.toLowerCase());
  }
}
