import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { clip } from '../common/text.js';
import {
  badRequest,
  clientError,
  errorEnvelope,
  GraphError,
  internalServerError,
  payloadTooLarge,
  serviceNotAvailable,
  unsupportedMediaType,
} from '../graph/errors.js';
import { readOnlyProperties } from '../graph/online-meeting.js';
import { databaseUnavailable } from '../storage/unavailable.js';
import { applyRequestContext, explainHeader } from './request-context.js';

/** Graph's JSON content type, which the SDKs accept as application/json. */
export const graphContentType =
  'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Response schemas for the errors every route can answer with: Graph's envelope, for the Graph and admin APIs. */
export const errorResponses = {
  '4xx': errorEnvelope,
  '5xx': errorEnvelope,
};

/** How long a client is asked to wait before it retries a 503. */
export const retryAfterSeconds = 2;

/** Graph's error envelope. The one place error bodies are made. */
export function errorBody(error: GraphError, requestId: string, clientRequestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId,
      },
    },
  };
}

/** Writes Graph's error envelope as the answer to a request. */
export function sendGraphError(request: FastifyRequest, reply: FastifyReply, error: GraphError): FastifyReply {
  applyRequestContext(request, reply);
  request.graphError = error;
  // A client may retry a 503 (the database is down or read-only, the server overloaded) after this many seconds.
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  else if (error.status === 503) reply.header('retry-after', String(retryAfterSeconds));
  // A refused token is the one failure the client cannot see the reason of (Graph's message stays terse): the
  // operator reads it in the log (signed by another key, another issuer, expired ...). It names no token.
  if (error.status === 401) request.log.warn(`token refused: ${error.explanation ?? error.message}`);
  // The body stays Graph's; the reason goes beside it. A header takes printable ASCII only.
  if (request.explain && error.status < 500) {
    reply.header(explainHeader, (error.explanation ?? error.message).replace(/[^\x20-\x7e]/g, '?'));
  }
  return reply
    .code(error.status)
    .type(graphContentType)
    .send(errorBody(error, request.id, request.clientRequestId));
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  parentSchema?: { title?: string };
  data?: unknown;
}

const jsonTypeNames: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  number: 'a number',
  integer: 'an integer',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

/** Turns anything thrown while handling a request into the GraphError the client sees. */
export function toGraphError(err: unknown): GraphError {
  if (err instanceof GraphError) return err;
  const e = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (e.validation && e.validation.length > 0) return validationError(e.validation, e.validationContext ?? 'body');
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType('The request body must be JSON: send it with Content-Type: application/json.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge('The request body is larger than this server accepts.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('Request payload cannot be null.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest('The Content-Length header does not match the body.');
    case 'FST_ERR_BAD_URL':
      return badRequest('The request URL is not valid: it has a malformed percent-encoding.');
  }
  if (err instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return badRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return clientError(e.statusCode, e.message);
  }
  if (databaseUnavailable(err)) return serviceNotAvailable();
  return internalServerError();
}

/** AJV's first error, in words that name the property and what is wrong with it. */
function validationError(errors: AjvError[], context: string): GraphError {
  const first = errors[0] as AjvError;
  const where = first.instancePath.replace(/^\//, '').replace(/~1/g, '/').replace(/~0/g, '~');
  const at = (name: string) => (where ? `${where}/${name}` : name);
  const p = first.params;
  // Values of secret-like properties are never repeated, not even to the client that sent them.
  const data = /secret|password/i.test(where) ? '(hidden)' : first.data;
  if (context !== 'body') return badRequest(`Invalid ${context}: ${where || 'value'} is not valid.`);
  switch (first.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const typeName = first.parentSchema?.title ?? 'the request body';
      const readOnly = readOnlyProperties[typeName]?.[name];
      if (readOnly) return badRequest(`The property '${at(name)}' cannot be set. ${readOnly}`);
      return badRequest(
        `The property '${at(name)}' does not exist on type '${typeName}'. Make sure to only use property names that are defined by the type.`,
      );
    }
    case 'required':
      return badRequest(`The parameter '${at(String(p.missingProperty))}' is required.`);
    case 'type': {
      if (!where && (data === null || data === undefined)) return badRequest('Request payload cannot be null.');
      if (!where) return badRequest('The request body must be a JSON object.');
      const expected = String(p.type)
        .split(',')
        .map((t) => jsonTypeNames[t] ?? t)
        .join(' or ');
      return badRequest(`The value of '${where}' must be ${expected}; got ${describe(data)}.`);
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).filter((v) => v !== null).join(', ');
      const typeName = first.parentSchema?.title;
      return badRequest(
        `The value ${describe(data)} is not valid for '${where}'${typeName ? ` (${typeName})` : ''}. Valid values: ${allowed}.`,
      );
    }
    case 'format':
      return badRequest(
        `The value ${describe(data)} of '${where}' is not a valid DateTimeOffset. Use ISO 8601 with an offset, e.g. 2026-05-04T09:00:00Z or 2026-05-04T11:00:00+02:00.`,
      );
    case 'minLength':
      return badRequest(`The value of '${where}' must not be empty.`);
    case 'maxLength':
      return badRequest(`The value of '${where}' is too long: at most ${p.limit} characters are accepted.`);
    case 'maxItems':
      return badRequest(`'${where}' has too many entries: at most ${p.limit} are accepted.`);
    case 'pattern':
      return badRequest(`The value ${describe(data)} of '${where}' is not valid.`);
    default:
      return badRequest(`The value of '${where || 'the request body'}' is not valid.`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${clip(value, 60)}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
