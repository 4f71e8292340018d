import {
  type CreateOnlineMeetingBody,
  createOnlineMeetingBody,
  onlineMeetingResponse,
} from '../../graph/online-meeting.js';
import { errorResponses } from '../graph-error.js';
import { sendGraph, toOnlineMeeting, viewContext } from '../render/online-meeting.js';
import { collectionParams, type GraphApp, onlineMeetingPaths, type RouteDeps } from './route-kit.js';

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
        // Validated against this version's schema; the type is the wider of the two versions'.
        const body = request.body as CreateOnlineMeetingBody;
        const meeting = await deps.meetings.create(request.principal, request.params.userId, body);
        const ctx = viewContext(request, deps);
        return sendGraph(reply, 201, toOnlineMeeting(meeting, ctx), ctx);
      },
    );
  }
}
