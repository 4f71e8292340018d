import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { GraphError } from '../graph/errors.js';

/** Where Prometheus scrapes; public, like the health endpoints (it names no tenant, user or token). */
export const metricsPath = '/metrics';

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * graphmeet's Prometheus metrics, one registry per server (tests run many in one process): requests by operation,
 * status class and API version, their latency, meetings created, refused tokens by reason, store call timings, and
 * Node's own (event-loop lag, CPU, memory, GC) from prom-client's default collectors.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'graphmeet_http_requests_total',
    help: 'Requests answered, by operation, status class (2xx, 4xx, 5xx) and Graph API version ("" outside Graph).',
    labelNames: ['operation', 'status_class', 'version'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'graphmeet_http_request_duration_seconds',
    help: 'Time from the request arriving to the answer being sent, by operation and Graph API version.',
    labelNames: ['operation', 'version'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  private readonly created = new Counter({
    name: 'graphmeet_meetings_created_total',
    help: 'Meetings created (by create, and by createOrGet when it created one), by Graph API version.',
    labelNames: ['version'] as const,
    registers: [this.registry],
  });
  private readonly tokenFailures = new Counter({
    name: 'graphmeet_token_failures_total',
    help: 'Requests refused with 401 because of their token or admin key, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly storeCalls = new Histogram({
    name: 'graphmeet_store_call_duration_seconds',
    help: 'Time a call into the database took as the caller saw it (batching included), by call and outcome.',
    labelNames: ['call', 'outcome'] as const,
    buckets: latencyBuckets,
    registers: [this.registry],
  });
  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts every answer; serves the text format at /metrics. */
  register(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const { operation, version } = operationOf(request.method, request.routeOptions.url);
      const status = reply.statusCode;
      this.requests.inc({ operation, status_class: `${Math.floor(status / 100)}xx`, version });
      this.latency.observe({ operation, version }, reply.elapsedTime / 1000);
      if (status === 201 && (operation === 'create' || operation === 'createOrGet')) this.created.inc({ version });
      if (status === 401) this.tokenFailures.inc({ reason: tokenFailureReason(request.graphError) });
    });
    app.get(metricsPath, async (_request, reply) =>
      reply.type(this.registry.contentType).send(await this.registry.metrics()),
    );
  }

  /**
   * The store, with each call that returns a promise timed under the method's name. The domain gets this one; the
   * store itself is unchanged (the CLI and migrations use it directly).
   */
  timed<T extends object>(store: T): T {
    const wrappers = new Map<string, unknown>();
    const histogram = this.storeCalls;
    return new Proxy(store, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        let wrapper = wrappers.get(prop);
        if (!wrapper) {
          wrapper = (...args: unknown[]) => {
            const result = (value as (...a: unknown[]) => unknown).apply(target, args);
            if (!(result instanceof Promise)) return result;
            const end = histogram.startTimer({ call: prop });
            return result.then(
              (v) => {
                end({ outcome: 'ok' });
                return v;
              },
              (err) => {
                end({ outcome: 'error' });
                throw err;
              },
            );
          };
          wrappers.set(prop, wrapper);
        }
        return wrapper;
      },
    });
  }
}

/** The Graph operation a route serves (named as in Graph's docs), or what else it is. */
export function operationOf(method: string, url: string | undefined): { operation: string; version: string } {
  if (url === undefined) return { operation: 'unmatched', version: '' };
  // Routes are few: each is worked out once (the metrics and the inspector ask on every request).
  const key = `${method} ${url}`;
  let found = knownRoutes.get(key);
  if (!found) {
    found = routeOperation(method, url);
    knownRoutes.set(key, found);
  }
  return found;
}

const knownRoutes = new Map<string, { operation: string; version: string }>();

function routeOperation(method: string, url: string): { operation: string; version: string } {
  const graph = /^\/(v1\.0|beta)\//.exec(url);
  if (!graph) {
    if (url.startsWith('/_graphmeet/health')) return { operation: 'health', version: '' };
    if (url.startsWith('/_graphmeet/ready')) return { operation: 'ready', version: '' };
    if (url.startsWith('/_graphmeet/downloads/')) return { operation: 'download', version: '' };
    if (url.startsWith('/_graphmeet/')) return { operation: 'admin', version: '' };
    if (url.endsWith('/oauth2/v2.0/token')) return { operation: 'token', version: '' };
    if (url === metricsPath) return { operation: 'metrics', version: '' };
    if (url === '/openapi.json') return { operation: 'openapi', version: '' };
    return { operation: 'identity', version: '' };
  }
  const version = graph[1] as string;
  return { operation: graphOperation(method, url), version };
}

/** The attendance and live-event navigations of a meeting, by the route's last segments. */
const navigations: [RegExp, string][] = [
  [/\/attendanceReports\/:reportId\/attendanceRecords$/, 'listAttendanceRecords'],
  [/\/attendanceReports\/:reportId$/, 'getAttendanceReport'],
  [/\/attendanceReports$/, 'listAttendanceReports'],
  [/\/meetingAttendanceReport$/, 'getMeetingAttendanceReport'],
  [/\/:meetingId\/(attendeeReport|recording|alternativeRecording|broadcastRecording)$/, 'getLiveEventStream'],
];

function graphOperation(method: string, url: string): string {
  if (url.endsWith('/$metadata')) return 'metadata';
  if (/\/(communications|app)\/onlineMeetings$/.test(url)) return 'getByVideoTeleconferenceId';
  if (url.endsWith('/createOrGet')) return 'createOrGet';
  const navigation = navigations.find(([pattern]) => pattern.test(url));
  if (navigation) return navigation[1];
  if (url.endsWith('/:meetingId')) {
    return ({ GET: 'get', PATCH: 'update', DELETE: 'delete' } as Record<string, string>)[method] ?? method;
  }
  return method === 'POST' ? 'create' : 'getByFilter';
}

/** Why a token was refused, from a small fixed set (label values must stay few). */
export function tokenFailureReason(error: GraphError | undefined): string {
  if (!error) return 'other';
  if (error.code === 'Unauthorized') return 'admin_key';
  const m = error.message;
  const reasons: [RegExp, string][] = [
    [/empty|Bearer scheme/, 'missing'],
    [/expired/, 'expired'],
    [/not yet valid/, 'not_yet_valid'],
    [/does not know|not among the issuer/, 'unknown_key'],
    [/signature/i, 'signature'],
    [/issuer\.$/, 'issuer'],
    [/audience/, 'audience'],
    [/could not be retrieved/, 'keys_unavailable'],
    [/well-formed|too long|algorithm/, 'malformed'],
    [/claim/, 'claims'],
  ];
  return reasons.find(([pattern]) => pattern.test(m))?.[1] ?? 'other';
}
