import { createOrGetOnlineMeetingBody, onlineMeetingResponse } from '../../graph/online-meeting.js';
import { errorResponses } from '../graph-error.js';
import { sendGraph, toOnlineMeeting, viewContext } from '../render/online-meeting.js';
import { collectionParams, type GraphApp, onlineMeetingPaths, type RouteDeps } from './route-kit.js';

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
        const { meeting, created } = await deps.meetings.createOrGet(
          request.principal,
          request.params.userId,
          request.body,
          deps.version,
        );
        const ctx = viewContext(request, deps);
        // A new meeting's answer is not held: only answers to reads are (RenderedMeetings).
        return created
          ? sendGraph(reply, 201, toOnlineMeeting(meeting, ctx), ctx)
          : deps.rendered.sendMeeting(reply, 200, meeting, ctx);
      },
    );
  }
}
