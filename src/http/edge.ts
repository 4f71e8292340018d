import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { type Config, settings } from '../config/config.js';
import { badRequest, type GraphError, headersTooLarge, requestTimeout, serviceNotAvailable } from '../graph/errors.js';
import { errorBody, graphContentType, retryAfterSeconds } from './graph-error.js';
import { clientRequestIdOf, newRequestId } from './request-context.js';

/**
 * Where the server meets the network before a request reaches a route: how long a client may take, how much is
 * served at once, and the answer to a request the HTTP parser could not read.
 */
export interface EdgeLimits {
  /** From the connection (or the start of a request) to its last header. */
  headerTimeoutMs: number;
  /** From the start of a request to the end of its body. */
  requestTimeoutMs: number;
  /** A kept-alive connection's idle time between requests. */
  keepAliveTimeoutMs: number;
  /** Requests served at once; 0: no limit. */
  maxConcurrentRequests: number;
  /** Event-loop lag past which requests are turned away; 0: never. */
  maxEventLoopDelayMs: number;
}

type EdgeSettings = Pick<
  Config,
  'headerTimeout' | 'requestTimeout' | 'keepAliveTimeout' | 'maxConcurrentRequests' | 'maxEventLoopDelay'
>;

/** The limits the settings give (timeouts in seconds there). */
export function edgeLimitsOf(c: EdgeSettings): EdgeLimits {
  return {
    headerTimeoutMs: c.headerTimeout * 1000,
    requestTimeoutMs: c.requestTimeout * 1000,
    keepAliveTimeoutMs: c.keepAliveTimeout * 1000,
    maxConcurrentRequests: c.maxConcurrentRequests,
    maxEventLoopDelayMs: c.maxEventLoopDelay,
  };
}

export const defaultEdgeLimits = edgeLimitsOf({
  headerTimeout: settings.headerTimeout.default,
  requestTimeout: settings.requestTimeout.default,
  keepAliveTimeout: settings.keepAliveTimeout.default,
  maxConcurrentRequests: settings.maxConcurrentRequests.default,
  maxEventLoopDelay: settings.maxEventLoopDelay.default,
});

/** Node checks header and request timeouts on a timer; its default (30 s) would let a slow client stay that long. */
const timeoutCheckIntervalMs = 500;

/**
 * Turns requests away where Node hands them over, before any framework work, when the server cannot serve them in
 * time: past `maxConcurrentRequests` in flight, or while the event loop lags more than `maxEventLoopDelayMs` (the CPU
 * is starved). A request turned away gets 503 with Retry-After and a body made here, which costs a small part of what
 * serving it would; overload then spends the CPU on the requests accepted, and their latency stays bounded instead of
 * growing with the number of clients. Health and readiness are always served.
 */
export class AdmissionGate {
  private inFlight = 0;
  /** Requests turned away since the last report. */
  turnedAway = 0;
  private readonly lag: LagMonitor | undefined;

  constructor(
    readonly max: number,
    maxEventLoopDelayMs: number,
  ) {
    this.lag = maxEventLoopDelayMs > 0 ? new LagMonitor(maxEventLoopDelayMs) : undefined;
  }

  /** Starts watching the event loop: once the server listens, so that its start-up work does not count. */
  start(): void {
    this.lag?.start();
  }

  stop(): void {
    this.lag?.stop();
  }

  wrap(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    const max = this.max === 0 ? Number.POSITIVE_INFINITY : this.max;
    if (max === Number.POSITIVE_INFINITY && !this.lag) return handler;
    const release = () => {
      this.inFlight--;
    };
    return (req: IncomingMessage, res: ServerResponse) => {
      if ((this.inFlight >= max || this.lag?.lagging) && !alwaysServedUrl.test(req.url ?? '')) {
        this.turnedAway++;
        refuse(req, res);
        return;
      }
      this.inFlight++;
      // 'close' comes once for every response: sent, failed or abandoned by the client.
      res.once('close', release);
      handler(req, res);
    };
  }
}

/**
 * The event loop's lag, sampled every half second: the mean delay Node measured, or, when the loop was blocked for
 * the whole interval (no delay measured at all), how late the sampling timer itself ran.
 */
class LagMonitor {
  lagging = false;
  private readonly histogram = monitorEventLoopDelay({ resolution: lagResolutionMs });
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly maxMs: number) {}

  start(): void {
    if (this.timer) return;
    this.histogram.enable();
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const late = now - last - lagSampleMs;
      last = now;
      const mean = this.histogram.mean / 1e6 - lagResolutionMs;
      this.histogram.reset();
      this.lagging = Math.max(Number.isNaN(mean) ? 0 : mean, late) > this.maxMs;
    }, lagSampleMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.histogram.disable();
  }
}

const lagSampleMs = 500;
const lagResolutionMs = 10;

/** Health and readiness, which load balancers must reach however busy the server is. */
const alwaysServedUrl = /^\/_graphmeet\/(health|ready)(\?|$)/;

