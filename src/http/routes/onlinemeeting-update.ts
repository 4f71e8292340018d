import { toOnlineMeeting } from '../../domain/online-meeting-view.js';
import { onlineMeetingResponse, updateOnlineMeetingBody } from '../../graph/online-meeting.js';
import {
  errorResponses,
  type GraphApp,
  itemParams,
  onlineMeetingPaths,
  type RouteDeps,
  sendGraph,
  viewContext,
} from './route-kit.js';

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
        const organizer = await deps.meetings.resolveUser(
          request.principal,
          request.params.userId,
          'onlineMeeting.update',
        );
        const meeting = await deps.meetings.update(organizer, request.params.meetingId, request.body, deps.version);
        const ctx = viewContext(request, deps);
        return sendGraph(reply, 200, toOnlineMeeting(meeting, ctx), ctx);
      },
    );
  }
}
