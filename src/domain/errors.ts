/**
 * A failure the client caused or is allowed to see. Every one carries the HTTP status and the error code the
 * real service uses; the HTTP layer turns it into Graph's error envelope. Anything else thrown is a bug and is
 * answered with a 500 whose message is never shown.
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export const badRequest = (message: string) => new GraphError(400, 'BadRequest', message);
export const forbidden = (message: string) => new GraphError(403, 'Forbidden', message);
export const notFound = (message: string) => new GraphError(404, 'NotFound', message);

const bearerChallenge =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

export const invalidToken = (message: string) =>
  new GraphError(401, 'InvalidAuthenticationToken', message, { 'www-authenticate': bearerChallenge });
