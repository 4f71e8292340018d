import { onlineMeetingResponse, updateOnlineMeetingBody } from '../../graph/online-meeting.js';
import { errorResponses } from '../graph-error.js';
import { sendGraph, toOnlineMeeting, viewContext } from '../render/online-meeting.js';
import { type GraphApp, itemParams, onlineMeetingPaths, type RouteDeps } from './route-kit.js';

/** Update onlineMeeting: PATCH …/onlineMeetings/{meetingId} -> 200 with the updated meeting. Organizer only. */
export function registerUpdateOnlineMeeting(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths('/:meetingId')) {
    app.patch(
      url,
      {
        schema: {
          params: itemParams,
          body: updateOnlineMeetingBody[deps.version],
          response: { 200: onlineMeetingResponse[deps.version], ...errorResponses },
        },
      },
      async (request, reply) => {
        const { userId, meetingId } = request.params;
        const meeting = await deps.meetings.update(request.principal, userId, meetingId, request.body, deps.version);
        const ctx = viewContext(request, deps);
        return sendGraph(reply, 200, toOnlineMeeting(meeting, ctx), ctx);
      },
    );
  }
}
