import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import { Type } from 'typebox';
import type { ViewContext } from '../../domain/online-meeting-view.js';
import type { MeetingService } from '../../domain/online-meetings.js';
import { errorEnvelope } from '../../graph/error.js';

export type GraphApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export type ApiVersion = 'v1.0' | 'beta';

export interface RouteDeps {
  version: ApiVersion;
  meetings: MeetingService;
  publicUrl: () => string;
}

/** Each operation is served for the signed-in user and for a user named by object id. */
export const onlineMeetingPaths = (suffix = '') => [
  `/me/onlineMeetings${suffix}`,
  `/users/:userId/onlineMeetings${suffix}`,
];

/** Path parameters: `userId` is absent on the /me paths. */
export const collectionParams = Type.Object({ userId: Type.Optional(Type.String()) });
export const itemParams = Type.Object({ userId: Type.Optional(Type.String()), meetingId: Type.String() });

/** Response schemas for the errors every Graph operation can answer with. */
export const errorResponses = {
  '4xx': errorEnvelope,
  '5xx': errorEnvelope,
};

export function viewContext(request: FastifyRequest, deps: RouteDeps): ViewContext {
  const prefer = request.headers.prefer;
  return {
    serviceRoot: `${deps.publicUrl()}/${deps.version}`,
    locale: 'en',
    includeUnknownEnumMembers: typeof prefer === 'string' && /(^|[\s,])include-unknown-enum-members\b/i.test(prefer),
  };
}
