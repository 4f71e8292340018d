import { toOnlineMeeting } from '../../domain/online-meeting-view.js';
import { onlineMeetingResponse } from '../../graph/online-meeting.js';
import { graphContentType } from '../graph-error.js';
import {
  errorResponses,
  type GraphApp,
  itemParams,
  onlineMeetingPaths,
  type RouteDeps,
  viewContext,
} from './route-kit.js';

/** Get onlineMeeting by id: GET /me/onlineMeetings/{meetingId}, GET /users/{userId}/onlineMeetings/{meetingId}. */
export function registerGetOnlineMeeting(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths('/:meetingId')) {
    app.get(
      url,
      { schema: { params: itemParams, response: { 200: onlineMeetingResponse, ...errorResponses } } },
      async (request, reply) => {
        const organizer = await deps.meetings.resolveOrganizer(
          request.principal,
          request.params.userId,
          'onlineMeeting.get',
        );
        const meeting = await deps.meetings.get(organizer, request.params.meetingId);
        return reply.type(graphContentType).send(toOnlineMeeting(meeting, viewContext(request, deps)));
      },
    );
  }
}
