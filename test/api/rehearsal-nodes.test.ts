import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { mintDelegatedToken } from '../../src/identity/tokens.js';
import { dataDirSigningKey } from '../helpers/database.js';
import { startServerProcesses } from '../helpers/server-process.js';

/**
 * Two server processes on one database, as behind a load balancer: a fault rule's count, a throttling window and a
 * reset made through one node hold on the other.
 */
test('when two nodes share a database, then fault counts, throttling and reset hold across them', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-rehearsal-nodes-'));
  const servers = await startServerProcesses(2, ['--data-dir', dataDir, '--log-level', 'warn']);
  try {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const adminKey = readFileSync(path.join(dataDir, 'admin-key'), 'utf8').trim();
    const admin = (node: typeof a, method: string, url: string, body?: unknown) =>
      fetch(`${node.url}${url}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const tenantId = randomUUID();
    const token = await mintDelegatedToken(
      { tenantId, userId: randomUUID(), scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: 600 },
      await dataDirSigningKey(dataDir),
      'https://login.graphmeet.local',
    );
    const createOrGet = (node: typeof a, externalId: string) =>
      fetch(`${node.url}/v1.0/me/onlineMeetings/createOrGet`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ externalId }),
      });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 1500));

    // A rule for the next 3 requests, added on a: 6 requests over both nodes meet it exactly 3 times.
    assert.equal(
      (await admin(a, 'POST', '/_graphmeet/faults', { operation: 'createOrGet', status: 503, count: 3 })).status,
      201,
    );
    await settle();
    const statuses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => createOrGet(i % 2 ? b : a, 'shared').then((r) => r.status)),
    );
    assert.equal(statuses.filter((s) => s === 503).length, 3, String(statuses));
    assert.equal(statuses.filter((s) => s === 201).length, 1, String(statuses));

    // Throttling set through b, counted across both: a limit of 4 requests a minute lets 4 through in all.
    await admin(b, 'PUT', `/_graphmeet/tenants/${tenantId}/throttling`, {
      mode: 'graph',
      requestsPerAppPerTenant: { limit: 4, windowSeconds: 60 },
    });
    await admin(b, 'PUT', '/_graphmeet/clock', {
      dateTime: new Date(Math.floor(Date.now() / 60_000) * 60_000 + 1000).toISOString(),
      frozen: true,
    });
    await settle();
    const throttled = [];
    for (let i = 0; i < 6; i++) throttled.push((await createOrGet(i % 2 ? b : a, 'shared')).status);
    assert.deepEqual(throttled, [200, 200, 200, 200, 429, 429]);
    await admin(a, 'DELETE', `/_graphmeet/tenants/${tenantId}/throttling`);
    await admin(a, 'DELETE', '/_graphmeet/clock');
    await settle();

    // A reset through a: b sees the meeting gone at once, and the key is free again.
    const reset = await admin(a, 'POST', '/_graphmeet/reset', { tenantId });
    assert.equal(((await reset.json()) as { removed: { meetings: number } }).removed.meetings, 1);
    assert.equal((await createOrGet(b, 'shared')).status, 201);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  }
});
