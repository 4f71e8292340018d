import { onlineMeetingCollectionResponse } from '../../graph/online-meeting.js';
import { errorResponses } from '../graph-error.js';
import { viewContext } from '../render/online-meeting.js';
import { collectionParams, type GraphApp, lookupQuery, onlineMeetingPaths, type RouteDeps } from './route-kit.js';

/**
 * Get onlineMeeting by join link or meeting ID: GET …/onlineMeetings?$filter=JoinWebUrl eq '…' or
 * joinMeetingIdSettings/joinMeetingId eq '…' -> a collection of at most one meeting. There is no list of all
 * of a user's meetings (microsoft-graph-docs#12579): without a filter the collection is a 400.
 */
export function registerGetOnlineMeetingByFilter(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths()) {
    app.get(
      url,
      {
        schema: {
          params: collectionParams,
          response: { 200: onlineMeetingCollectionResponse[deps.version], ...errorResponses },
        },
      },
      async (request, reply) => {
        const { lookup, select } = lookupQuery(
          request,
          deps.version,
          ['joinWebUrl', 'joinMeetingId'],
          "Listing all online meetings is not supported. Use $filter=JoinWebUrl eq '{join link}' or $filter=joinMeetingIdSettings/joinMeetingId eq '{meeting ID}'.",
        );
        const { user, meetings } = await deps.meetings.find(request.principal, request.params.userId, lookup);
        const ctx = viewContext(request, deps, select);
        return deps.rendered.sendCollection(reply, meetings, `users('${user.id}')`, ctx);
      },
    );
  }
}
