import { toOnlineMeetingCollection } from '../../domain/online-meeting-view.js';
import { onlineMeetingCollectionResponse } from '../../graph/online-meeting.js';
import { errorResponses, type GraphApp, lookupQuery, type RouteDeps, sendGraph, viewContext } from './route-kit.js';

/**
 * Get onlineMeeting by VTC id: GET /communications/onlineMeetings?$filter=VideoTeleconferenceId eq '…'
 * (and beta's deprecated /app/onlineMeetings). Application permissions only; the application access
 * policy does not apply to it (spec §2.1).
 */
export function registerGetOnlineMeetingByVideoTeleconferenceId(app: GraphApp, deps: RouteDeps): void {
  const paths = ['/communications/onlineMeetings', ...(deps.version === 'beta' ? ['/app/onlineMeetings'] : [])];
  for (const url of paths) {
    app.get(
      url,
      { schema: { response: { 200: onlineMeetingCollectionResponse[deps.version], ...errorResponses } } },
      async (request, reply) => {
        const { lookup, select } = lookupQuery(
          request,
          deps.version,
          ['videoTeleconferenceId'],
          "Listing online meetings is not supported. Use $filter=VideoTeleconferenceId eq '{VTC id}'.",
        );
        const found = await deps.meetings.findInTenant(request.principal, lookup);
        const ctx = viewContext(request, deps, select);
        return sendGraph(reply, 200, toOnlineMeetingCollection(found, 'communications', ctx), ctx);
      },
    );
  }
}