/** The 503 of a request turned away, in Graph's envelope, written straight to the response outside the framework. */
function refuse(req: IncomingMessage, res: ServerResponse): void {
  const id = newRequestId();
  const clientRequestId = clientRequestIdOf(req.headers['client-request-id'], id);
  const body = JSON.stringify(errorBody(overloaded(), id, clientRequestId));
  res.writeHead(503, {
    'content-type': graphContentType,
    'content-length': Buffer.byteLength(body),
    'request-id': id,
    'client-request-id': clientRequestId,
    'retry-after': String(retryAfterSeconds),
  });
  res.end(body);
}

/** Fastify's server options for these limits; `https` is the TLS key and certificate, when serving HTTPS. */
export function edgeServerOptions(
  limits: EdgeLimits,
  gate: AdmissionGate,
  https?: { key: string; cert: string },
): FastifyServerOptions {
  const server = {
    headersTimeout: limits.headerTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: timeoutCheckIntervalMs,
    // Node would answer a missing Host with a bare 400 of its own; registerHostCheck answers with the envelope.
    requireHostHeader: false,
  };
  return {
    clientErrorHandler: answerUnreadableRequest,
    // Fastify reads this only to write "https://" in its listening line; the server below is made here.
    ...(https ? { https: true as unknown as null } : {}),
    serverFactory: (handler) => {
      const listener = gate.wrap(handler);
      const made = https ? createHttpsServer({ ...https, ...server }, listener) : createHttpServer(server, listener);
      made.keepAliveTimeout = server.keepAliveTimeout;
      made.requestTimeout = server.requestTimeout;
      return made;
    },
  };
}

/** HTTP/1.1 requires a Host header (RFC 9112, 3.2); a request without one gets 400 in Graph's envelope. */
export function registerHostCheck(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      return done(badRequest('An HTTP/1.1 request must have a Host header.'));
    }
    done();
  });
}

const overloaded = () =>
  serviceNotAvailable(`The server is busy serving other requests. Try again in ${retryAfterSeconds} seconds.`);

/** How often the log says how many requests were turned away, when any were. */
const reportEveryMs = 10_000;

/** The gate's watch of the event loop, from the moment the server listens; and its report in the log. */
export function registerLoadShedding(app: FastifyInstance, gate: AdmissionGate): void {
  app.addHook('onListen', async () => gate.start());
  const report = setInterval(() => {
    if (gate.turnedAway === 0) return;
    app.log.warn(
      { turnedAway: gate.turnedAway },
      `turned away ${gate.turnedAway} requests with 503 in the last ${reportEveryMs / 1000} s: more than ${gate.max} were in flight (--max-concurrent-requests), or the event loop lagged (--max-event-loop-delay)`,
    );
    gate.turnedAway = 0;
  }, reportEveryMs).unref();
  app.addHook('onClose', async () => {
    clearInterval(report);
    gate.stop();
  });
}

/**
 * Node's HTTP parser calls this for a request it cannot read (framing, sizes, an unknown method) or that timed out.
 * The client gets Graph's envelope with a request-id and the connection closes. One exception: when the request
 * was answered already (e.g. a 401 before its body arrived) and then its body turns out broken, a second answer would
 * be read by the client as the answer to its next request; the connection is closed without one.
 */
function answerUnreadableRequest(
  this: FastifyInstance,
  err: NodeJS.ErrnoException & { reason?: string },
  socket: Socket,
) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // Node's own fields for the message being parsed and the response being written on this socket.
  const { parser, _httpMessage: response } = socket as Socket & {
    parser?: { incoming?: IncomingMessage | null } | null;
    _httpMessage?: ServerResponse | null;
  };
  const incoming = parser?.incoming;
  const answered = response ? response.headersSent : incoming != null && !incoming.complete;
  const error = unreadable(err);
  // A client's broken request is the client's problem, not the server's: not a warning.
  this.log.debug({ code: err.code, status: answered ? undefined : error.status }, 'unreadable request');
  if (answered || !socket.writable) {
    socket.destroy();
    return;
  }
  const id = newRequestId();
  const body = JSON.stringify(errorBody(error, id, id));
  const head = [
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}`,
    `content-type: ${graphContentType}`,
    `content-length: ${Buffer.byteLength(body)}`,
    `request-id: ${id}`,
    `client-request-id: ${id}`,
    `date: ${new Date().toUTCString()}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
  // A client that never reads its answer must not hold the socket.
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** The error a client gets for a request the parser could not read. */
function unreadable(err: NodeJS.ErrnoException & { reason?: string }): GraphError {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return requestTimeout('The request was not received in time: the server closes connections that are this slow.');
    case 'HPE_HEADER_OVERFLOW':
      return headersTooLarge('The request headers are larger than the server accepts (16 KB in all).');
    case 'HPE_INVALID_METHOD':
      return badRequest('The request method is not one HTTP/1.1 defines.');
    default:
      // The parser's reason names the fault (e.g. "Transfer-Encoding can't be present with Content-Length") and
      // never repeats what the client sent.
      return badRequest(`The request is not valid HTTP/1.1${err.reason ? `: ${err.reason}` : ''}.`);
  }
}
