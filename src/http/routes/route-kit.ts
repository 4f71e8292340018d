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
import type { Clock } from '../../common/clock.js';
import type { MeetingService } from '../../domain/online-meetings.js';
import { badRequest } from '../../graph/errors.js';
import type { Fidelity } from '../../graph/online-meeting.js';
import type { ApiVersion } from '../../graph/types.js';
import type { LinkSigner } from '../../identity/link-signer.js';
import { type FilterProperty, type MeetingFilter, parseMeetingFilter, parseSelect } from '../query-options.js';
import type { RenderedMeetings } from '../render/online-meeting.js';

export type GraphApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface RouteDeps {
  version: ApiVersion;
  meetings: MeetingService;
  publicUrl: () => string;
  /** Answers to reads, rendered once per meeting state and view. */
  rendered: RenderedMeetings;
  fidelity: Fidelity;
  clock: Clock;
  /** Signs the download links of live-event streams. */
  links: LinkSigner;
}

/** Each operation is served for the signed-in user and for a user named by object id. */
export const onlineMeetingPaths = (suffix = '') => [
  `/me/onlineMeetings${suffix}`,
  `/users/:userId/onlineMeetings${suffix}`,
];

/** Path parameters: `userId` is absent on the /me paths. */
export const collectionParams = Type.Object({ userId: Type.Optional(Type.String()) });
export const itemParams = Type.Object({ userId: Type.Optional(Type.String()), meetingId: Type.String() });

/** The options a single entity refuses, in Graph's words (microsoft-graph-docs#13306). */
const collectionOnly = new Set(['$filter', '$orderby', '$count', '$skip', '$top']);

/**
 * The request's OData system query options (`$…`, matched without regard to case), of which only `allowed`
 * may appear. Other query parameters are ignored, as Graph does.
 */
export function queryOptions(
  request: FastifyRequest,
  allowed: readonly string[],
  target: 'entity' | 'collection',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (!key.startsWith('$')) continue;
    const option = key.toLowerCase();
    if (typeof value !== 'string') {
      throw badRequest(`The query option '${key}' is given more than once.`);
    }
    if (allowed.includes(option)) {
      out[option] = value;
    } else if (target === 'entity' && collectionOnly.has(option)) {
      throw badRequest(
        'The query specified in the URI is not valid. The requested resource is not a collection. Query options $filter, $orderby, $count, $skip, and $top can be applied only on collections.',
      );
    } else {
      throw badRequest(`The query option '${key.slice(0, 40)}' is not supported on this request.`);
    }
  }
  return out;
}

/**
 * The query of a lookup: its required `$filter`, read as one of the `allowed` lookups, and an optional `$select`.
 * Without a filter the answer is a 400 `whenMissing`: Graph has no list of all meetings.
 */
export function lookupQuery(
  request: FastifyRequest,
  version: ApiVersion,
  allowed: readonly FilterProperty[],
  whenMissing: string,
): { lookup: MeetingFilter; select: string[] | undefined } {
  const options = queryOptions(request, ['$filter', '$select'], 'collection');
  if (options.$filter === undefined) throw badRequest(whenMissing);
  return { lookup: parseMeetingFilter(options.$filter, allowed), select: parseSelect(options.$select, version) };
}

/** `$expand=attendanceRecords`, the one expansion attendance reports have; anything else is a 400. */
export function expandsRecords(options: Record<string, string>): boolean {
  const expand = options.$expand;
  if (expand === undefined) return false;
  if (expand.trim().toLowerCase() === 'attendancerecords') return true;
  throw badRequest(
    `Parsing OData Select and Expand failed: Could not find a property named '${expand.slice(0, 60)}' on type 'microsoft.graph.meetingAttendanceReport'.`,
  );
}
