import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { pgQuery, testDatabaseUrl } from '../helpers/database.js';
import { runCliToEnd, startServerProcess } from '../helpers/server-process.js';
import { startTestApp } from '../helpers/test-app.js';

/** What the node answers; errors in Graph's envelope. */
type Answer = { error?: { code?: string; message?: string } };

test('when the database can be reached and written, then /_graphmeet/ready answers 200 and names the storage', async () => {
  const t = await startTestApp();
  try {
    const res = await t.app.inject({ method: 'GET', url: '/_graphmeet/ready' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ready', storage: t.store.dialect });
  } finally {
    await t.close();
  }
});

// An outage needs a PostgreSQL of the suite's own (TEST_DATABASE_URL; .ci/run sets it): one database is cut off here.
if (testDatabaseUrl) {
  const adminUrl = testDatabaseUrl;
  describe('a node whose PostgreSQL goes away and comes back', () => {
    const database = `graphmeet_outage_${randomBytes(6).toString('hex')}`;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-outage-'));
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const admin = (statement: string) => pgQuery(adminUrl, statement);
    const cutConnections = () =>
      admin(`select pg_terminate_backend(pid) from pg_stat_activity where datname = '${database}'`);
    after(async () => {
      await admin(`drop database if exists ${database} with (force)`);
      rmSync(dataDir, { recursive: true, force: true });
    });

    test('when the database refuses connections or turns read-only, then requests under load get 503 with Retry-After within 2.5 s (never a 500), /ready says not ready, and the node recovers by itself', async () => {
      await admin(`create database ${database}`);
      const server = await startServerProcess(['--data-dir', dataDir, '--database-url', url.href]);
      try {
        const token = await runCliToEnd([
          'token',
          '--database-url',
          url.href,
          '--tenant',
          randomUUID(),
          '--user',
          randomUUID(),
        ]);
        const headers = { authorization: `Bearer ${token.stdout.trim()}`, 'content-type': 'application/json' };
        const create = async () => {
          const began = Date.now();
          const res = await fetch(`${server.url}/v1.0/me/onlineMeetings`, { method: 'POST', headers, body: '{}' });
          return { res, ms: Date.now() - began, body: (await res.json()) as Answer };
        };
        const ready = async () => {
          const began = Date.now();
          const res = await fetch(`${server.url}/_graphmeet/ready`);
          return { res, ms: Date.now() - began, body: (await res.json()) as Answer };
        };
        const assertUnavailable = (r: { res: Response; ms: number; body: Answer }) => {
          assert.equal(r.res.status, 503);
          assert.equal(r.res.headers.get('retry-after'), '2');
          assert.equal(r.body.error?.code, 'serviceNotAvailable');
          assert.ok(r.ms <= 2500, `answered after ${r.ms} ms`);
        };
        const eventually = async (check: () => Promise<boolean>) => {
          for (let i = 0; i < 50; i++) {
            if (await check()) return;
            await new Promise((r) => setTimeout(r, 200));
          }
          assert.fail('the node did not recover within 10 s');
        };

        assert.equal((await create()).res.status, 201);
        assert.equal((await ready()).res.status, 200);

        // Load throughout the outages below: 16 clients creating without pause. Every answer must be a 201 or a
        // 503, each within 2.5 s: nothing hangs and nothing fails with a 500 while the database comes and goes.
        let loading = true;
        const seen = new Map<number, number>();
        let slowest = 0;
        const clients = Array.from({ length: 16 }, async () => {
          while (loading) {
            const r = await create().catch((err: Error) => {
              throw new Error(
                `a request under load failed: ${err.cause ?? err.message}\n${server.output().slice(-3000)}`,
              );
            });
            seen.set(r.res.status, (seen.get(r.res.status) ?? 0) + 1);
            slowest = Math.max(slowest, r.ms);
            if (r.res.status === 503) await new Promise((resolve) => setTimeout(resolve, 50));
          }
        });

        // Down: no new connections, and the open ones cut.
        await admin(`alter database ${database} with allow_connections false`);
        await cutConnections();
        for (let i = 0; i < 3; i++) assertUnavailable(await create());
        assertUnavailable(await ready());

        await admin(`alter database ${database} with allow_connections true`);
        await eventually(async () => (await create()).res.status === 201);
        assert.equal((await ready()).res.status, 200);

        // Read-only: new sessions cannot write.
        await admin(`alter database ${database} set default_transaction_read_only = on`);
        await cutConnections();
        await eventually(async () => (await ready()).res.status === 503);
        const readOnly = await ready();
        assertUnavailable(readOnly);
        assert.match(readOnly.body.error?.message ?? '', /read-only/);
        assertUnavailable(await create());

        await admin(`alter database ${database} reset default_transaction_read_only`);
        await cutConnections();
        await eventually(async () => (await ready()).res.status === 200);
        assert.equal((await create()).res.status, 201);
        loading = false;
        await Promise.all(clients);
        assert.deepEqual(
          [...seen.keys()].filter((status) => status !== 201 && status !== 503),
          [],
          `answers under load: ${JSON.stringify([...seen])}`,
        );
        assert.ok((seen.get(503) ?? 0) > 0 && (seen.get(201) ?? 0) > 0, JSON.stringify([...seen]));
        assert.ok(slowest <= 2500, `the slowest answer under load took ${slowest} ms`);
        assert.equal(server.child.exitCode, null, 'the node kept running');
      } finally {
        await server.stop();
      }
    });
  });
}
