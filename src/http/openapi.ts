import { createRequire } from 'node:module';
import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/** The package's version: package.json is two levels up from both src/http and dist/http. */
const packageVersion: string = createRequire(import.meta.url)('../../package.json').version;

/** Where the document is served; public, like Graph's $metadata. */
export const openApiPath = '/openapi.json';

export interface ServedRoute {
  method: string;
  url: string;
}
const served = new WeakMap<FastifyInstance, ServedRoute[]>();

/** Every route the app serves, as registered (`:param` syntax), so that a test can hold the document to them. */
export const servedRoutes = (app: FastifyInstance): readonly ServedRoute[] => served.get(app) ?? [];

/** What each group of paths is, for the document's tags and security. */
const groups = [
  { prefix: '/v1.0/', tag: 'Graph v1.0', security: 'graphToken' },
  { prefix: '/beta/', tag: 'Graph beta', security: 'graphToken' },
  { prefix: '/_graphmeet/health', tag: 'Service', security: undefined },
  { prefix: '/_graphmeet/downloads/', tag: 'Downloads', security: undefined },
  { prefix: '/_graphmeet/web/', tag: 'Pages', security: undefined },
  { prefix: '/l/', tag: 'Pages', security: undefined },
  { prefix: '/meet', tag: 'Pages', security: undefined },
  { prefix: '/favicon.ico', tag: 'Pages', security: undefined },
  { prefix: '/room/', tag: 'Pages', security: undefined },
  { prefix: '/meetingOptions/', tag: 'Pages', security: undefined },
  { prefix: '/dialin/', tag: 'Pages', security: undefined },
  { prefix: '/_graphmeet/ready', tag: 'Service', security: undefined },
  // The console's pages sign in with the admin key into a cookie of their own (no bearer header).
  { prefix: '/_graphmeet/console', tag: 'Console', security: undefined },
  { prefix: '/_graphmeet/', tag: 'Admin', security: 'adminKey' },
  { prefix: '/metrics', tag: 'Service', security: undefined },
  { prefix: '/openapi.json', tag: 'Service', security: undefined },
] as const;

/**
 * Collects every route as it is registered, with the same TypeBox schemas Fastify validates and serializes with,
 * into an OpenAPI 3.1 document (3.1's schemas are JSON Schema 2020-12, which TypeBox writes). Must be registered
 * before the routes. The Graph paths say `/users/{userId}` as Graph's own description does.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const routes: ServedRoute[] = [];
  served.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'graphmeet',
        version: packageVersion,
        description:
          'The Microsoft Graph onlineMeeting API as graphmeet serves it (v1.0 and beta), with the admin API that manages its directory and the identity platform endpoints its tokens come from. Every error answer is Graph’s envelope {"error":{"code","message","innerError"}}.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      components: {
        securitySchemes: {
          graphToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'An access token for Microsoft Graph: from `graphmeet token`, from the token endpoint (client credentials), or from a trusted issuer (--trust-issuer). Delegated tokens carry scp, application tokens roles.',
          },
          adminKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'The admin API key (the admin-key file in the data dir, or --admin-key-file).',
          },
        },
      },
      tags: [
        { name: 'Graph v1.0', description: 'onlineMeeting operations under /v1.0' },
        { name: 'Graph beta', description: 'onlineMeeting operations under /beta' },
        {
          name: 'Admin',
          description:
            'The directory: tenants, users, applications, application access policies; the clock; meetings made to happen; meetings found, read and deleted; the request inspector; fault rules, throttling and reset',
        },
        { name: 'Identity', description: 'OpenID configuration, signing keys and the token endpoint, per tenant' },
        { name: 'Service', description: 'Health, readiness, metrics and this document' },
        {
          name: 'Pages',
          description:
            'HTML pages people open: join links (classic and short), the lobby and meeting, join by meeting ID, meeting options, dial-in',
        },
        { name: 'Downloads', description: 'Signed, short-lived download links the live-event streams redirect to' },
        {
          name: 'Console',
          description: 'The admin console’s HTML pages, signed in with the admin key (a cookie session for its path)',
        },
      ],
    },
    transform: ({ schema, url, route }) => {
      const group = url === '/' ? { tag: 'Pages', security: undefined } : groups.find((g) => url.startsWith(g.prefix));
      const tag = group?.tag ?? 'Identity';
      const transformed = { ...(schema ?? {}), tags: [tag] } as Record<string, unknown>;
      if (group?.security) transformed.security = [{ [group.security]: [] }];
      if (url.endsWith('/oauth2/v2.0/token')) {
        transformed.summary =
          'Token endpoint (form-encoded: client credentials, and with --dev-tokens the password grant)';
      }
      if (route.method === 'HEAD') transformed.hide = true;
      return { schema: transformed as typeof schema, url };
    },
  });
  let document: unknown;
  app.get(openApiPath, async (_request, reply) => {
    document ??= app.swagger();
    return reply.type('application/json; charset=utf-8').send(document);
  });
}
