import { Type } from 'typebox';
import { nullableString } from './types.js';

/**
 * microsoft.graph.meetingAttendanceReport and attendanceRecord, v1.0 and beta
 * (https://learn.microsoft.com/en-us/graph/api/resources/meetingattendancereport, …/attendancerecord): one report per
 * session of a meeting, made when the session ends; one record per person who attended it.
 */
const attendanceInterval = Type.Object({
  joinDateTime: nullableString(),
  leaveDateTime: nullableString(),
  durationInSeconds: Type.Integer(),
});

const identity = Type.Object({
  id: nullableString(),
  displayName: nullableString(),
  tenantId: nullableString(),
});

const recordProperties = {
  id: Type.String(),
  emailAddress: nullableString(),
  totalAttendanceInSeconds: Type.Integer(),
  role: Type.String(),
  identity,
  attendanceIntervals: Type.Array(attendanceInterval),
  // 2025 additions for virtual events; null for meetings.
  registrationId: nullableString(),
  externalRegistrationInformation: Type.Null(),
};

export const attendanceRecord = {
  'v1.0': Type.Object(recordProperties),
  // Beta keeps the deprecated registrantId and adds engagements (2026-05).
  beta: Type.Object({
    ...recordProperties,
    registrantId: nullableString(),
    engagements: Type.Array(Type.Object({})),
  }),
} as const;

const reportProperties = (version: keyof typeof attendanceRecord) => ({
  id: Type.String(),
  totalParticipantCount: Type.Integer(),
  meetingStartDateTime: Type.String(),
  meetingEndDateTime: Type.String(),
  externalEventInformation: Type.Array(Type.Object({})),
  attendanceRecords: Type.Optional(Type.Array(attendanceRecord[version])),
});

export const attendanceReportResponse = {
  'v1.0': Type.Object({ '@odata.context': Type.String(), ...reportProperties('v1.0') }),
  beta: Type.Object({ '@odata.context': Type.String(), ...reportProperties('beta') }),
} as const;

export const attendanceReportCollectionResponse = {
  'v1.0': Type.Object({ '@odata.context': Type.String(), value: Type.Array(Type.Object(reportProperties('v1.0'))) }),
  beta: Type.Object({ '@odata.context': Type.String(), value: Type.Array(Type.Object(reportProperties('beta'))) }),
} as const;

export const attendanceRecordCollectionResponse = {
  'v1.0': Type.Object({ '@odata.context': Type.String(), value: Type.Array(attendanceRecord['v1.0']) }),
  beta: Type.Object({ '@odata.context': Type.String(), value: Type.Array(attendanceRecord.beta) }),
} as const;

/** Graph returns at most this many reports, the latest sessions (meetingattendancereport-list). */
export const maxAttendanceReports = 50;

/** The live-event streams (deprecated), by the version that has them. */
export const liveEventStreams = {
  attendeeReport: ['v1.0', 'beta'],
  recording: ['beta'],
  alternativeRecording: ['beta'],
  broadcastRecording: ['beta'],
} as const;
export type LiveEventStream = keyof typeof liveEventStreams;
