import { onlineMeetingCollectionResponse } from '../../graph/online-meeting.js';
import { errorResponses } from '../graph-error.js';
import { viewContext } from '../render/online-meeting.js';
import { type GraphApp, lookupQuery, type RouteDeps } from './route-kit.js';

/**
 * Get onlineMeeting by VTC id: GET /communications/onlineMeetings?$filter=VideoTeleconferenceId eq '…'
 * (and beta's deprecated /app/onlineMeetings). Application permissions only; the application access
 * policy does not apply to it (https://learn.microsoft.com/en-us/graph/api/onlinemeeting-get).
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
        return deps.rendered.sendCollection(reply, found, 'communications', ctx);
      },
    );
  }
}
