import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mintDelegatedToken } from '../../src/identity/tokens.js';
import { dataDirSigningKey, sqliteMeetingIds } from '../helpers/database.js';
import { startServerProcesses } from '../helpers/server-process.js';

test('when 50 createOrGet calls for one externalId hit two server processes on one database, then exactly one meeting is made', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-procs-'));
  const servers = await startServerProcesses(2, ['--data-dir', dataDir, '--log-level', 'warn']);
  try {
    const tenantId = randomUUID();
    const token = await mintDelegatedToken(
      { tenantId, userId: randomUUID(), scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: 600 },
      await dataDirSigningKey(dataDir),
      'https://login.graphmeet.local',
    );
    const calls = Array.from({ length: 50 }, async (_, i) => {
      const server = servers[i % 2]!;
      const res = await fetch(`${server.url}/v1.0/me/onlineMeetings/createOrGet`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ externalId: 'one-course-one-meeting', subject: `call ${i}` }),
      });
      return { status: res.status, id: ((await res.json()) as { id: string }).id };
    });
    const results = await Promise.all(calls);
    assert.equal(results.filter((r) => r.status === 201).length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.equal(results.filter((r) => r.status === 200).length, 49);
    assert.equal(new Set(results.map((r) => r.id)).size, 1);
    assert.equal(sqliteMeetingIds(dataDir, tenantId).length, 1);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
