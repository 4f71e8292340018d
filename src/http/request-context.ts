import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphError } from '../graph/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client's `client-request-id`, or our request id when it sent none (Graph does the same). */
    clientRequestId: string;
    /** Explain mode: a 4xx answer says in a header which rule refused the request and how to satisfy it. */
    explain: boolean;
    /** The error the answer was made from, if it is an error (the metrics count refused tokens by it). */
    graphError: GraphError | undefined;
  }
}

/** A client-request-id is echoed back, so only a short token of visible ASCII is taken as one. */
const clientRequestIdPattern = /^[\x21-\x7e]{1,128}$/;

export const newRequestId = () => randomUUID();

/** The client's `client-request-id` when it is a plain token, else our request id (Graph does the same). */
export function clientRequestIdOf(sent: string | string[] | undefined, requestId: string): string {
  return typeof sent === 'string' && clientRequestIdPattern.test(sent) ? sent : requestId;
}

/** Sets the request ids on request and reply; idempotent, so error paths that skip hooks can call it too. */
export function applyRequestContext(request: FastifyRequest, reply: FastifyReply): void {
  if (request.clientRequestId) return;
  request.clientRequestId = clientRequestIdOf(request.headers['client-request-id'], request.id);
  reply.header('request-id', request.id);
  reply.header('client-request-id', request.clientRequestId);
}

/** The header that asks for explain mode on one request, and carries the explanation on the answer. */
export const explainHeader = 'x-graphmeet-explain';

/**
 * Every response carries `request-id` and echoes `client-request-id`, errors included. Explain mode is on for every
 * request with `explainAll` (--explain), else for requests that send `x-graphmeet-explain: true`.
 */
export function registerRequestContext(app: FastifyInstance, explainAll = false): void {
  app.decorateRequest('clientRequestId', '');
  app.decorateRequest('explain', false);
  app.decorateRequest('graphError', undefined);
  app.addHook('onRequest', async (request, reply) => {
    request.explain = explainAll || request.headers[explainHeader] === 'true';
    applyRequestContext(request, reply);
  });
}
