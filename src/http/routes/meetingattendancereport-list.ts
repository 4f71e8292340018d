import { attendanceReportCollectionResponse } from '../../graph/attendance-report.js';
import { errorResponses } from '../graph-error.js';
import { reportView, toAttendanceReportCollection } from '../render/attendance-report.js';
import { sendGraph, viewContext } from '../render/online-meeting.js';
import {
  expandsRecords,
  type GraphApp,
  itemParams,
  onlineMeetingPaths,
  queryOptions,
  type RouteDeps,
} from './route-kit.js';

/**
 * List meetingAttendanceReports: GET …/onlineMeetings/{meetingId}/attendanceReports — one report per ended session,
 * the latest first, at most 50; `$expand=attendanceRecords` puts each report's records in line.
 */
export function registerListAttendanceReports(app: GraphApp, deps: RouteDeps): void {
  for (const url of onlineMeetingPaths('/:meetingId/attendanceReports')) {
    app.get(
      url,
      {
        schema: {
          params: itemParams,
          response: { 200: attendanceReportCollectionResponse[deps.version], ...errorResponses },
        },
      },
      async (request, reply) => {
        const expand = expandsRecords(queryOptions(request, ['$expand'], 'collection'));
        const { userId, meetingId } = request.params;
        const { meeting, reports } = await deps.meetings.attendanceReports(request.principal, userId, meetingId);
        const ctx = viewContext(request, deps);
        const view = reportView(ctx, meeting.organizerId, meetingId, expand);
        return sendGraph(reply, 200, toAttendanceReportCollection(reports, view), ctx);
      },
    );
  }
}
