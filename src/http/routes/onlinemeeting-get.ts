import { onlineMeetingResponse } from '../../graph/online-meeting.js';
import { errorResponses } from '../graph-error.js';
import { parseSelect } from '../query-options.js';
import { viewContext } from '../render/online-meeting.js';
import { type GraphApp, itemParams, onlineMeetingPaths, queryOptions, type RouteDeps } from './route-kit.js';

/**
 * Get onlineMeeting by id: GET /me/onlineMeetings/{meetingId}, GET /users/{userId}/onlineMeetings/{meetingId}.
 * The organizer and invited attendees may read it; `$select` narrows the answer.
 */
export function registerGetOnlineMeeting(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths('/:meetingId')) {
    app.get(
      url,
      { schema: { params: itemParams, response: { 200: onlineMeetingResponse[deps.version], ...errorResponses } } },
      async (request, reply) => {
        const options = queryOptions(request, ['$select'], 'entity');
        const select = parseSelect(options.$select, deps.version);
        const meeting = await deps.meetings.get(request.principal, request.params.userId, request.params.meetingId);
        const ctx = viewContext(request, deps, select);
        return deps.rendered.sendMeeting(reply, 200, meeting, ctx);
      },
    );
  }
}
