import { toOnlineMeeting } from '../../domain/online-meeting-view.js';
import { createOnlineMeetingBody, onlineMeetingResponse } from '../../graph/online-meeting.js';
import { graphContentType } from '../graph-error.js';
import {
  collectionParams,
  errorResponses,
  type GraphApp,
  onlineMeetingPaths,
  type RouteDeps,
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
          body: createOnlineMeetingBody,
          response: { 201: onlineMeetingResponse, ...errorResponses },
        },
      },
      async (request, reply) => {
        const organizer = await deps.meetings.resolveOrganizer(
          request.principal,
          request.params.userId,
          'onlineMeeting.create',
        );
        const meeting = await deps.meetings.create(organizer, request.body);
        return reply
          .code(201)
          .type(graphContentType)
          .send(toOnlineMeeting(meeting, viewContext(request, deps)));
      },
    );
  }
}
