import formBody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, type TokenEndpoint } from '../../identity/token-endpoint.js';
import { toGraphError } from '../graph-error.js';

export interface LoginDeps {
  tokens: TokenEndpoint;
}

/**
 * The identity platform endpoints clients of Graph talk to before Graph itself, under `/{tenant}/…` like
 * login.microsoftonline.com: OpenID configuration, signing keys, and the v2.0 token endpoint. Their errors
 * are OAuth 2.0 errors, not Graph's envelope.
 */
export async function registerLoginRoutes(app: FastifyInstance, deps: LoginDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(formBody, { bodyLimit: 16_384 });
    scope.setErrorHandler((err, request, reply) => {
      if (err instanceof OAuthError) return sendOAuthError(request, reply, err);
      const graphError = toGraphError(err);
      // A fault rule's answer, in the identity platform's shape: a transient error the client may retry.
      if (request.injected && graphError.status >= 429) {
        const transient = graphError.status === 429 || graphError.status === 503;
        if (graphError.retryAfterSeconds !== undefined)
          reply.header('retry-after', String(graphError.retryAfterSeconds));
        return sendOAuthError(
          request,
          reply,
          new OAuthError(
            graphError.status as 429,
            transient ? 'temporarily_unavailable' : 'server_error',
            90033,
            'A transient error has occurred. Please try again.',
          ),
        );
      }
      if (graphError.status >= 500) {
        request.log.error({ err }, 'request failed');
        return reply.code(500).send({ error: 'server_error', error_description: 'An internal error occurred.' });
      }
      return sendOAuthError(request, reply, new OAuthError(400, 'invalid_request', 900144, graphError.message));
    });

    scope.get<{ Params: { tenantId: string } }>(
      '/:tenantId/v2.0/.well-known/openid-configuration',
      async (request, reply) => {
        const tenantId = await deps.tokens.tenant(request.params.tenantId);
        return reply.send(deps.tokens.openIdConfiguration(tenantId));
      },
    );

    scope.get<{ Params: { tenantId: string } }>('/:tenantId/discovery/v2.0/keys', async (request, reply) => {
      await deps.tokens.tenant(request.params.tenantId);
      return reply.send(await deps.tokens.keys());
    });

    scope.post<{ Params: { tenantId: string } }>('/:tenantId/oauth2/v2.0/token', async (request, reply) => {
      const tenantId = await deps.tokens.tenant(request.params.tenantId);
      const response = await deps.tokens.token(tenantId, formFields(request), basicCredentials(request));
      // Tokens must not be cached by anything between the client and here (RFC 6749 §5.1).
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(response);
    });
  });
}

function sendOAuthError(request: FastifyRequest, reply: FastifyReply, err: OAuthError) {
  return reply
    .code(err.status)
    .header('cache-control', 'no-store')
    .send(err.body(request.id, request.clientRequestId || request.id));
}

/** Only form-encoded bodies carry parameters, as at Entra; a repeated parameter is a malformed request. */
function formFields(request: FastifyRequest): Record<string, string> {
  const type = String(request.headers['content-type'] ?? '');
  if (!/^application\/x-www-form-urlencoded\b/i.test(type) || typeof request.body !== 'object' || !request.body) {
    return {};
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.body as Record<string, unknown>)) {
    if (typeof value !== 'string') {
      throw new OAuthError(
        400,
        'invalid_request',
        90014,
        `The parameter '${name.slice(0, 40)}' was sent more than once.`,
      );
    }
    fields[name] = value;
  }
  return fields;
}

/** client_secret_basic: `Authorization: Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1). */
function basicCredentials(request: FastifyRequest): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(request.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw new OAuthError(401, 'invalid_client', 7000218, 'The Basic credentials are malformed.');
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    throw new OAuthError(401, 'invalid_client', 7000218, 'The Basic credentials are malformed.');
  }
}
