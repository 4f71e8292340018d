import type { FastifyInstance } from 'fastify';
import type { Clock } from '../common/clock.js';
import type { MeetingRooms } from '../domain/meeting-rooms.js';
import { liveEventStreams } from '../graph/attendance-report.js';
import { notFound } from '../graph/errors.js';
import type { LinkSigner } from '../identity/link-signer.js';
import { sendGraphError } from './graph-error.js';
import { attendeeReportCsv, silentRecording } from './render/attendance-report.js';

/**
 * The pre-authorized download links the live-event streams redirect to. The link itself grants access (it is signed
 * and lasts a minute, like Graph's), so the client fetches it without a token, as it would a real one.
 */
export function registerDownloads(
  app: FastifyInstance,
  deps: { rooms: MeetingRooms; links: LinkSigner; clock: Clock },
) {
  app.get<{ Params: { token: string } }>('/_graphmeet/downloads/:token', async (request, reply) => {
    const grant = deps.links.verify(request.params.token, deps.clock.now());
    const { t, m, r, s } = (grant ?? {}) as Record<string, unknown>;
    const report =
      typeof t === 'string' &&
      typeof m === 'string' &&
      typeof r === 'string' &&
      typeof s === 'string' &&
      s in liveEventStreams
        ? await deps.rooms.report(t, m, r)
        : undefined;
    if (!report) {
      return sendGraphError(
        request,
        reply,
        notFound('This download link is not valid or has expired. Ask for the stream again.'),
      );
    }
    reply.header('cache-control', 'private, no-store');
    if (s === 'attendeeReport') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="attendee-report-${report.id}.csv"`)
        .send(attendeeReportCsv(report));
    }
    return reply
      .type('audio/wav')
      .header('content-disposition', `attachment; filename="${s}-${report.id}.wav"`)
      .send(silentRecording(report));
  });
}
