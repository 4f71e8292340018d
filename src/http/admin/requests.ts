import { Type } from 'typebox';
import { clip } from '../../common/text.js';
import { notFound } from '../../graph/errors.js';
import { errorResponses } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';
import { nextLink } from './meetings.js';
import { journalEntry, nextLinkProperty, noContent, pageOf, pageQuery } from './schemas.js';

const strict = { additionalProperties: false } as const;

/**
 * The request inspector: the last requests apps made to this node (the Graph API, the token endpoint, downloads), with
 * their bodies and secrets taken out. Searchable by request-id (or client-request-id), status (429, or 4xx), part of
 * the path, principal (tenant, user or app id), meeting, operation, and whether a fault rule answered.
 */
export function registerRequestRoutes(app: GraphApp, { journal }: AdminDeps): void {
  app.get(
    '/requests',
    {
      schema: {
        querystring: Type.Object(
          {
            requestId: Type.Optional(Type.String({ maxLength: 128 })),
            status: Type.Optional(Type.String({ pattern: '^([1-5][0-9][0-9]|[1-5]xx|0)$' })),
            path: Type.Optional(Type.String({ maxLength: 512 })),
            principal: Type.Optional(Type.String({ maxLength: 64 })),
            meetingId: Type.Optional(Type.String({ maxLength: 512 })),
            operation: Type.Optional(Type.String({ maxLength: 64 })),
            injected: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
            ...pageQuery.properties,
          },
          strict,
        ),
        response: {
          200: Type.Object({ capacity: Type.Integer(), value: Type.Array(journalEntry), ...nextLinkProperty }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { $top, $skip, injected, ...filters } = request.query;
      const page = pageOf({ $top, $skip }, 1000);
      const { entries, more } = journal.search({
        ...filters,
        ...(injected !== undefined ? { injected: injected === 'true' } : {}),
        ...page,
      });
      return { capacity: journal.capacity, value: entries, ...nextLink(request.url, page, more) };
    },
  );

  app.get(
    '/requests/:requestId',
    {
      schema: { params: Type.Object({ requestId: Type.String() }), response: { 200: journalEntry, ...errorResponses } },
    },
    async (request) => {
      const entry = journal.get(request.params.requestId);
      if (!entry) throw notFound(`The inspector holds no request '${clip(request.params.requestId, 64)}'.`);
      return entry;
    },
  );

  app.delete('/requests', { schema: { response: noContent } }, async (_request, reply) => {
    journal.clear();
    return reply.code(204).send(null);
  });
}
