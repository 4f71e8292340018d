import { isUtf8 } from 'node:buffer';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { Clock } from './common/clock.js';
import { clip } from './common/text.js';
import type { ClockControl } from './domain/clock-control.js';
import { parseDateTimeOffset } from './domain/date-time.js';
import type { DirectoryAdmin } from './domain/directory-admin.js';
import type { FaultRules } from './domain/fault-rules.js';
import type { MeetingAdmin } from './domain/meeting-admin.js';
import type { MeetingRooms } from './domain/meeting-rooms.js';
import type { MeetingService } from './domain/online-meetings.js';
import type { PasscodeThrottle } from './domain/passcode-check.js';
import type { RequestJournal } from './domain/request-journal.js';
import type { Throttling } from './domain/throttling.js';
import { liveEventStreams } from './graph/attendance-report.js';
import { csdlDocument } from './graph/csdl.js';
import { badRequest, GraphError, methodNotAllowed, notFound, serviceNotAvailable } from './graph/errors.js';
import type { Fidelity } from './graph/online-meeting.js';
import { type ApiVersion, apiVersions } from './graph/types.js';
import { registerAdminRoutes } from './http/admin/index.js';
import { registerBearerAuth } from './http/bearer-auth.js';
import { registerDownloads } from './http/downloads.js';
import {
  AdmissionGate,
  defaultEdgeLimits,
  type EdgeLimits,
  edgeServerOptions,
  registerHostCheck,
  registerLoadShedding,
} from './http/edge.js';
import { graphContentType, sendGraphError, toGraphError } from './http/graph-error.js';
import { keyAsSegment } from './http/key-syntax.js';
import { decodedSegment, loggableUrl } from './http/loggable-url.js';
import { registerLoginRoutes } from './http/login/index.js';
import type { Metrics } from './http/metrics.js';
import { registerOpenApi } from './http/openapi.js';
import { registerInspector, registerRehearsal } from './http/rehearsal.js';
import { meetingAnswer, RenderedMeetings } from './http/render/online-meeting.js';
import { newRequestId, registerRequestContext } from './http/request-context.js';
import { registerGraphRoutes } from './http/routes/index.js';
import type { AdminKey } from './identity/admin-key.js';
import type { LinkSigner } from './identity/link-signer.js';
import type { TokenEndpoint } from './identity/token-endpoint.js';
import type { TokenVerifier } from './identity/token-verifier.js';
import type { MeetingRecord, Store } from './storage/store.js';
import { registerWebPages } from './web/index.js';

/** The services the HTTP app serves; compose.ts makes them. */
export interface AppServices {
  clock: Clock;
  meetings: MeetingService;
  admin: DirectoryAdmin;
  verifier: TokenVerifier;
  tokens: TokenEndpoint;
  adminKey: AdminKey;
  publicUrl: () => string;
  storage: Store['dialect'];
  readiness: Store['readiness'];
  metrics: Metrics;
  rooms: MeetingRooms;
  clockControl: ClockControl;
  /** Signs download links. */
  links: LinkSigner;
  /** The secret page sessions are signed with (kept in the store, shared by every node). */
  pageKey: string;
  passcodeThrottle: PasscodeThrottle;
  meetingAdmin: MeetingAdmin;
  /** The request inspector of this node. */
  journal: RequestJournal;
  faults: FaultRules;
  throttling: Throttling;
}

export interface HttpOptions {
  bodyLimit: number;
  /** Timeouts and load shedding; defaults: the settings' defaults. */
  edge?: EdgeLimits;
  /** Default: observed. */
  fidelity?: Fidelity;
  /** Explain mode for every request (else only for those that ask with x-graphmeet-explain: true). */
  explain?: boolean;
  /** A pino logger; none in tests that do not look at logs. */
  logger?: FastifyBaseLogger;
  https?: { key: string; cert: string };
}

/** Where in a parsed JSON body a string holds U+0000, which PostgreSQL text cannot store: its path, or undefined. */
function nulAt(value: unknown, at: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at : undefined;
  if (!value || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nulAt(inner, Array.isArray(value) ? `${at}[${key}]` : at ? `${at}.${key}` : key);
    if (found !== undefined) return found;
  }
  return undefined;
}

