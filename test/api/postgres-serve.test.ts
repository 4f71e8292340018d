import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { pgQuery, testDatabaseUrl } from '../helpers/database.js';
import { runCliToEnd, startServerProcess } from '../helpers/server-process.js';

const dataDirs: string[] = [];
after(() => {
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});
function newDataDir() {
  const d = mkdtempSync(path.join(tmpdir(), 'graphmeet-pg-serve-'));
  dataDirs.push(d);
  return d;
}

test('when the database URL is not a PostgreSQL URL, then serve refuses to start with a one-line message that does not repeat it', async () => {
  const res = await runCliToEnd(['serve', '--data-dir', newDataDir(), '--database-url', 'mysql://u:hunter22@db/x']);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /--database-url must be a postgres:\/\/ or postgresql:\/\/ URL/);
  assert.doesNotMatch(res.stderr + res.stdout, /hunter22/);
});

// These need a PostgreSQL server: the suite has one when TEST_DATABASE_URL is set (.ci/run sets it).
if (testDatabaseUrl) {
  const adminUrl = testDatabaseUrl;
  describe('graphmeet serve on PostgreSQL', () => {
    const database = `graphmeet_serve_${randomBytes(6).toString('hex')}`;
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    // Trust auth ignores it; it is here to prove that no log line or message repeats a password.
    if (!url.password) url.password = 'not-to-be-logged-7f3a';
    const databaseUrl = url.href;
    after(() => pgQuery(adminUrl, `drop database if exists ${database} with (force)`));

    test('when three nodes start at once on an empty database, then it is migrated once, a token from `graphmeet token --database-url` works on both, and a meeting made through one is read through the other', async () => {
      await pgQuery(adminUrl, `create database ${database}`);
      // Each node has a data dir of its own: the keys, like the meetings, are in PostgreSQL.
      const [a, b, c] = await Promise.all([
        startServerProcess(['--data-dir', newDataDir(), '--database-url', databaseUrl]),
        startServerProcess(['--data-dir', newDataDir()], { DATABASE_URL: databaseUrl }),
        startServerProcess(['--data-dir', newDataDir(), '--database-url', databaseUrl]),
      ]);
      try {
        const migrations = await pgQuery(databaseUrl, 'select name from kysely_migration');
        const names = migrations.rows.map((r) => r.name);
        assert.equal(new Set(names).size, names.length, 'no migration ran twice');
        assert.ok(names.includes('001-meetings-and-directory'));
        // The migration lock ended with the migrations: through a pooler a session lock could stay behind on a
        // server connection and hold up every later migration.
        const locks = await pgQuery(
          databaseUrl,
          "select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = current_database()",
        );
        assert.equal(locks.rows[0].n, 0, 'no advisory lock is left held');

        const tenant = randomUUID();
        const token = await runCliToEnd([
          'token',
          '--data-dir',
          newDataDir(),
          '--database-url',
          databaseUrl,
          '--tenant',
          tenant,
          '--user',
          randomUUID(),
        ]);
        assert.equal(token.code, 0, token.stderr);
        const headers = { authorization: `Bearer ${token.stdout.trim()}`, 'content-type': 'application/json' };
        const created = await fetch(`${a.url}/v1.0/me/onlineMeetings`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ subject: 'kept in PostgreSQL' }),
        });
        assert.equal(created.status, 201);
        const meeting = (await created.json()) as { id: string };
        const read = await fetch(`${b.url}/v1.0/me/onlineMeetings/${encodeURIComponent(meeting.id)}`, { headers });
        assert.equal(read.status, 200);
        assert.equal(((await read.json()) as { subject: string }).subject, 'kept in PostgreSQL');

        for (const node of [a, b, c]) {
          assert.match(node.output(), /graphmeet listening on \S+ · data: PostgreSQL postgres:\/\/postgres@/);
          assert.doesNotMatch(node.output(), /not-to-be-logged-7f3a/);
        }
      } finally {
        await Promise.all([a.stop(), b.stop(), c.stop()]);
      }
    });
  });
}
