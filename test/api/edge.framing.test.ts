import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { type ServedBackend, serveOnSuiteBackend, suiteBackendName } from '../helpers/backends.js';
import { assertGraphEnvelope } from '../helpers/graph-assert.js';
import { type RawResponse, rawExchange } from '../helpers/raw-http.js';
import { seeded } from '../helpers/seeded.js';
import type { ServerProcess } from '../helpers/server-process.js';

/**
 * What reaches the server below the level of a request: bytes a client frames wrongly. Each gets Graph's envelope
 * with a request-id where an answer can be written, and never more than one answer per request. The fuzz is seeded:
 * FRAMING_SEED and FRAMING_CASES replay or explore further.
 */

const seed = Number(process.env.FRAMING_SEED ?? 20261203);
const cases = Number(process.env.FRAMING_CASES ?? 3000);

let served: ServedBackend;
let server: ServerProcess;
let token: string;
let meetingId: string;

before(async () => {
  // Short timeouts, so that requests the fuzz leaves unfinished are answered (408) in a second.
  served = await serveOnSuiteBackend('graphmeet_framing', ['--header-timeout', '1', '--request-timeout', '2']);
  ({ server, token } = served);
  meetingId = (await served.createMeeting('framing')).split('/').pop() as string;
});
after(() => served?.stop());

