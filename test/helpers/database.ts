import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteFileName } from '../../src/storage/open-store.js';

/** Counts what really is in the database, bypassing the app: proof that a rejected request wrote nothing. */
export function countMeetings(dataDir: string, tenantId: string): number {
  const db = new BetterSqlite3(path.join(dataDir, sqliteFileName), { readonly: true });
  try {
    const row = db.prepare('select count(*) as n from online_meetings where tenant_id = ?').get(tenantId) as {
      n: number;
    };
    return row.n;
  } finally {
    db.close();
  }
}
