import type { Kysely } from 'kysely';
import { type Clock, isoNow } from '../common/clock.js';
import type { Database } from './schema.js';
import type { ControlStore, FaultRuleRecord } from './store.js';
import { TransactionBatcher } from './transaction-batcher.js';

/**
 * Fault rules, throttling settings and counters in SQL, for SQLite and PostgreSQL alike. Counting is on the request
 * path while throttling is on: counts that arrive together are written in one transaction (group commit), each still
 * exact and answered only after its commit.
 */
export class SqlControlStore implements ControlStore {
  private readonly counting: TransactionBatcher<CountJob, number[]> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    /** Batch counts (the store of the whole process; not one handed out inside a transaction). */
    { batch = false, lanes = 1 }: { batch?: boolean; lanes?: number } = {},
  ) {
    this.counting = batch
      ? new TransactionBatcher<CountJob, number[]>(
          (jobs) =>
            db.transaction().execute(async (trx) => {
              const results: number[][] = [];
              for (const job of jobs) results.push(await countAll(trx, job));
              return results;
            }),
          (job) => db.transaction().execute((trx) => countAll(trx, job)),
          { lanes },
        )
      : undefined;
  }

  async listFaultRules(): Promise<FaultRuleRecord[]> {
    const rows = await this.db.selectFrom('fault_rules').selectAll().orderBy('created_at').orderBy('rule_id').execute();
    return rows.map((r) => ({
      id: r.rule_id,
      rule: JSON.parse(r.rule) as Record<string, unknown>,
      expiresDateTime: r.expires_at,
      remaining: r.remaining === null ? null : Number(r.remaining),
      matched: Number(r.matched),
      createdDateTime: r.created_at,
    }));
  }

  async insertFaultRule(rule: FaultRuleRecord): Promise<void> {
    await this.db
      .insertInto('fault_rules')
      .values({
        rule_id: rule.id,
        rule: JSON.stringify(rule.rule),
        expires_at: rule.expiresDateTime,
        remaining: rule.remaining,
        matched: rule.matched,
        created_at: rule.createdDateTime,
      })
      .execute();
  }

  async deleteFaultRule(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('fault_rules').where('rule_id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async deleteFaultRules(tenantId?: string): Promise<number> {
    if (tenantId === undefined) {
      return Number((await this.db.deleteFrom('fault_rules').executeTakeFirst()).numDeletedRows);
    }
    // A rule names its tenant inside its JSON; the few rules there are are read and picked here.
    const ids = (await this.listFaultRules()).filter((r) => r.rule.tenantId === tenantId).map((r) => r.id);
    if (ids.length === 0) return 0;
    return Number(
      (await this.db.deleteFrom('fault_rules').where('rule_id', 'in', ids).executeTakeFirst()).numDeletedRows,
    );
  }

  async deleteExpiredFaultRules(now: string): Promise<void> {
    await this.db.deleteFrom('fault_rules').where('expires_at', '<=', now).execute();
  }

  async takeFaultRuleMatch(id: string): Promise<{ matched: number } | undefined> {
    // One statement: two nodes matching at once each get their own index, and a count of 1 answers one request only.
    const row = await this.db
      .updateTable('fault_rules')
      .set((eb) => ({
        matched: eb('matched', '+', 1),
        remaining: eb
          .case()
          .when('remaining', 'is', null)
          .then(null)
          .else(eb('remaining', '-', 1))
          .end(),
      }))
      .where('rule_id', '=', id)
      .where((eb) => eb.or([eb('remaining', 'is', null), eb('remaining', '>', 0)]))
      .returning('matched')
      .executeTakeFirst();
    return row && { matched: Number(row.matched) };
  }

  async listThrottleSettings() {
    const rows = await this.db.selectFrom('throttle_settings').selectAll().orderBy('tenant_id').execute();
    return rows.map((r) => ({ tenantId: r.tenant_id, setting: JSON.parse(r.setting) as Record<string, unknown> }));
  }

  async putThrottleSetting(tenantId: string, setting: Record<string, unknown> | null): Promise<void> {
    if (setting === null) {
      await this.db.deleteFrom('throttle_settings').where('tenant_id', '=', tenantId).execute();
      return;
    }
    const values = { tenant_id: tenantId, setting: JSON.stringify(setting), updated_at: isoNow(this.clock) };
    await this.db
      .insertInto('throttle_settings')
      .values(values)
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet({ setting: values.setting, updated_at: values.updated_at }),
      )
      .execute();
  }

  countInWindows(counts: CountJob): Promise<number[]> {
    return this.counting ? this.counting.submit(counts) : this.db.transaction().execute((trx) => countAll(trx, counts));
  }
}

type CountJob = { scope: string; tenantId: string; windowStart: string }[];

/** Counts one more event in each scope's window (a window that began earlier starts again at 1); the counts now. */
async function countAll(db: Kysely<Database>, counts: CountJob): Promise<number[]> {
  const results: number[] = [];
  for (const { scope, tenantId, windowStart } of counts) {
    const row = await db
      .insertInto('throttle_counters')
      .values({ scope, tenant_id: tenantId, window_start: windowStart, count: 1 })
      .onConflict((oc) =>
        oc.column('scope').doUpdateSet((eb) => ({
          count: eb
            .case()
            .when('throttle_counters.window_start', '=', windowStart)
            .then(eb('throttle_counters.count', '+', 1))
            .else(1)
            .end(),
          window_start: windowStart,
        })),
      )
      .returning('count')
      .executeTakeFirstOrThrow();
    results.push(Number(row.count));
  }
  return results;
}
