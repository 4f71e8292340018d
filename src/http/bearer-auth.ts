import type { FastifyInstance } from 'fastify';
import { invalidToken } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { TokenVerifier, VerifiedToken } from '../identity/token-verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

/** Longer than any JWT a client should send; a cheap bound before parsing. */
const maxTokenLength = 16_384;

/**
 * Verifies the bearer token before the body is read, so an unauthenticated client gets 401 whatever it sends.
 * Verified tokens are remembered until they expire: RSA verification would otherwise cost more than the rest
 * of a request.
 */
export function registerBearerAuth(app: FastifyInstance, verifier: TokenVerifier): void {
  const cache = new Map<string, VerifiedToken>();
  const cacheLimit = 10_000;
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (!header) throw invalidToken('Access token is empty.');
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) throw invalidToken('The Authorization header must use the Bearer scheme.');
    const token = match[1] as string;
    if (token.length > maxTokenLength) throw invalidToken('Access token validation failure. The token is too long.');
    const now = Date.now() / 1000;
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
    request.principal = verified.principal;
  });
}
