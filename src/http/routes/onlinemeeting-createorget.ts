import { toOnlineMeeting } from '../../domain/online-meeting-view.js';
import { createOrGetOnlineMeetingBody, onlineMeetingResponse } from '../../graph/online-meeting.js';
import {
  collectionParams,
  errorResponses,
  type GraphApp,
  onlineMeetingPaths,
  type RouteDeps,
  sendGraph,
  viewContext,
} from './route-kit.js';

/** onlineMeeting: createOrGet -> 201 when it created the meeting, 200 when the externalId already had one. */
export function registerCreateOrGetOnlineMeeting(app: GraphApp, deps: RouteDeps): void {
  const response = onlineMeetingResponse[deps.version];
  for (const url of onlineMeetingPaths('/createOrGet')) {
    app.post(
      url,
      {
        schema: {
          params: collectionParams,
          body: createOrGetOnlineMeetingBody[deps.version],
          response: { 200: response, 201: response, ...errorResponses },
        },
      },
      async (request, reply) => {
        const organizer = await deps.meetings.resolveUser(
          request.principal,
          request.params.userId,
          'onlineMeeting.createOrGet',
        );
        const { meeting, created } = await deps.meetings.createOrGet(organizer, request.body, deps.version);
        const ctx = viewContext(request, deps);
        return sendGraph(reply, created ? 201 : 200, toOnlineMeeting(meeting, ctx), ctx);
      },
    );
  }
}