const notReady = (reason: string) => serviceNotAvailable(`Not ready: ${reason}`);

/** The HTTP app, without listening: used by the server process, the CLI and the tests alike. */
export async function buildApp(services: AppServices, deps: HttpOptions) {
  const edge = deps.edge ?? defaultEdgeLimits;
  const gate = new AdmissionGate(edge.maxConcurrentRequests, edge.maxEventLoopDelayMs);
  const options: FastifyServerOptions = {
    ...edgeServerOptions(edge, gate, deps.https),
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.bodyLimit,
    genReqId: newRequestId,
    // While draining, a request on a kept-alive connection is served (with Connection: close), not refused.
    return503OnClosing: false,
    requestIdHeader: false,
    // One line per request is written by the onResponse hook below instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Errors Fastify raises before routing (e.g. a malformed URL) get the same envelope as all others.
    frameworkErrors: (err, request, reply) => sendGraphError(request, reply, toGraphError(err)),
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: 2048 },
    rewriteUrl: (request) => keyAsSegment(request.url ?? '/'),
    ajv: {
      // Graph does not coerce ("true" is not a boolean) and rejects what a type does not define.
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        useDefaults: false,
        allErrors: false,
        verbose: true,
        allowUnionTypes: true,
      },
      plugins: [
        (ajv) =>
          ajv.addFormat('date-time-offset', {
            type: 'string',
            validate: (s: string) => parseDateTimeOffset(s) !== null,
          }),
      ],
    },
  };
  const app = Fastify(options).withTypeProvider<TypeBoxTypeProvider>();

  // Only JSON bodies: a text/plain body gets 415 instead of reaching validation as a string.
  app.removeContentTypeParser('text/plain');
  // A DELETE takes no body, but clients often send their usual Content-Type: application/json with it. An empty
  // body is then no body, as Graph treats it; everywhere else an empty JSON body stays a 400.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    // JSON is UTF-8 text: bytes that are not would otherwise be stored as U+FFFD, silently changing what was sent.
    if (!isUtf8(body as Buffer)) {
      return done(badRequest('The request body is not valid UTF-8 text: send JSON encoded as UTF-8.'));
    }
    const text = body.toString();
    if (text === '' && request.method === 'DELETE') return done(null, undefined);
    // JSON can carry U+0000 only as the escape \u0000: look closer only when that text is there at all.
    if (!text.includes('\\u0000')) return parseJson(request, text, done);
    parseJson(request, text, (err, parsed) => {
      const at = err ? undefined : nulAt(parsed, '');
      if (at === undefined) return done(err, parsed);
      done(badRequest(`The value of '${clip(at)}' contains the character U+0000, which graphmeet does not store.`));
    });
  });

  // First, so that it sees every route registered after it.
  await registerOpenApi(app);
  registerRequestContext(app, deps.explain ?? false);
  services.metrics.register(app);
  registerHostCheck(app);
  registerLoadShedding(app, gate);
  registerDrain(app);
  registerInspector(app, services.journal);
  registerRehearsal(app, { faults: services.faults, throttling: services.throttling, journal: services.journal });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: loggableUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        tenant: request.principal?.tenantId,
      },
      'request',
    );
  });

  app.setErrorHandler((err, request, reply) => {
    const graphError = toGraphError(err);
    // A GraphError is an answer the server chose (e.g. 503 when overloaded); anything else is worth a look.
    if (graphError.status >= 500 && !(err instanceof GraphError)) request.log.error({ err }, 'request failed');
    return sendGraphError(request, reply, graphError);
  });

  app.setNotFoundHandler((request, reply) =>
    sendGraphError(request, reply, routeNotFound(request.method, request.url)),
  );

  // Liveness: the process answers. Readiness: it can also reach and write its database (for a load balancer).
  app.get('/_graphmeet/health', async (_request, reply) =>
    reply.type(graphContentType).send({ status: 'ok', storage: services.storage }),
  );
  app.get('/_graphmeet/ready', async (request, reply) => {
    const state = await services.readiness();
    if (state.ready) return reply.type(graphContentType).send({ status: 'ready', storage: services.storage });
    return sendGraphError(request, reply, notReady(state.reason));
  });

  // Public, as Graph's is: the CSDL of what is served, which the @odata.context links point into.
  for (const version of apiVersions) {
    const document = csdlDocument(version);
    app.get(`/${version}/$metadata`, async (_request, reply) => reply.type('application/xml').send(document));
  }

  const fidelity = deps.fidelity ?? 'observed';
  // Meetings as the Graph API answers them, for the admin API and the console alike.
  const meetingJson = (request: FastifyRequest, reply: FastifyReply, meeting: MeetingRecord, version: ApiVersion) =>
    meetingAnswer(request, reply, meeting, { publicUrl: services.publicUrl, fidelity }, version);

  await app.register(
    async (scope) =>
      registerAdminRoutes(scope.withTypeProvider<TypeBoxTypeProvider>(), {
        admin: services.admin,
        key: services.adminKey,
        rooms: services.rooms,
        clockControl: services.clockControl,
        links: services.links,
        meetingAdmin: services.meetingAdmin,
        journal: services.journal,
        faults: services.faults,
        throttling: services.throttling,
        meetingJson,
      }),
    { prefix: '/_graphmeet' },
  );

  await registerLoginRoutes(app, { tokens: services.tokens });
  registerDownloads(app, { rooms: services.rooms, links: services.links, clock: services.clock });
  await registerWebPages(app, {
    rooms: services.rooms,
    meetings: services.meetings,
    clock: services.clock,
    throttle: services.passcodeThrottle,
    pageKey: services.pageKey,
    secure: deps.https !== undefined,
    adminKey: services.adminKey,
    admin: services.admin,
    meetingAdmin: services.meetingAdmin,
    journal: services.journal,
    faults: services.faults,
    throttling: services.throttling,
    meetingJson,
  });

  const rendered = new RenderedMeetings();
  for (const version of apiVersions) {
    await app.register(
      async (scope) => {
        registerBearerAuth(scope, services.verifier, services.clock);
        registerGraphRoutes(scope.withTypeProvider<TypeBoxTypeProvider>(), {
          version,
          meetings: services.meetings,
          publicUrl: services.publicUrl,
          rendered,
          fidelity,
          clock: services.clock,
          links: services.links,
        });
      },
      { prefix: `/${version}` },
    );
  }

  await app.ready();
  return app;
}

