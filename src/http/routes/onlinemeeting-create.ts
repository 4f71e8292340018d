import { toOnlineMeeting } from '../../domain/online-meeting-view.js';
import {
  type CreateOnlineMeetingBody,
  createOnlineMeetingBody,
  onlineMeetingResponse,
} from '../../graph/online-meeting.js';
import {
  collectionParams,
  errorResponses,
  type GraphApp,
  onlineMeetingPaths,
  type RouteDeps,
  sendGraph,
  viewContext,
} from './route-kit.js';

/** Create onlineMeeting: POST /me/onlineMeetings, POST /users/{userId}/onlineMeetings -> 201. */
export function registerCreateOnlineMeeting(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths()) {
    app.post(
      url,
      {
        schema: {
          params: collectionParams,
          body: createOnlineMeetingBody[deps.version],
          response: { 201: onlineMeetingResponse[deps.version], ...errorResponses },
        },
      },
      async (request, reply) => {
        const organizer = await deps.meetings.resolveUser(
          request.principal,
          request.params.userId,
          'onlineMeeting.create',
        );
        // Validated against this version's schema; the type is the wider of the two versions'.
        const meeting = await deps.meetings.create(organizer, request.body as CreateOnlineMeetingBody);
        const ctx = viewContext(request, deps);
        return sendGraph(reply, 201, toOnlineMeeting(meeting, ctx), ctx);
      },
    );
  }
}
