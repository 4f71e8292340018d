import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteFileName } from '../../src/storage/open-store.js';
import { pgQuery, testDatabaseUrl } from '../helpers/database.js';
import { runCli, runCliToEnd } from '../helpers/server-process.js';

const cleanups: (() => Promise<unknown> | undefined)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

const known = [
  '001-meetings-and-directory',
  '002-tenants-applications-policies',
  '003-video-teleconference-id',
  '004-application-certificates',
];
const future = '999-from-a-newer-graphmeet';

/** A backend to migrate: the flags that name it, and a way to add a migration row as a newer graphmeet would. */
interface Backend {
  name: string;
  flags: string[];
  addMigrationRow(name: string): Promise<void>;
}

function sqliteBackend(): Backend {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-migrate-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  return {
    name: 'SQLite',
    flags: ['--data-dir', dataDir],
    async addMigrationRow(name) {
      const db = new BetterSqlite3(path.join(dataDir, sqliteFileName));
      db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run(name, new Date().toISOString());
      db.close();
    },
  };
}

async function postgresBackend(adminUrl: string): Promise<Backend> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-migrate-'));
  const database = `graphmeet_migrate_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  await pgQuery(adminUrl, `create database ${database}`);
  cleanups.push(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await pgQuery(adminUrl, `drop database if exists ${database} with (force)`);
  });
  return {
    name: 'PostgreSQL',
    flags: ['--data-dir', dataDir, '--database-url', url.href],
    addMigrationRow: async (name) => {
      await pgQuery(url.href, 'insert into kysely_migration (name, timestamp) values ($1, $2)', [
        name,
        new Date().toISOString(),
      ]);
    },
  };
}

/** Runs `graphmeet serve` and resolves with how it exited; a server that starts after all is stopped. */
async function serveExit(flags: string[]) {
  const child = runCli(['serve', '--port', '0', ...flags]);
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (d) => (stderr += d));
  child.stdout?.on('data', (d) => (stdout += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  return { code, stderr, stdout };
}

const backends: (() => Promise<Backend>)[] = [async () => sqliteBackend()];
// PostgreSQL when the suite has one (TEST_DATABASE_URL; .ci/run sets it).
if (testDatabaseUrl) backends.push(() => postgresBackend(testDatabaseUrl as string));

describe('graphmeet migrate, and a schema newer than this graphmeet', () => {
  for (const make of backends) {
    test('when migrate runs on a new database, then it applies every migration once and says so; a second run changes nothing; a newer schema stops serve with one line', async () => {
      const backend = await make();
      const first = await runCliToEnd(['migrate', ...backend.flags]);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /schema up to date/);
      for (const name of known) assert.match(first.stdout, new RegExp(`^${name}  applied \\d{4}-`, 'm'));
      const second = await runCliToEnd(['migrate', ...backend.flags]);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, first.stdout, `${backend.name}: the second run applied nothing new`);

      await backend.addMigrationRow(future);
      for (const run of [() => serveExit(backend.flags), () => runCliToEnd(['migrate', ...backend.flags])]) {
        const refused = await run();
        assert.equal(refused.code, 1, `${backend.name}: ${refused.stderr}`);
        assert.equal(
          refused.stderr.trim(),
          `graphmeet: the database's schema is newer than this graphmeet knows (it has migration ${future}); run the graphmeet that migrated it, or a newer one`,
        );
        assert.doesNotMatch(refused.stdout, /listening on/);
      }
    });
  }
});
