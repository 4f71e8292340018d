import { Type } from 'typebox';

/**
 * Graph's errors: the envelope and every error graphmeet answers with, each with the HTTP status and the code the
 * real service uses (https://learn.microsoft.com/en-us/graph/errors). Domain, identity and HTTP code raise these;
 * the HTTP layer alone turns them into responses and adds what belongs to HTTP (e.g. `www-authenticate`).
 */

/** `{"error":{"code","message","innerError":{…}}}`. `date` has no fraction and no zone, as in real responses. */
export const errorEnvelope = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    innerError: Type.Object({
      date: Type.String(),
      'request-id': Type.String(),
      'client-request-id': Type.String(),
    }),
  }),
});

/**
 * A failure the client caused or is allowed to see. Anything else thrown is a bug and is answered with a 500
 * whose message is never shown.
 */
export class GraphError extends Error {
  /**
   * For explain mode: the rule that refused the request and how to satisfy it, where Graph's own message does not
   * say (it is kept as Graph words it). Never part of the body.
   */
  explanation: string | undefined;
  /** Seconds the client is asked to wait before it tries again (Retry-After), where the error says so. */
  retryAfterSeconds: number | undefined;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }

  /** This error, asking the client to wait so many seconds before it tries again. */
  retryAfter(seconds: number): this {
    this.retryAfterSeconds = seconds;
    return this;
  }

  /** This error, with the explanation explain mode adds to it. */
  explained(explanation: string): this {
    this.explanation = explanation;
    return this;
  }
}

export const badRequest = (message: string) => new GraphError(400, 'BadRequest', message);

/** A bearer token that is missing, malformed, expired or not ours to accept. */
export const invalidToken = (message: string) => new GraphError(401, 'InvalidAuthenticationToken', message);

/** The admin API's own 401: its key is not a Graph token. */
export const adminUnauthorized = (message: string) => new GraphError(401, 'Unauthorized', message);

export const forbidden = (message: string) => new GraphError(403, 'Forbidden', message);

/** What the real service answers when no policy lets the app act for the user (msgraph-sdk-dotnet#2350). */
export const noApplicationAccessPolicy = (at: { tenantId: string; appId: string; userId: string }) =>
  new GraphError(403, 'General', 'No application access policy found for this app.').explained(
    `application access policy: no policy granted to user ${at.userId}, nor tenant-wide, lists app ${at.appId}. ` +
      `Grant one: graphmeet policy create --tenant ${at.tenantId} --name <name> --app-ids ${at.appId}, then ` +
      `graphmeet policy grant --tenant ${at.tenantId} --name <name> --user ${at.userId} (or --global).`,
  );

export const notFound = (message: string) => new GraphError(404, 'NotFound', message);

export const methodNotAllowed = (message: string) => new GraphError(405, 'MethodNotAllowed', message);

export const conflict = (message: string) => new GraphError(409, 'Conflict', message);

export const payloadTooLarge = (message: string) => new GraphError(413, 'RequestEntityTooLarge', message);

export const unsupportedMediaType = (message: string) => new GraphError(415, 'UnsupportedMediaType', message);

/** The client took longer than the server waits to send its request's headers or body. */
export const requestTimeout = (message: string) => new GraphError(408, 'RequestTimeout', message);

/** The request's headers are larger than the server reads (e.g. a token of a megabyte). */
export const headersTooLarge = (message: string) => new GraphError(431, 'RequestHeaderFieldsTooLarge', message);

/** Another 4xx the HTTP framework raised (e.g. 406, 431), kept with its status. */
export const clientError = (status: number, message: string) => new GraphError(status, 'BadRequest', message);

/** What the real service answers for a property it will not update (msgraph-sdk-dotnet#3112), naming it. */
export const propertyNotUpdatable = (name: string) =>
  new GraphError(
    400,
    'InvalidArgument',
    `One or more properties do not support updating: '${name}'. Please refer to Microsoft Graph documentation for more information.`,
  );

/** The database cannot be used right now, or the server is overloaded; the client may try again (Retry-After says when). */
export const serviceNotAvailable = (message = 'The service is temporarily unavailable. Try again later.') =>
  new GraphError(503, 'serviceNotAvailable', message);

/** A throttling limit was reached (https://learn.microsoft.com/graph/throttling): 429 with Retry-After. */
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new GraphError(429, 'TooManyRequests', message).retryAfter(retryAfterSeconds);

/** The codes Graph's gateway answers the server errors a fault rule can inject with. */
const injectedCodes: Record<number, string> = {
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** An answer a fault rule put in place of the real one (the rule is not named to the client). */
export function injectedError(status: number, retryAfterSeconds: number | undefined): GraphError {
  const error =
    status === 429
      ? new GraphError(429, 'TooManyRequests', 'Too many requests. Please try again later.')
      : new GraphError(
          status,
          injectedCodes[status] ?? 'InternalServerError',
          'The service could not complete the request. Please try again later.',
        );
  if (retryAfterSeconds !== undefined) error.retryAfter(retryAfterSeconds);
  return error;
}

/** Never carries what went wrong: that goes to the log only. */
export const internalServerError = () =>
  new GraphError(500, 'InternalServerError', 'An internal server error occurred.');
