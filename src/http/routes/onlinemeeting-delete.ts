import { Type } from 'typebox';
import { errorResponses } from '../graph-error.js';
import { type GraphApp, itemParams, onlineMeetingPaths, type RouteDeps } from './route-kit.js';

/**
 * Delete onlineMeeting: DELETE …/onlineMeetings/{meetingId} -> 204. Organizer only; its externalId and
 * meeting ID are free again afterwards.
 */
export function registerDeleteOnlineMeeting(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths('/:meetingId')) {
    app.delete(
      url,
      { schema: { params: itemParams, response: { 204: Type.Null(), ...errorResponses } } },
      async (request, reply) => {
        await deps.meetings.delete(request.principal, request.params.userId, request.params.meetingId);
        return reply.code(204).send(null);
      },
    );
  }
}
