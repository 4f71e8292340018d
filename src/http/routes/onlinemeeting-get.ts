import { toOnlineMeeting } from '../../domain/online-meeting-view.js';
import { onlineMeetingResponse } from '../../graph/online-meeting.js';
import { parseSelect } from '../query-options.js';
import {
  errorResponses,
  type GraphApp,
  itemParams,
  onlineMeetingPaths,
  queryOptions,
  type RouteDeps,
  sendGraph,
  viewContext,
} from './route-kit.js';

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
        const user = await deps.meetings.resolveUser(request.principal, request.params.userId, 'onlineMeeting.get');
        const meeting = await deps.meetings.get(user, request.params.meetingId);
        const ctx = viewContext(request, deps, select);
        return sendGraph(reply, 200, toOnlineMeeting(meeting, ctx), ctx);
      },
    );
  }
}
