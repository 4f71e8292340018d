import { attendanceRecordCollectionResponse } from '../../graph/attendance-report.js';
import { errorResponses } from '../graph-error.js';
import { reportView, toAttendanceRecordCollection } from '../render/attendance-report.js';
import { sendGraph, viewContext } from '../render/online-meeting.js';
import { reportParams } from './meetingattendancereport-get.js';
import { type GraphApp, onlineMeetingPaths, queryOptions, type RouteDeps } from './route-kit.js';

/** List attendanceRecords: GET …/onlineMeetings/{meetingId}/attendanceReports/{reportId}/attendanceRecords. */
export function registerListAttendanceRecords(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths('/:meetingId/attendanceReports/:reportId/attendanceRecords')) {
    app.get(
      url,
      {
        schema: {
          params: reportParams,
          response: { 200: attendanceRecordCollectionResponse[deps.version], ...errorResponses },
        },
      },
      async (request, reply) => {
        queryOptions(request, [], 'collection');
        const { userId, meetingId, reportId } = request.params;
        const { meeting, report } = await deps.meetings.attendanceReport(
          request.principal,
          userId,
          meetingId,
          reportId,
        );
        const ctx = viewContext(request, deps);
        const view = reportView(ctx, meeting.organizerId, meetingId, true);
        return sendGraph(reply, 200, toAttendanceRecordCollection(report, view), ctx);
      },
    );
  }
}
