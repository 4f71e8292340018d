import type { FastifyInstance } from 'fastify';
import type { Clock } from '../common/clock.js';
import type { Principal } from '../domain/principal.js';
import { GraphError, invalidToken } from '../graph/errors.js';
import type { TokenVerifier, VerifiedToken } from '../identity/token-verifier.js';
import { bearerToken } from './bearer-header.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** Longer than any JWT a client should send; a cheap bound before parsing. */
const maxTokenLength = 16_384;

/** What Graph sends with its 401s: where a client gets a token for it. */
const graphChallenge =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';

/**
 * Verifies the bearer token before the body is read, so an unauthenticated client gets 401 whatever it sends.
 * Verified tokens are remembered until they expire: RSA verification would otherwise cost more than the rest
 * of a request.
 */
export function registerBearerAuth(app: FastifyInstance, verifier: TokenVerifier, clock: Clock): void {
  const cache = new Map<string, VerifiedToken>();
  const cacheLimit = 10_000;

  const principalOf = async (header: string | undefined): Promise<Principal> => {
    if (!header) throw invalidToken('Access token is empty.');
    const token = bearerToken(header);
    if (!token) throw invalidToken('The Authorization header must use the Bearer scheme.');
    if (token.length > maxTokenLength) throw invalidToken('Access token validation failure. The token is too long.');
    const now = clock.now() / 1000;
    let verified = cache.get(token);
    if (verified && verified.acceptedUntil <= now) {
      cache.delete(token);
      verified = undefined;
    }
    if (!verified) {
      verified = await verifier.verify(token);
      if (cache.size >= cacheLimit) cache.clear();
      cache.set(token, verified);
    }
    return verified.principal;
  };

  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request, reply) => {
    try {
      request.principal = await principalOf(request.headers.authorization);
    } catch (err) {
      if (err instanceof GraphError && err.status === 401) reply.header('www-authenticate', graphChallenge);
      throw err;
    }
  });
}
