import { Type } from 'typebox';
import { attendanceReportResponse } from '../../graph/attendance-report.js';
import { notFound } from '../../graph/errors.js';
import { errorResponses } from '../graph-error.js';
import { reportView, toAttendanceReport } from '../render/attendance-report.js';
import { sendGraph, viewContext } from '../render/online-meeting.js';
import {
  expandsRecords,
  type GraphApp,
  itemParams,
  onlineMeetingPaths,
  queryOptions,
  type RouteDeps,
} from './route-kit.js';

export const reportParams = Type.Object({
  userId: Type.Optional(Type.String()),
  meetingId: Type.String(),
  reportId: Type.String(),
});

/**
 * Get meetingAttendanceReport: GET …/onlineMeetings/{meetingId}/attendanceReports/{reportId}, with
 * `$expand=attendanceRecords` for its records in line. Beta also keeps the deprecated singular
 * …/meetingAttendanceReport: the report of the latest session.
 */
export function registerGetAttendanceReport(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths('/:meetingId/attendanceReports/:reportId')) {
    app.get(
      url,
      {
        schema: { params: reportParams, response: { 200: attendanceReportResponse[deps.version], ...errorResponses } },
      },
      async (request, reply) => {
        const expand = expandsRecords(queryOptions(request, ['$expand'], 'entity'));
        const { userId, meetingId, reportId } = request.params;
        const { meeting, report } = await deps.meetings.attendanceReport(
          request.principal,
          userId,
          meetingId,
          reportId,
        );
        const ctx = viewContext(request, deps);
        const view = reportView(ctx, meeting.organizerId, meetingId, expand);
        return sendGraph(reply, 200, toAttendanceReport(report, view), ctx);
      },
    );
  }
  if (deps.version !== 'beta') return;
  for (const url of onlineMeetingPaths('/:meetingId/meetingAttendanceReport')) {
    app.get(
      url,
      { schema: { params: itemParams, response: { 200: attendanceReportResponse.beta, ...errorResponses } } },
      async (request, reply) => {
        const expand = expandsRecords(queryOptions(request, ['$expand'], 'entity'));
        const { userId, meetingId } = request.params;
        const { meeting, reports } = await deps.meetings.attendanceReports(request.principal, userId, meetingId);
        const [latest] = reports;
        if (!latest) throw notFound('The meeting has not taken place yet, so it has no attendance report.');
        const ctx = viewContext(request, deps);
        const view = reportView(ctx, meeting.organizerId, meetingId, expand);
        return sendGraph(reply, 200, toAttendanceReport(latest, view), ctx);
      },
    );
  }
}
