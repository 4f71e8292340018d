import type { ApiVersion } from '../../graph/types.js';
import type { AttendanceRecordData, AttendanceReportRecord } from '../../storage/store.js';

/** The path of a meeting in @odata.context URLs: Graph names the organizer's user even for /me requests. */
const meetingPath = (organizerId: string, meetingId: string) =>
  `users('${organizerId}')/onlineMeetings('${meetingId}')`;

export function toAttendanceRecord(r: AttendanceRecordData, version: ApiVersion) {
  return {
    id: r.id,
    emailAddress: r.emailAddress,
    totalAttendanceInSeconds: r.totalAttendanceInSeconds,
    role: r.role,
    identity: { id: r.identity.id, displayName: r.identity.displayName, tenantId: r.identity.tenantId },
    attendanceIntervals: r.attendanceIntervals,
    registrationId: null,
    externalRegistrationInformation: null,
    ...(version === 'beta' ? { registrantId: null, engagements: [] } : {}),
  };
}

function reportProperties(r: AttendanceReportRecord, version: ApiVersion, expand: boolean) {
  return {
    id: r.id,
    totalParticipantCount: r.totalParticipantCount,
    meetingStartDateTime: r.meetingStartDateTime,
    meetingEndDateTime: r.meetingEndDateTime,
    externalEventInformation: [],
    ...(expand ? { attendanceRecords: r.records.map((x) => toAttendanceRecord(x, version)) } : {}),
  };
}

/** The view of one request: where it came in and in which version, whose meeting, and whether records go in line. */
export const reportView = (
  ctx: { serviceRoot: string; version: ApiVersion },
  organizerId: string,
  meetingId: string,
  expand: boolean,
): ReportView => ({ serviceRoot: ctx.serviceRoot, version: ctx.version, organizerId, meetingId, expand });

export interface ReportView {
  serviceRoot: string;
  version: ApiVersion;
  organizerId: string;
  /** The meeting id as the client sent it. */
  meetingId: string;
  expand: boolean;
}

export function toAttendanceReportCollection(reports: AttendanceReportRecord[], v: ReportView) {
  return {
    '@odata.context': `${v.serviceRoot}/$metadata#${meetingPath(v.organizerId, v.meetingId)}/attendanceReports${v.expand ? '(attendanceRecords())' : ''}`,
    value: reports.map((r) => reportProperties(r, v.version, v.expand)),
  };
}

export function toAttendanceReport(r: AttendanceReportRecord, v: ReportView) {
  return {
    '@odata.context': `${v.serviceRoot}/$metadata#${meetingPath(v.organizerId, v.meetingId)}/attendanceReports${v.expand ? '(attendanceRecords())' : ''}/$entity`,
    ...reportProperties(r, v.version, v.expand),
  };
}

export function toAttendanceRecordCollection(r: AttendanceReportRecord, v: ReportView) {
  return {
    '@odata.context': `${v.serviceRoot}/$metadata#${meetingPath(v.organizerId, v.meetingId)}/attendanceReports('${r.id}')/attendanceRecords`,
    value: r.records.map((x) => toAttendanceRecord(x, v.version)),
  };
}

/**
 * A live event's attendee report as a CSV file, one line per join and leave, like the report Teams live events
 * let producers download. Fields are quoted so that a name with commas or quotes stays one field.
 */
export function attendeeReportCsv(r: AttendanceReportRecord): string {
  const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
  const lines = ['SessionId,ParticipantId,FullName,EmailAddress,Role,Action,UtcEventTimestamp'];
  const events = r.records.flatMap(
    (rec) =>
      rec.attendanceIntervals.flatMap((i) => [
        [rec, 'Joined', i.joinDateTime],
        [rec, 'Left', i.leaveDateTime],
      ]) as [AttendanceRecordData, string, string][],
  );
  events.sort((a, b) => a[2].localeCompare(b[2]));
  for (const [rec, action, at] of events) {
    lines.push(
      [r.id, rec.id, rec.identity.displayName ?? '', rec.emailAddress ?? '', rec.role, action, at].map(quote).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A recording graphmeet can hand out: a valid WAV file of silence, one second per minute the session lasted (at
 * least one, at most ten), so that a client's download, content type and length checks have something real to read.
 */
export function silentRecording(r: AttendanceReportRecord): Buffer {
  const minutes = (Date.parse(r.meetingEndDateTime) - Date.parse(r.meetingStartDateTime)) / 60_000;
  const seconds = Math.min(10, Math.max(1, Math.round(minutes)));
  const rate = 8000;
  const data = rate * seconds;
  const wav = Buffer.alloc(44 + data, 0x80); // 8-bit PCM: 0x80 is silence
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + data, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate, 28); // bytes per second
  wav.writeUInt16LE(1, 32); // block align
  wav.writeUInt16LE(8, 34); // bits per sample
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(data, 40);
  return wav;
}
