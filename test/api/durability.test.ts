import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { mintDelegatedToken } from '../../src/identity/tokens.js';
import { sqliteFileName } from '../../src/storage/open-store.js';
import { dataDirSigningKey } from '../helpers/database.js';
import { startServerProcess } from '../helpers/server-process.js';
import { issuer } from '../helpers/test-app.js';

/**
 * A 201 means the meeting is committed, even with group commit: killed without warning in the middle of a load of
 * creates, the server loses none of the meetings it acknowledged. Four rounds of load and SIGKILL on one data dir.
 */
test('when the server is killed with SIGKILL under create load, then every meeting it answered 201 for is there after a restart', async () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'graphmeet-durability-')), 'data');
  const tenantId = randomUUID();
  const acknowledged: string[] = [];
  try {
    for (let round = 0; round < 4; round++) {
      const server = await startServerProcess(['--data-dir', dataDir, '--log-level', 'warn']);
      const token = await mintDelegatedToken(
        { tenantId, userId: randomUUID(), scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: 600 },
        await dataDirSigningKey(dataDir),
        issuer,
      );
      let killed = false;
      const client = async () => {
        while (!killed) {
          try {
            const res = await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ subject: `round ${round}` }),
            });
            const body = (await res.json()) as { id?: string };
            if (res.status === 201 && body.id) acknowledged.push(body.id);
          } catch {
            return; // the server is gone mid-request: that meeting was never acknowledged
          }
        }
      };
      const clients = Array.from({ length: 24 }, client);
      await sleep(400 + round * 250);
      assert.equal(await server.stop('SIGKILL'), null, 'the server was killed, not stopped');
      killed = true;
      await Promise.all(clients);
    }
    assert.ok(acknowledged.length > 200, `only ${acknowledged.length} creates were acknowledged: the load did not run`);

    // The next start recovers the database; then every acknowledged meeting must be in it.
    const server = await startServerProcess(['--data-dir', dataDir, '--log-level', 'warn']);
    await server.stop();
    const db = new BetterSqlite3(path.join(dataDir, sqliteFileName), { readonly: true });
    const stored = new Set(
      (
        db.prepare('select meeting_id from online_meetings where tenant_id = ?').all(tenantId) as {
          meeting_id: string;
        }[]
      ).map((r) => r.meeting_id),
    );
    db.close();
    const lost = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged meetings were lost`);
  } finally {
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
});