/** Graph's envelope on a response read off the wire, with its request-id header. */
function assertEnvelope(r: RawResponse, status: number): { code: string; message: string } {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.body}`);
  assert.match(r.headers['request-id'] ?? '', /^[0-9a-f-]{36}$/);
  return assertGraphEnvelope({
    headers: r.headers,
    json: () => JSON.parse(r.body),
  } as unknown as LightMyRequestResponse);
}

describe(`requests the HTTP parser cannot read (${suiteBackendName})`, () => {
  const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
  const framingErrors: [string, () => string, number, string, RegExp][] = [
    [
      'both Content-Length and Transfer-Encoding',
      () =>
        head(['POST /v1.0/me/onlineMeetings HTTP/1.1', 'Host: a', 'Content-Length: 5', 'Transfer-Encoding: chunked']),
      400,
      'BadRequest',
      /Transfer-Encoding can't be present with Content-Length/,
    ],
    [
      'two Content-Length headers',
      () => `${head(['POST /v1.0/me/onlineMeetings HTTP/1.1', 'Host: a', 'Content-Length: 2', 'Content-Length: 3'])}{}`,
      400,
      'BadRequest',
      /Content-Length/,
    ],
    [
      'a bad chunk size',
      () => `${head(['POST /v1.0/me/onlineMeetings HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked'])}zz\r\n{}\r\n`,
      400,
      'BadRequest',
      /chunk size/i,
    ],
    [
      'an unknown method',
      () => head(['BREW /v1.0/me/onlineMeetings HTTP/1.1', 'Host: a']),
      400,
      'BadRequest',
      /method/,
    ],
    [
      'a token of a megabyte',
      () => head([`GET /v1.0/me/onlineMeetings/x HTTP/1.1`, 'Host: a', `Authorization: Bearer ${'x'.repeat(1 << 20)}`]),
      431,
      'RequestHeaderFieldsTooLarge',
      /headers are larger/,
    ],
  ];
  for (const [name, request, status, code, message] of framingErrors) {
    test(`when a request has ${name}, then it gets ${status} in Graph's envelope with a request-id, and the connection closes`, async () => {
      const { responses, closedAfterMs } = await rawExchange(server.url, [request()]);
      assert.equal(responses.length, 1, 'one answer');
      const error = assertEnvelope(responses[0] as RawResponse, status);
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.equal(responses[0]?.headers.connection, 'close');
      assert.ok(closedAfterMs !== undefined, 'the server closed the connection');
    });
  }

  test('when a chunked PATCH without a token is answered 401 and its body then turns out broken, then the connection gets no second answer', async () => {
    const { responses, closedAfterMs } = await rawExchange(server.url, [
      head([
        `PATCH /v1.0/me/onlineMeetings/${meetingId} HTTP/1.1`,
        'Host: a',
        'Content-Type: application/json',
        'Transfer-Encoding: chunked',
      ]),
      300,
      'zz\r\nbroken\r\n',
      200,
      // A client on a kept-alive connection would send its next request now and read the next answer as its own.
      head(['GET /_graphmeet/health HTTP/1.1', 'Host: a']),
    ]);
    assert.deepEqual(
      responses.map((r) => r.status),
      [401],
      'the 401 and nothing after it: no 400 for the broken body, and nothing read as the next request',
    );
    assert.ok(closedAfterMs !== undefined, 'the connection is closed instead');
  });

  test(`when ${cases} seeded, mangled requests arrive over raw sockets, then none gets a 5xx, every error carries the envelope, and the server goes on serving`, async () => {
    const g = seeded(seed);
    const templates = [
      () => head(['GET /_graphmeet/health HTTP/1.1', 'Host: a']),
      () => head([`GET /v1.0/me/onlineMeetings/${meetingId} HTTP/1.1`, 'Host: a', `Authorization: Bearer ${token}`]),
      () => {
        const body = JSON.stringify({ subject: 'fuzz', externalId: `fuzz-${g.below(50)}` });
        return `${head([
          'POST /v1.0/me/onlineMeetings/createOrGet HTTP/1.1',
          'Host: a',
          `Authorization: Bearer ${token}`,
          'Content-Type: application/json',
          `Content-Length: ${Buffer.byteLength(body)}`,
        ])}${body}`;
      },
      () =>
        `${head([
          `PATCH /v1.0/me/onlineMeetings/${meetingId} HTTP/1.1`,
          'Host: a',
          `Authorization: Bearer ${token}`,
          'Content-Type: application/json',
          'Transfer-Encoding: chunked',
        ])}12\r\n{"subject":"fuzz"}\r\n0\r\n\r\n`,
    ];
    const bytes = () => String.fromCharCode(...Array.from({ length: 1 + g.below(4) }, () => g.below(256)));
    const mutations: ((s: string) => string)[] = [
      (s) => {
        const i = g.below(s.length);
        return s.slice(0, i) + bytes() + s.slice(i + 1);
      },
      (s) => {
        const i = g.below(s.length);
        return s.slice(0, i) + bytes() + s.slice(i);
      },
      (s) => {
        const i = g.below(s.length);
        return s.slice(0, i) + s.slice(i + 1 + g.below(20));
      },
      (s) => s.replace('\r\n', g.pick(['\n', '\r', '\r\n\r\n', ' \r\n', '\r\n '])),
      (s) => s.replace('Host: a', g.pick(['Host: a\r\nHost: b', 'Content-Length: 1\r\nHost: a', 'Host:'])),
      (s) => s.replace('HTTP/1.1', g.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x', 'http/1.1', ''])),
      (s) =>
        s.replace(/Content-Length: \d+/, `Content-Length: ${g.pick(['-1', '99999999999999999999', '0x10', '5', ''])}`),
      (s) =>
        s.replace(
          'Transfer-Encoding: chunked',
          g.pick(['Transfer-Encoding: gzip', 'Transfer-Encoding: chunked, chunked', 'Transfer-Encoding:  chunked']),
        ),
      (s) =>
        s.replace(/\r\n\r\n(.*)$/s, (_, body: string) => `\r\nX-Big: ${'y'.repeat(g.below(20_000))}\r\n\r\n${body}`),
      (s) => s.slice(0, g.below(s.length)),
      (s) => s + s,
    ];
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < cases) {
        const n = next++;
        let request = g.pick(templates)();
        for (let m = 0, count = 1 + g.below(3); m < count; m++) request = g.pick(mutations)(request);
        const sent = Buffer.from(request, 'latin1');
        const { responses } = await rawExchange(server.url, [sent], { waitMs: 4000, end: true });
        const problem = (() => {
          for (const r of responses) {
            if (r.status >= 500) return `status ${r.status}: ${r.body}`;
            if (r.status >= 400) {
              try {
                assertEnvelope(r, r.status);
              } catch (err) {
                return `no envelope on ${r.status}: ${(err as Error).message}`;
              }
            }
          }
          return undefined;
        })();
        if (problem)
          failures.push(`case ${n} (FRAMING_SEED=${seed}): ${problem}; sent ${JSON.stringify(request.slice(0, 300))}`);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${cases} cases failed`);
    const health = await fetch(`${server.url}/_graphmeet/health`);
    assert.equal(health.status, 200, 'the server still serves');
    const meeting = await fetch(`${server.url}/v1.0/me/onlineMeetings/${meetingId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(meeting.status, 200, 'the meeting still reads back');
  });
});