/**
 * A graceful stop: from the moment the server starts closing, every answer carries Connection: close, and kept-alive
 * connections are closed as soon as they are idle (Node closes the idle ones once; those still busy then become idle
 * later). A client's next request opens a new connection (to another node) instead of meeting a reset.
 */
function registerDrain(app: FastifyInstance): void {
  let draining = false;
  let reaper: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    draining = true;
    reaper = setInterval(() => app.server.closeIdleConnections(), 100);
  });
  app.addHook('onClose', async () => clearInterval(reaper));
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });
}

/** Graph answers an unknown segment with 400 and a known resource with an unsupported method with 405. */
function routeNotFound(method: string, url: string): GraphError {
  const path = url.split('?')[0] ?? '';
  if (!/^\/(v1\.0|beta)(\/|$)/i.test(path)) return notFound(`Nothing is served at '${path}'.`);
  const segments = path.split('/').filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  // Under onlineMeetings, a known resource with another method; except a stream the version does not have.
  if (/\/onlineMeetings(\/|$)/i.test(path) && !isStreamOfOtherVersion(path, last)) {
    return methodNotAllowed(`The HTTP method '${method}' is not supported on this onlineMeetings resource.`);
  }
  const segment = segments.length > 1 ? segments[segments.length - 1] : '';
  return badRequest(`Resource not found for the segment '${clip(decodedSegment(segment ?? ''), 100)}'.`);
}

/** A navigation of beta asked for in v1.0 (e.g. /v1.0/…/recording): v1.0 has no such segment. */
function isStreamOfOtherVersion(path: string, segment: string): boolean {
  const version = path.toLowerCase().startsWith('/beta/') ? 'beta' : 'v1.0';
  const name = segment.toLowerCase();
  if (name === 'meetingattendancereport') return version !== 'beta';
  return Object.entries(liveEventStreams).some(
    ([stream, versions]) => stream.toLowerCase() === name && !(versions as readonly string[]).includes(version),
  );
}
