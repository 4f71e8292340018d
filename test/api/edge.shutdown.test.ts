import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { serveOnSuiteBackend, suiteBackendName } from '../helpers/backends.js';
import { rawExchange } from '../helpers/raw-http.js';

/**
 * SIGTERM drains: requests in flight are answered (with Connection: close), idle kept-alive connections are closed,
 * and a request sent as the server goes is either answered or refused before the server acted on it — never acted
 * on and left unanswered.
 */

type Outcome = { externalId: string; status?: number; connection?: string; refused?: string; broken?: string };

/** createOrGet on a kept-alive connection of `agent`; resolves with what became of it. */
function createOrGet(url: string, token: string, agent: http.Agent, externalId: string): Promise<Outcome> {
  const body = JSON.stringify({ externalId, subject: 'through SIGTERM' });
  return new Promise((resolve) => {
    const req = http.request(
      `${url}/v1.0/me/onlineMeetings/createOrGet`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ externalId, status: res.statusCode as number, connection: String(res.headers.connection) }),
        );
        // An answer cut off half way would be a request acted on and not answered.
        res.on('aborted', () => resolve({ externalId, broken: 'the answer was cut off' }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ externalId, refused: err.code ?? err.message }));
    req.end(body);
  });
}

describe(`graceful stop (${suiteBackendName})`, () => {
  test('when SIGTERM arrives under kept-alive createOrGet load, then every request is answered or was never acted on, a request in flight is answered with Connection: close, and the server exits 0', async () => {
    const served = await serveOnSuiteBackend('graphmeet_shutdown');
    const { server, token, tenantId, backend } = served;
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
      const outcomes: Outcome[] = [];
      let gone = false;
      const client = async () => {
        while (!gone) {
          const outcome = await createOrGet(server.url, token, agent, randomUUID());
          outcomes.push(outcome);
          if (outcome.refused === 'ECONNREFUSED') return; // nothing listens any more
        }
      };
      // A request whose body is still arriving when SIGTERM comes: it is in flight through the drain.
      const inFlightBody = JSON.stringify({ externalId: `in-flight-${randomUUID()}`, subject: 'in flight' });
      const inFlight = rawExchange(
        server.url,
        [
          [
            'POST /v1.0/me/onlineMeetings/createOrGet HTTP/1.1',
            'Host: a',
            `Authorization: Bearer ${token}`,
            'Content-Type: application/json',
            `Content-Length: ${Buffer.byteLength(inFlightBody)}`,
            '',
            inFlightBody.slice(0, 10),
          ].join('\r\n'),
          1200,
          inFlightBody.slice(10),
        ],
        { waitMs: 6000 },
      );
      const clients = Array.from({ length: 16 }, client);
      await sleep(800);
      const exited = server.stop('SIGTERM');
      const stoppedWithin = sleep(8000).then(() => 'still running');
      assert.equal(await Promise.race([exited, stoppedWithin]), 0, 'the server drained and exited 0');
      gone = true;
      await Promise.all(clients);
      agent.destroy();

      const answeredInFlight = await inFlight;
      assert.deepEqual(
        answeredInFlight.responses.map((r) => [r.status, r.headers.connection]),
        [[201, 'close']],
        'the request in flight was answered, and told the client to close',
      );
      const broken = outcomes.filter((o) => o.broken);
      assert.deepEqual(broken, [], 'no answer was cut off');
      const answered = outcomes.filter((o) => o.status !== undefined);
      assert.ok(answered.length > 50, `only ${answered.length} answers: the load did not run`);
      assert.deepEqual(
        [...new Set(answered.map((o) => o.status))],
        [201],
        'every answer was a create (each externalId was new)',
      );

      // What was refused was never acted on: the server had stored none of those meetings.
      const refused = new Set(outcomes.filter((o) => o.refused).map((o) => o.externalId));
      const stored = await backend.rows('select external_id from online_meetings where tenant_id = ?', [tenantId]);
      const actedOn = stored.map((r) => r.external_id as string).filter((id) => refused.has(id));
      assert.deepEqual(actedOn, [], 'requests the client saw fail were stored');
      assert.equal(stored.length, answered.length + 1, 'every stored meeting was answered (and the one in flight)');
    } finally {
      await served.stop();
    }
  });
});
