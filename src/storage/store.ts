import type { MeetingParticipantInfo, MeetingSettings } from '../graph/online-meeting.js';

/**
 * The storage contract. Domain rules live in the domain; a store only keeps records and enforces the
 * invariants the database can guarantee across processes: one meeting per (tenant, organizer, externalId),
 * and unique joinMeetingId and conferenceId across the server.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Inserts a new meeting. Throws IdentifierTaken when its joinMeetingId or conferenceId is in use. */
  insertMeeting(meeting: MeetingRecord): Promise<void>;
  /**
   * Inserts the meeting unless one with the same (tenant, organizer, externalId) exists, atomically.
   * Returns the meeting that is stored for that key and whether this call created it.
   */
  insertMeetingUnlessExternalIdExists(meeting: MeetingRecord): Promise<{ meeting: MeetingRecord; created: boolean }>;
  getMeeting(tenantId: string, meetingId: string): Promise<MeetingRecord | undefined>;

  /** Adds the user or updates their name and UPN. */
  upsertUser(user: DirectoryUser): Promise<void>;
  getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined>;

  close(): Promise<void>;
}

/** A joinMeetingId or conferenceId collided with another meeting's; the caller draws new ones. */
export class IdentifierTaken extends Error {
  constructor(readonly column: string) {
    super(`identifier already in use: ${column}`);
  }
}

export interface DirectoryUser {
  tenantId: string;
  /** Entra object id (GUID), lower-case. */
  id: string;
  userPrincipalName: string | null;
  displayName: string | null;
}

export interface MeetingRecord {
  tenantId: string;
  id: string;
  organizerId: string;
  externalId: string | null;
  threadId: string;
  joinMeetingId: string;
  conferenceId: string;
  creationDateTime: string;
  startDateTime: string;
  endDateTime: string;
  document: MeetingDocument;
}

/** Everything else needed to answer for the meeting, kept as one JSON document. */
export interface MeetingDocument {
  organizer: { id: string; displayName: string | null; userPrincipalName: string | null };
  expiryDateTime: string;
  joinWebUrl: string;
  meetingOptionsWebUrl: string;
  dialinUrl: string;
  tollNumber: string | null;
  tollFreeNumber: string | null;
  isPasscodeRequired: boolean;
  passcode: string | null;
  settings: MeetingSettings;
  attendees: MeetingParticipantInfo[];
}
