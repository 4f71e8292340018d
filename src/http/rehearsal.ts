import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultAction, FaultRules } from '../domain/fault-rules.js';
import { journalBodyLimit, type RequestJournal } from '../domain/request-journal.js';
import type { Throttling } from '../domain/throttling.js';
import { injectedError } from '../graph/errors.js';
import { operationOf } from './metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The fault rule that answered this request instead of graphmeet, if one did. */
    injected: FaultAction | undefined;
  }
}

/**
 * Whether a request is one an app under test makes (the Graph API, the token endpoint and its discovery documents,
 * downloads, and any path nothing serves): those are recorded by the inspector and may meet fault rules and
 * throttling. The admin API, the console, health, metrics and the pages people open never are.
 */
export function isAppFacing(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route === undefined) return !request.url.startsWith('/_graphmeet/');
  return (
    route.startsWith('/v1.0/') ||
    route.startsWith('/beta/') ||
    route.startsWith('/:tenantId/') ||
    route.startsWith('/_graphmeet/downloads/')
  );
}

const what = (action: FaultAction) =>
  action.drop
    ? `dropped the connection${action.latencyMs ? ` after ${action.latencyMs} ms` : ''}`
    : [
        action.status ? `answered ${action.status}` : undefined,
        action.latencyMs ? `added ${action.latencyMs} ms` : undefined,
      ]
        .filter(Boolean)
        .join(', ');

/**
 * The inspector's recording: every app-facing answer, with the bodies as sent. Only references are kept (the parsed
 * request body, the payload as Fastify sends it, the headers); everything shown is worked out when an entry is read
 * (domain/request-journal.ts), so that recording costs a request next to nothing. Callback hooks: no promise each.
 */
export function registerInspector(app: FastifyInstance, journal: RequestJournal): void {
  if (!journal.enabled) return;
  app.decorateRequest('journalPayload', undefined);
  app.addHook('onSend', (request, _reply, payload, done) => {
    // A large answer (a recording, a big collection) is not held whole by the inspector: its start is copied.
    if (typeof payload === 'string') {
      (request as Captured).journalPayload =
        payload.length > journalBodyLimit ? payload.slice(0, journalBodyLimit + 1) : payload;
    } else if (Buffer.isBuffer(payload)) {
      (request as Captured).journalPayload =
        payload.length > journalBodyLimit ? Buffer.from(payload.subarray(0, journalBodyLimit + 1)) : payload;
    }
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (isAppFacing(request)) record(journal, request, reply.statusCode, reply.elapsedTime, reply.getHeaders());
    done();
  });
}

type Captured = FastifyRequest & { journalPayload: string | Buffer | undefined };

function record(
  journal: RequestJournal,
  request: FastifyRequest,
  status: number,
  elapsedMs: number,
  responseHeaders: Record<string, unknown>,
): void {
  const params = request.params as { meetingId?: unknown } | undefined;
  journal.record({
    id: request.id,
    clientRequestId: request.clientRequestId || request.id,
    endedMs: Date.now(),
    method: request.method,
    url: request.url,
    route: request.routeOptions.url,
    status,
    durationMs: elapsedMs,
    principal: request.principal ?? undefined,
    meetingId: typeof params?.meetingId === 'string' ? params.meetingId : undefined,
    requestHeaders: request.headers,
    // Nor a large request body (bodies may be as large as --body-limit).
    requestBody:
      Number(request.headers['content-length']) > journalBodyLimit
        ? `(a body of ${request.headers['content-length']} bytes, not kept)`
        : request.body,
    responseHeaders,
    responseBody: (request as Captured).journalPayload,
    injected: request.injected ? { ruleId: request.injected.ruleId, what: what(request.injected) } : undefined,
  });
}

/**
 * Fault rules and throttling, before a request's body is validated and handled: a rule that matches may wait, answer
 * for graphmeet or drop the connection; then, where throttling is on, the request counts against its app's windows.
 * When no rule is in force and throttling is off (the default), this costs two property reads.
 */
export function registerRehearsal(
  app: FastifyInstance,
  deps: { faults: FaultRules; throttling: Throttling; journal: RequestJournal },
): void {
  app.decorateRequest('injected', undefined);
  const rehearse = async (request: FastifyRequest, reply: FastifyReply) => {
    if (deps.faults.any) {
      const action = await deps.faults.decide(factsOf(request));
      if (action) {
        request.injected = action;
        if (action.latencyMs) await sleep(action.latencyMs);
        if (action.drop) {
          record(deps.journal, request, 0, reply.elapsedTime, {});
          reply.hijack();
          request.raw.socket.destroy();
          return;
        }
        if (action.status !== undefined) throw injectedError(action.status, action.retryAfterSeconds);
      }
    }
    const principal = request.principal;
    if (deps.throttling.any && principal) {
      await deps.throttling.countRequest(principal.tenantId, principal.appId);
    }
  };
  // The default (no rule, no throttling) returns at once, without a promise.
  app.addHook('preValidation', (request, reply, done) => {
    if ((!deps.faults.any && !deps.throttling.any) || !isAppFacing(request)) return done();
    rehearse(request, reply).then(
      () => {
        if (!reply.sent) done();
      },
      (err: Error) => done(err),
    );
  });
}

function factsOf(request: FastifyRequest) {
  const principal = request.principal;
  const params = request.params as { tenantId?: unknown } | undefined;
  const body = request.body as { client_id?: unknown } | undefined;
  const tenantId =
    principal?.tenantId ?? (typeof params?.tenantId === 'string' ? params.tenantId.toLowerCase() : undefined);
  const appId = principal?.appId ?? (typeof body?.client_id === 'string' ? body.client_id.toLowerCase() : undefined);
  return {
    method: request.method,
    path: request.url.split('?')[0] ?? request.url,
    operation: operationOf(request.method, request.routeOptions.url).operation,
    tenantId,
    appId: appId ?? undefined,
    userId: principal?.kind === 'delegated' ? principal.userId : undefined,
  };
}
