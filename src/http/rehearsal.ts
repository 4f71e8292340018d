import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultAction, FaultRules } from '../domain/fault-rules.js';
import { type JournalPrincipal, journalBodyLimit, type RequestJournal } from '../domain/request-journal.js';
import type { Throttling } from '../domain/throttling.js';
import { injectedError } from '../graph/errors.js';
import { loggableUrl } from './loggable-url.js';
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

function principalOf(request: FastifyRequest): JournalPrincipal | undefined {
  const p = request.principal;
  if (!p) return undefined;
  return p.kind === 'application'
    ? { kind: p.kind, tenantId: p.tenantId, userId: null, appId: p.appId }
    : { kind: p.kind, tenantId: p.tenantId, userId: p.userId, appId: p.appId };
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
 * The inspector's recording: every app-facing answer, with the bodies as sent. The response payload is kept as the
 * string Fastify sends (no copy); secrets are taken out when an entry is read (domain/request-journal.ts).
 */
export function registerInspector(app: FastifyInstance, journal: RequestJournal): void {
  if (!journal.enabled) return;
  app.decorateRequest('journalPayload', undefined);
  app.addHook('onSend', async (request, _reply, payload) => {
    if (typeof payload === 'string') (request as Captured).journalPayload = payload;
    else if (Buffer.isBuffer(payload) && payload.length <= journalBodyLimit) {
      (request as Captured).journalPayload = payload.toString();
    }
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    if (isAppFacing(request)) record(journal, request, reply.statusCode, reply.elapsedTime, reply.getHeaders());
  });
}

type Captured = FastifyRequest & { journalPayload: string | undefined };

function record(
  journal: RequestJournal,
  request: FastifyRequest,
  status: number,
  elapsedMs: number,
  responseHeaders: Record<string, unknown>,
): void {
  const payload = (request as Captured).journalPayload;
  const params = request.params as { meetingId?: unknown } | undefined;
  journal.record({
    id: request.id,
    clientRequestId: request.clientRequestId || request.id,
    time: new Date(Date.now() - elapsedMs).toISOString(),
    method: request.method,
    url: loggableUrl(request.url),
    operation: operationOf(request.method, request.routeOptions.url).operation,
    status,
    durationMs: Math.round(elapsedMs * 10) / 10,
    principal: principalOf(request),
    meetingId: typeof params?.meetingId === 'string' ? params.meetingId : undefined,
    requestHeaders: request.headers,
    requestBody: request.body,
    responseHeaders,
    responseBody: payload && payload.length > journalBodyLimit ? payload.slice(0, journalBodyLimit) : payload,
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
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!deps.faults.any && !deps.throttling.any) return;
    if (!isAppFacing(request)) return;
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
