import { registerListAttendanceRecords } from './attendancerecord-list.js';
import { registerGetAttendanceReport } from './meetingattendancereport-get.js';
import { registerListAttendanceReports } from './meetingattendancereport-list.js';
import { registerCreateOnlineMeeting } from './onlinemeeting-create.js';
import { registerCreateOrGetOnlineMeeting } from './onlinemeeting-createorget.js';
import { registerDeleteOnlineMeeting } from './onlinemeeting-delete.js';
import { registerGetOnlineMeeting } from './onlinemeeting-get.js';
import { registerGetOnlineMeetingByFilter } from './onlinemeeting-get-by-filter.js';
import { registerGetOnlineMeetingByVideoTeleconferenceId } from './onlinemeeting-get-by-videoteleconferenceid.js';
import { registerGetLiveEventStreams } from './onlinemeeting-get-live-event-stream.js';
import { registerUpdateOnlineMeeting } from './onlinemeeting-update.js';
import type { GraphApp, RouteDeps } from './route-kit.js';

/** Every Graph operation graphmeet serves, one file each, named after its Graph docs page. */
export function registerGraphRoutes(app: GraphApp, deps: RouteDeps): void {
  registerCreateOnlineMeeting(app, deps);
  registerCreateOrGetOnlineMeeting(app, deps);
  registerGetOnlineMeeting(app, deps);
  registerGetOnlineMeetingByFilter(app, deps);
  registerGetOnlineMeetingByVideoTeleconferenceId(app, deps);
  registerUpdateOnlineMeeting(app, deps);
  registerDeleteOnlineMeeting(app, deps);
  registerListAttendanceReports(app, deps);
  registerGetAttendanceReport(app, deps);
  registerListAttendanceRecords(app, deps);
  registerGetLiveEventStreams(app, deps);
}
