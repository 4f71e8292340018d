import { type LiveEventStream, liveEventStreams } from '../../graph/attendance-report.js';
import { errorResponses } from '../graph-error.js';
import { type GraphApp, itemParams, onlineMeetingPaths, queryOptions, type RouteDeps } from './route-kit.js';

/** How long a download link stays good: Graph's pre-signed links last 60 seconds. */
export const downloadLinkSeconds = 60;

/**
 * A live event's streams (deprecated): GET …/onlineMeetings/{meetingId}/attendeeReport, and in beta …/recording,
 * …/alternativeRecording, …/broadcastRecording. Graph answers 302 with a short-lived, pre-authorized download link in
 * Location (the example of https://learn.microsoft.com/en-us/graph/api/onlinemeeting-get, "Retrieve the attendee
 * report of a live event"); graphmeet serves that link itself.
 */
export function registerGetLiveEventStreams(app: GraphApp, deps: RouteDeps): void {
  for (const [stream, versions] of Object.entries(liveEventStreams) as [LiveEventStream, readonly string[]][]) {
    if (!versions.includes(deps.version)) continue;
    for (const url of onlineMeetingPaths(`/:meetingId/${stream}`)) {
      app.get(url, { schema: { params: itemParams, response: errorResponses } }, async (request, reply) => {
        queryOptions(request, [], 'entity');
        const { userId, meetingId } = request.params;
        const { meeting, report } = await deps.meetings.liveEventStream(request.principal, userId, meetingId, stream);
        const expires = deps.clock.now() + downloadLinkSeconds * 1000;
        const token = deps.links.sign({ t: meeting.tenantId, m: meeting.id, r: report.id, s: stream }, expires);
        return reply.redirect(`${deps.publicUrl()}/_graphmeet/downloads/${token}`, 302);
      });
    }
  }
}
