import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mintDelegatedToken } from '../../src/identity/tokens.js';
import { newServerBackend, suiteBackendName } from '../helpers/backends.js';
import { dataDirSigningKey } from '../helpers/database.js';
import { startServerProcess } from '../helpers/server-process.js';
import { issuer } from '../helpers/test-app.js';

/**
 * A 201 (or createOrGet's 200) means the meeting is committed, even with group commit: killed without warning in the
 * middle of a load of creates and createOrGets, the server loses none of the meetings it acknowledged, and no
 * externalId ever gets two meetings. Ten rounds of load and SIGKILL on one backend.
 */
describe(`durability on ${suiteBackendName}`, () => {
  test('when the server is killed with SIGKILL ten times under create and createOrGet load, then every acknowledged meeting is there and no externalId has two', async () => {
    const backend = await newServerBackend(suiteBackendName, 'graphmeet_durability');
    const tenantId = randomUUID();
    const acknowledged: string[] = [];
    const byExternalId = new Map<string, Set<string>>();
    try {
      for (let round = 0; round < 10; round++) {
        const server = await startServerProcess([...backend.flags, '--log-level', 'warn']);
        const token = await mintDelegatedToken(
          { tenantId, userId: randomUUID(), scopes: ['OnlineMeetings.ReadWrite'], lifetimeSeconds: 600 },
          await dataDirSigningKey(backend.dataDir, backend.databaseUrl),
          issuer,
        );
        let killed = false;
        const client = async (c: number) => {
          for (let i = 0; !killed; i++) {
            // Half the clients create; the others createOrGet from a small set of keys shared with each other.
            const externalId = c % 2 ? `round-${round}-key-${i % 25}` : undefined;
            try {
              const res = await fetch(`${server.url}/v1.0/me/onlineMeetings${externalId ? '/createOrGet' : ''}`, {
                method: 'POST',
                headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                body: JSON.stringify({ subject: `round ${round}`, ...(externalId ? { externalId } : {}) }),
              });
              const body = (await res.json()) as { id?: string };
              if ((res.status === 201 || res.status === 200) && body.id) {
                acknowledged.push(body.id);
                if (externalId) byExternalId.set(externalId, (byExternalId.get(externalId) ?? new Set()).add(body.id));
              }
            } catch {
              return; // the server is gone mid-request: that meeting was never acknowledged
            }
          }
        };
        const clients = Array.from({ length: 16 }, (_, c) => client(c));
        await sleep(300 + (round % 4) * 150);
        assert.equal(await server.stop('SIGKILL'), null, 'the server was killed, not stopped');
        killed = true;
        await Promise.all(clients);
      }
      assert.ok(acknowledged.length > 300, `only ${acknowledged.length} were acknowledged: the load did not run`);
      const twice = [...byExternalId].filter(([, ids]) => ids.size > 1).map(([key]) => key);
      assert.deepEqual(twice, [], 'createOrGet answered two different meetings for one externalId');

      // The next start recovers the database; then every acknowledged meeting must be in it.
      const server = await startServerProcess([...backend.flags, '--log-level', 'warn']);
      await server.stop();
      const stored = new Set(
        (await backend.rows('select meeting_id from online_meetings where tenant_id = ?', [tenantId])).map(
          (r) => r.meeting_id as string,
        ),
      );
      const lost = [...new Set(acknowledged)].filter((id) => !stored.has(id));
      assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged meetings were lost`);
      const duplicated = await backend.rows(
        `select external_id from online_meetings where tenant_id = ? and external_id is not null
           group by organizer_id, external_id having count(*) > 1`,
        [tenantId],
      );
      assert.deepEqual(duplicated, [], 'an externalId has two stored meetings');
    } finally {
      await backend.dispose();
    }
  });
});
