import { toOnlineMeeting } from '../../domain/online-meeting-view.js';
import { createOrGetOnlineMeetingBody, onlineMeetingResponse } from '../../graph/online-meeting.js';
import { graphContentType } from '../graph-error.js';
import {
  collectionParams,
  errorResponses,
  type GraphApp,
  onlineMeetingPaths,
  type RouteDeps,
  viewContext,
} from './route-kit.js';

/** onlineMeeting: createOrGet -> 201 when it created the meeting, 200 when the externalId already had one. */
export function registerCreateOrGetOnlineMeeting(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths('/createOrGet')) {
    app.post(
      url,
      {
        schema: {
          params: collectionParams,
          body: createOrGetOnlineMeetingBody,
          response: { 200: onlineMeetingResponse, 201: onlineMeetingResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const organizer = await deps.meetings.resolveOrganizer(
          request.principal,
          request.params.userId,
          'onlineMeeting.createOrGet',
        );
        const { meeting, created } = await deps.meetings.createOrGet(organizer, request.body);
        return reply
          .code(created ? 201 : 200)
          .type(graphContentType)
          .send(toOnlineMeeting(meeting, viewContext(request, deps)));
      },
    );
  }
}
