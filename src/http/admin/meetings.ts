import { Type } from 'typebox';
import { maxPage } from '../../domain/meeting-admin.js';
import { apiVersions } from '../../graph/types.js';
import { errorResponses, graphContentType } from '../graph-error.js';
import type { GraphApp } from '../routes/route-kit.js';
import type { AdminDeps } from './deps.js';
import { nextLinkProperty, noContent, pageOf, pageQuery } from './schemas.js';

const strict = { additionalProperties: false } as const;
const meetingParams = Type.Object({ tenantId: Type.String(), meetingId: Type.String() });
const personSummary = Type.Object({
  id: Type.String(),
  userPrincipalName: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
});
const summary = Type.Object({
  tenantId: Type.String(),
  id: Type.String(),
  subject: Type.Union([Type.String(), Type.Null()]),
  organizer: personSummary,
  externalId: Type.Union([Type.String(), Type.Null()]),
  joinMeetingId: Type.String(),
  creationDateTime: Type.String(),
  startDateTime: Type.String(),
  endDateTime: Type.String(),
});

/**
 * Meetings across the server, for the administrator: search (by tenant, organizer, externalId, meeting ID, subject;
 * paged, the newest first), read one exactly as the API answers it, delete one.
 */
export function registerMeetingAdminRoutes(app: GraphApp, deps: AdminDeps): void {
  app.get(
    '/meetings',
    {
      schema: {
        querystring: Type.Object(
          {
            tenantId: Type.Optional(Type.String()),
            organizer: Type.Optional(Type.String()),
            externalId: Type.Optional(Type.String()),
            joinMeetingId: Type.Optional(Type.String()),
            subject: Type.Optional(Type.String({ maxLength: 256 })),
            ...pageQuery.properties,
          },
          strict,
        ),
        response: { 200: Type.Object({ value: Type.Array(summary), ...nextLinkProperty }), ...errorResponses },
      },
    },
    async (request) => {
      const { $top, $skip, ...filters } = request.query;
      const page = pageOf({ $top, $skip }, maxPage);
      const { meetings, more } = await deps.meetingAdmin.search({ ...filters, ...page });
      return { value: meetings, ...nextLink(request.url, page, more) };
    },
  );

  app.get(
    '/tenants/:tenantId/meetings/:meetingId',
    {
      schema: {
        params: meetingParams,
        querystring: Type.Object(
          { version: Type.Optional(Type.Union(apiVersions.map((v) => Type.Literal(v)))) },
          strict,
        ),
        response: {
          200: Type.Unknown({ description: 'The onlineMeeting, exactly as GET …/onlineMeetings/{id} answers it.' }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const meeting = await deps.meetingAdmin.get(request.params.tenantId, request.params.meetingId);
      const json = deps.meetingJson(request, reply, meeting, request.query.version ?? 'v1.0');
      return reply.type(graphContentType).send(json);
    },
  );

  app.delete(
    '/tenants/:tenantId/meetings/:meetingId',
    { schema: { params: meetingParams, response: noContent } },
    async (request, reply) => {
      await deps.meetingAdmin.delete(request.params.tenantId, request.params.meetingId);
      return reply.code(204).send(null);
    },
  );
}

/** `@odata.nextLink` to the next page, when there is one: the same query with $skip moved on. */
export function nextLink(url: string, page: { skip: number; top: number }, more: boolean) {
  if (!more) return {};
  const [path, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  params.set('$skip', String(page.skip + page.top));
  params.set('$top', String(page.top));
  return { '@odata.nextLink': `${path}?${params.toString()}` };
}
