import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ServedBackend, serveOnSuiteBackend, suiteBackendName } from '../helpers/backends.js';
import { rawExchange } from '../helpers/raw-http.js';
import type { ServerProcess } from '../helpers/server-process.js';

/**
 * Slow and idle clients are cut in seconds (here --header-timeout 1 and --request-timeout 2), each with a 408 in
 * Graph's envelope, while other clients go on being served as fast as before.
 */

let served: ServedBackend;
let server: ServerProcess;
let token: string;
let meetingUrl: string;

before(async () => {
  served = await serveOnSuiteBackend('graphmeet_timeouts', ['--header-timeout', '1', '--request-timeout', '2']);
  ({ server, token } = served);
  meetingUrl = await served.createMeeting('served while others dribble');
});
after(() => served?.stop());

/** Writes `piece` every `everyMs` after `first`, for as long as the connection lasts (at most `waitMs`). */
function dribble(first: string, piece: string, everyMs: number, waitMs = 8000) {
  const steps: (string | number)[] = [first];
  for (let t = 0; t < waitMs; t += everyMs) steps.push(everyMs, piece);
  return rawExchange(server.url, steps, { waitMs });
}

const bodyHead = () =>
  [
    'POST /v1.0/me/onlineMeetings HTTP/1.1',
    'Host: a',
    `Authorization: Bearer ${token}`,
    'Content-Type: application/json',
    'Content-Length: 200',
    '',
    '{',
  ].join('\r\n');

/** The median time of `n` GETs of one meeting, one after the other. */
async function medianGetMs(n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(meetingUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)] as number;
}

describe(`slow and idle clients (${suiteBackendName})`, () => {
  const cases: [string, () => ReturnType<typeof rawExchange>, number][] = [
    ['opens a connection and sends nothing', () => rawExchange(server.url, [], { waitMs: 8000 }), 1000],
    [
      'sends a header line every 300 ms',
      () => dribble('GET /_graphmeet/health HTTP/1.1\r\n', 'X-Slow: y\r\n', 300),
      1000,
    ],
    ['sends its body a byte every 300 ms', () => dribble(bodyHead(), ' ', 300), 2000],
  ];
  for (const [what, client, limitMs] of cases) {
    test(`when a client ${what}, then it gets 408 in Graph's envelope and is cut within a second of the timeout`, async () => {
      const { responses, closedAfterMs } = await client();
      assert.ok(closedAfterMs !== undefined, 'the server closed the connection');
      assert.ok(closedAfterMs >= limitMs - 50, `not before the timeout: ${closedAfterMs} ms`);
      assert.ok(closedAfterMs <= limitMs + 1000, `cut after ${closedAfterMs} ms, timeout ${limitMs} ms`);
      assert.deepEqual(
        responses.map((r) => r.status),
        [408],
      );
      const body = JSON.parse(responses[0]?.body ?? '{}');
      assert.equal(body.error.code, 'RequestTimeout');
      assert.equal(body.error.innerError['request-id'], responses[0]?.headers['request-id']);
    });
  }

  test('when 60 clients dribble at once, then other clients are served as fast as before', async () => {
    await medianGetMs(10); // warm
    const before = await medianGetMs(40);
    const dribblers = Array.from({ length: 60 }, (_, i) =>
      i % 2 ? dribble('GET /_graphmeet/health HTTP/1.1\r\n', 'X-Slow: y\r\n', 200) : dribble(bodyHead(), ' ', 200),
    );
    const during = await medianGetMs(40);
    const cut = await Promise.all(dribblers);
    assert.ok(
      cut.every((c) => c.closedAfterMs !== undefined && c.closedAfterMs <= 3000),
      'every dribbler was cut',
    );
    // Generous for a shared machine: a server that let dribblers hold it up would take seconds, not milliseconds.
    assert.ok(
      during <= before * 3 + 10,
      `median GET ${during.toFixed(1)} ms while dribbled at, ${before.toFixed(1)} ms before`,
    );
  });
});
