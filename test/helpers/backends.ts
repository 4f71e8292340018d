import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mintDelegatedToken } from '../../src/identity/tokens.js';
import { dataDirSigningKey, pgQuery, sqliteRows, testDatabaseUrl } from './database.js';
import { type ServerProcess, startServerProcess } from './server-process.js';
import { issuer } from './test-app.js';

/**
 * Where a `graphmeet serve` process under test keeps its data: a fresh data dir, and on PostgreSQL a fresh database
 * of its own on the suite's server. Tests of whole processes run once per backend the suite has.
 */
export interface ServerBackend {
  name: 'SQLite' | 'PostgreSQL';
  dataDir: string;
  databaseUrl: string | undefined;
  /** `serve` flags that put a process on this backend. */
  flags: string[];
  /** A statement on the backend's database, `?` for each parameter. */
  rows(sql: string, parameters?: unknown[]): Promise<Record<string, unknown>[]>;
  dispose(): Promise<void>;
}

/**
 * The backend of this run of the suite: PostgreSQL when it has one (TEST_DATABASE_URL; .ci/run runs the suite once
 * without and once with it), else SQLite.
 */
export const suiteBackendName: ServerBackend['name'] = testDatabaseUrl ? 'PostgreSQL' : 'SQLite';

export async function newServerBackend(name: ServerBackend['name'], label = 'graphmeet'): Promise<ServerBackend> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `${label}-`));
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
  if (name === 'SQLite') {
    return {
      name,
      dataDir,
      databaseUrl: undefined,
      flags: ['--data-dir', dataDir],
      rows: async (sql, parameters = []) => sqliteRows(dataDir, sql, parameters),
      dispose: removeDir,
    };
  }
  const adminUrl = testDatabaseUrl as string;
  const database = `${label.replace(/\W/g, '_')}_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  await pgQuery(adminUrl, `create database ${database}`);
  return {
    name,
    dataDir,
    databaseUrl: url.href,
    flags: ['--data-dir', dataDir, '--database-url', url.href],
    async rows(sql, parameters = []) {
      let n = 0;
      return (
        await pgQuery(
          url.href,
          sql.replace(/\?/g, () => `$${++n}`),
          parameters,
        )
      ).rows;
    },
    async dispose() {
      await removeDir();
      await pgQuery(adminUrl, `drop database if exists ${database} with (force)`);
    },
  };
}

/** A `graphmeet serve` process on a fresh backend of this run, and a delegated token for a user of a new tenant. */
export interface ServedBackend {
  backend: ServerBackend;
  server: ServerProcess;
  tenantId: string;
  token: string;
  /** Creates a meeting as the token's user; resolves to its URL. */
  createMeeting(subject?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function serveOnSuiteBackend(label: string, flags: string[] = []): Promise<ServedBackend> {
  const backend = await newServerBackend(suiteBackendName, label);
  const server = await startServerProcess([...backend.flags, '--log-level', 'warn', ...flags]);
  const tenantId = randomUUID();
  const token = await mintDelegatedToken(
    { tenantId, userId: randomUUID(), scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: 3600 },
    await dataDirSigningKey(backend.dataDir, backend.databaseUrl),
    issuer,
  );
  return {
    backend,
    server,
    tenantId,
    token,
    async createMeeting(subject = 'a meeting') {
      const res = await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subject }),
      });
      return `${server.url}/v1.0/me/onlineMeetings/${((await res.json()) as { id: string }).id}`;
    },
    async stop() {
      await server.stop();
      await backend.dispose();
    },
  };
}
