import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { serveOnSuiteBackend, suiteBackendName } from '../helpers/backends.js';

/**
 * More load than the server can serve: past --max-concurrent-requests it answers 503 with Retry-After in Graph's
 * envelope at once, instead of letting every request queue. Clients that wait as Retry-After says (the Graph SDKs'
 * retry handlers do) then find the requests they get through served fast. Bounded runs on loopback: 300
 * connections, a few seconds each.
 */

interface LoadResult {
  acceptedMs: number[];
  statuses: Map<number, number>;
  /** 503s without Retry-After or without the envelope. */
  malformed: string[];
  healthDuringLoad: number;
}

function post(
  url: string,
  agent: http.Agent,
  token: string,
): Promise<{ status: number; ms: number; retryAfter?: string; body: string }> {
  const started = performance.now();
  const body = JSON.stringify({ subject: 'under load' });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/v1.0/me/onlineMeetings`,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode as number,
            ms: performance.now() - started,
            body: text,
            ...(retryAfter ? { retryAfter } : {}),
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function startLoaded(flags: string[]) {
  const { server, token, stop } = await serveOnSuiteBackend('graphmeet_overload', flags);
  return {
    /** `connections` clients creating meetings for `ms`; with `honourRetryAfter`, a client waits as a 503 asks. */
    async load(connections: number, ms: number, honourRetryAfter: boolean): Promise<LoadResult> {
      const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
      const result: LoadResult = { acceptedMs: [], statuses: new Map(), malformed: [], healthDuringLoad: 0 };
      const until = performance.now() + ms;
      const client = async () => {
        while (performance.now() < until) {
          const r = await post(server.url, agent, token);
          result.statuses.set(r.status, (result.statuses.get(r.status) ?? 0) + 1);
          if (r.status === 201) result.acceptedMs.push(r.ms);
          if (r.status !== 503) continue;
          const error = JSON.parse(r.body).error;
          if (r.retryAfter !== '2' || error?.code !== 'serviceNotAvailable' || !error.innerError?.['request-id']) {
            result.malformed.push(`${r.retryAfter} ${r.body}`);
          }
          if (honourRetryAfter) await sleep(Number(r.retryAfter) * 1000);
        }
      };
      const health = (async () => {
        await sleep(ms / 2);
        result.healthDuringLoad = (await fetch(`${server.url}/_graphmeet/health`)).status;
      })();
      await Promise.all([...Array.from({ length: connections }, client), health]);
      agent.destroy();
      return result;
    },
    stop,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

describe(`overload (${suiteBackendName})`, () => {
  test('when 300 connections load a server that serves 16 requests at once, then the rest get 503 with Retry-After in the envelope at once, and clients that wait as told are served far faster than with no limit', async () => {
    const shedding = await startLoaded(['--max-concurrent-requests', '16']);
    const queueing = await startLoaded(['--max-concurrent-requests', '0']);
    try {
      // Clients that ignore Retry-After and ask again at once: turned away, never failed.
      const flood = await shedding.load(300, 1500, false);
      assert.deepEqual([...flood.statuses.keys()].sort(), [201, 503], 'created or turned away, nothing else');
      assert.deepEqual(flood.malformed.slice(0, 3), [], '503s carry Retry-After and the envelope');
      assert.equal(flood.healthDuringLoad, 200, 'health answers through the overload');

      const shed = await shedding.load(300, 3000, true);
      const queued = await queueing.load(300, 3000, true);
      assert.deepEqual(shed.malformed.slice(0, 3), []);
      assert.deepEqual([...queued.statuses.keys()], [201], 'with no limit, every request queues and is served');
      const [shedMs, queuedMs] = [median(shed.acceptedMs), median(queued.acceptedMs)];
      assert.ok(
        shedMs < queuedMs / 3,
        `median latency of created meetings: ${shedMs.toFixed(1)} ms when shedding, ${queuedMs.toFixed(1)} ms when queueing`,
      );
    } finally {
      await shedding.stop();
      await queueing.stop();
    }
  });

  test('when the event loop lags past --max-event-loop-delay, then requests get 503 with Retry-After in the envelope until it catches up', async () => {
    const lagging = await startLoaded(['--max-concurrent-requests', '0', '--max-event-loop-delay', '1']);
    try {
      const flood = await lagging.load(200, 3000, false);
      assert.deepEqual([...flood.statuses.keys()].sort(), [201, 503], 'created or turned away, nothing else');
      assert.deepEqual(flood.malformed.slice(0, 3), [], '503s carry Retry-After and the envelope');
      assert.equal(flood.healthDuringLoad, 200, 'health answers through the overload');
    } finally {
      await lagging.stop();
    }
  });
});
