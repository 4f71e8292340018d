import { randomUUID } from 'node:crypto';
import type { MeetingParticipantInfo } from '../graph/online-meeting.js';
import type {
  AttendanceRecordData,
  AttendanceReportRecord,
  Joiner,
  JoinerKind,
  MeetingRecord,
  RoomParticipant,
  RoomRecord,
  RoomRole,
} from '../storage/store.js';

export type { Joiner, JoinerKind, RoomRole };

/** Why a change to the room was refused; the caller maps it to its own answer (a Graph error, a page). */
export class RoomRefusal extends Error {
  constructor(
    readonly reason:
      | 'expired'
      | 'noSuchParticipant'
      | 'notInLobby'
      | 'notAllowedToAdmit'
      | 'notAllowedToEnd'
      | 'notInMeeting',
    message: string,
  ) {
    super(message);
  }
}

/** Where the meeting's settings send a joiner: who they are in it and whether they wait in the lobby. */
export interface Entry {
  role: RoomRole;
  bypassesLobby: boolean;
}

/**
 * Teams' rules, from the meeting's own settings:
 * - role: the organizer, co-organizers named among the attendees, then `allowedPresenters` (everyone; people of the
 *   organization; only those whose attendee role is presenter; only the organizer) makes the rest presenters or
 *   attendees. Phone callers are attendees.
 * - lobby: organizer and co-organizers never wait. `lobbyBypassSettings.scope` lets in: everyone; the organization
 *   (its users and guests); the organization and federated tenants; the organization without guests; invited people
 *   (the attendee list); only the organizer. Callers wait unless `isDialInBypassEnabled` (or everyone may bypass).
 */
export function entryOf(meeting: MeetingRecord, joiner: Joiner): Entry {
  const listed = listing(meeting, joiner);
  const isOrganizer = joiner.kind === 'user' && joiner.userId === meeting.organizerId;
  if (isOrganizer) return { role: 'organizer', bypassesLobby: true };
  if (listed?.role === 'coorganizer') return { role: 'coorganizer', bypassesLobby: true };

  const settings = meeting.document.settings;
  const presenters = settings.allowedPresenters ?? 'everyone';
  const listedAsPresenter = listed?.role === 'presenter' || listed?.role === 'producer';
  const role: RoomRole =
    joiner.kind === 'phone'
      ? 'attendee'
      : presenters === 'everyone' ||
          (presenters === 'organization' && joiner.kind === 'user') ||
          (presenters === 'roleIsPresenter' && listedAsPresenter)
        ? 'presenter'
        : 'attendee';

  const scope = settings.lobbyBypassSettings?.scope ?? 'organization';
  if (joiner.kind === 'phone') {
    return {
      role,
      bypassesLobby: scope === 'everyone' || settings.lobbyBypassSettings?.isDialInBypassEnabled === true,
    };
  }
  const bypassesLobby =
    scope === 'everyone' ||
    (scope === 'organization' && (joiner.kind === 'user' || joiner.kind === 'guest')) ||
    (scope === 'organizationAndFederated' &&
      (joiner.kind === 'user' || joiner.kind === 'guest' || joiner.kind === 'federated')) ||
    (scope === 'organizationExcludingGuests' && joiner.kind === 'user') ||
    (scope === 'invited' && listed !== undefined);
  return { role, bypassesLobby };
}

/** The joiner's entry in the meeting's attendee list: by object id, or by UPN / email. */
function listing(meeting: MeetingRecord, joiner: Joiner): MeetingParticipantInfo | undefined {
  if (joiner.kind === 'anonymous' || joiner.kind === 'phone') return undefined;
  const id = joiner.kind === 'guest' ? undefined : joiner.userId.toLowerCase();
  const email = joiner.email?.toLowerCase();
  return meeting.document.attendees.find(
    (a) =>
      (id !== undefined && a.identity?.user?.id?.toLowerCase() === id) ||
      (email !== undefined && a.upn?.toLowerCase() === email),
  );
}

/** Whether the meeting's expiryDateTime has passed at `nowMs`: nobody joins it any more. */
export function hasExpired(meeting: MeetingRecord, nowMs: number): boolean {
  return Date.parse(meeting.document.expiryDateTime) <= nowMs;
}

/** Who may admit people from the lobby: `allowedLobbyAdmitters`; presenters too unless it says otherwise. */
export function mayAdmit(meeting: MeetingRecord, role: RoomRole): boolean {
  if (role === 'organizer' || role === 'coorganizer') return true;
  return role === 'presenter' && meeting.document.settings.allowedLobbyAdmitters !== 'organizerAndCoOrganizers';
}

/** The same person joining again: a user by tenant and id; others by the participant id they were given. */
function identityKey(joiner: Joiner): string | undefined {
  if (joiner.kind === 'user') return `user:${joiner.userId}`;
  if (joiner.kind === 'federated') return `user:${joiner.tenantId}:${joiner.userId}`;
  if (joiner.kind === 'guest') return `guest:${joiner.email.toLowerCase()}`;
  return undefined;
}

export const emptyRoom = (meeting: MeetingRecord): RoomRecord => ({
  tenantId: meeting.tenantId,
  meetingId: meeting.id,
  version: 0,
  session: null,
  participants: [],
});

export interface RoomChange {
  room: RoomRecord;
  /** Set when the change ended a session: its attendance report. */
  report?: AttendanceReportRecord;
  participant?: RoomParticipant;
}

/**
 * Someone joins: into the meeting (starting a session when none is on) or into the lobby. A participant who left
 * and comes back (same user, or the participant id they had) gets a new interval on the same attendance record.
 */
export function join(
  meeting: MeetingRecord,
  room: RoomRecord,
  joiner: Joiner,
  now: string,
  rejoinAs?: string,
): RoomChange {
  if (hasExpired(meeting, Date.parse(now))) {
    throw new RoomRefusal('expired', 'The meeting has expired: its expiryDateTime has passed.');
  }
  const entry = entryOf(meeting, joiner);
  const key = identityKey(joiner);
  const participants = room.participants.map((p) => ({ ...p }));
  const earlier = participants.find(
    (p) => (key !== undefined && p.identityKey === key) || (rejoinAs !== undefined && p.id === rejoinAs),
  );
  if (earlier && (earlier.state === 'inMeeting' || earlier.state === 'lobby')) {
    // Already there (a second tab, a retried request): nothing changes.
    return { room, participant: earlier };
  }
  const participant: RoomParticipant = earlier ?? {
    id: randomUUID(),
    identityKey: key ?? null,
    joiner,
    role: entry.role,
    state: 'lobby',
    intervals: [],
    lobbySince: null,
  };
  if (!earlier) participants.push(participant);
  participant.joiner = joiner;
  participant.role = entry.role;
  let session = room.session;
  if (entry.bypassesLobby) {
    session ??= { id: randomUUID(), startedDateTime: now };
    participant.state = 'inMeeting';
    participant.lobbySince = null;
    participant.intervals = [...participant.intervals, { joinDateTime: now, leaveDateTime: null }];
  } else {
    participant.state = 'lobby';
    participant.lobbySince = now;
  }
  return { room: { ...room, session, participants }, participant };
}

/** Someone in the meeting lets a person in the lobby in (or, with `by` undefined, the server's administrator). */
export function admit(meeting: MeetingRecord, room: RoomRecord, id: string, by: string | undefined, now: string) {
  const { participants, participant } = inLobby(meeting, room, id, by);
  participant.state = 'inMeeting';
  participant.lobbySince = null;
  participant.intervals = [...participant.intervals, { joinDateTime: now, leaveDateTime: null }];
  const session = room.session ?? { id: randomUUID(), startedDateTime: now };
  return { room: { ...room, session, participants }, participant };
}

export function deny(meeting: MeetingRecord, room: RoomRecord, id: string, by: string | undefined): RoomChange {
  const { participants, participant } = inLobby(meeting, room, id, by);
  participant.state = 'denied';
  participant.lobbySince = null;
  return { room: { ...room, participants }, participant };
}

/** Someone leaves the lobby or the meeting; when the last one leaves the meeting, its session ends. */
export function leave(meeting: MeetingRecord, room: RoomRecord, id: string, now: string): RoomChange {
  const { participants, participant } = withParticipant(room, id);
  if (participant.state === 'lobby') {
    participant.state = 'left';
    participant.lobbySince = null;
    return { room: { ...room, participants }, participant };
  }
  if (participant.state !== 'inMeeting')
    throw new RoomRefusal('notInMeeting', 'That participant is not in the meeting.');
  closeInterval(participant, now);
  participant.state = 'left';
  const changed = { ...room, participants };
  if (participants.some((p) => p.state === 'inMeeting')) return { room: changed, participant };
  return { ...endSession(meeting, changed, now), participant };
}

/** The organizer or a co-organizer (or the administrator) ends the meeting for everyone. */
export function end(meeting: MeetingRecord, room: RoomRecord, by: string | undefined, now: string): RoomChange {
  if (by !== undefined) {
    const ender = room.participants.find((p) => p.id === by && p.state === 'inMeeting');
    if (!ender || (ender.role !== 'organizer' && ender.role !== 'coorganizer')) {
      throw new RoomRefusal('notAllowedToEnd', 'Only the organizer or a co-organizer in the meeting can end it.');
    }
  }
  if (!room.session) throw new RoomRefusal('notInMeeting', 'The meeting is not going on: nobody has joined it.');
  const participants = room.participants.map((p) => {
    const copy = { ...p };
    if (copy.state === 'inMeeting') closeInterval(copy, now);
    if (copy.state === 'inMeeting' || copy.state === 'lobby') copy.state = 'left';
    return copy;
  });
  return endSession(meeting, { ...room, participants }, now);
}

function closeInterval(participant: RoomParticipant, now: string): void {
  participant.intervals = participant.intervals.map((i) =>
    i.leaveDateTime === null ? { ...i, leaveDateTime: now } : i,
  );
}

/** The session's attendance report, and a room with no session (people still in the lobby keep waiting). */
function endSession(meeting: MeetingRecord, room: RoomRecord, now: string): RoomChange {
  const session = room.session;
  const attended = room.participants.filter((p) => p.intervals.length > 0);
  const next: RoomRecord = {
    ...room,
    session: null,
    participants: room.participants.filter((p) => p.state === 'lobby'),
  };
  if (!session) return { room: next };
  const records = attended.map((p) => attendanceRecordOf(p));
  return {
    room: next,
    report: {
      tenantId: meeting.tenantId,
      meetingId: meeting.id,
      id: session.id,
      meetingStartDateTime: session.startedDateTime,
      meetingEndDateTime: now,
      totalParticipantCount: records.length,
      records,
    },
  };
}

function attendanceRecordOf(p: RoomParticipant): AttendanceRecordData {
  const intervals = p.intervals.map((i) => {
    const leaveDateTime = i.leaveDateTime ?? i.joinDateTime;
    return {
      joinDateTime: i.joinDateTime,
      leaveDateTime,
      durationInSeconds: Math.max(0, Math.round((Date.parse(leaveDateTime) - Date.parse(i.joinDateTime)) / 1000)),
    };
  });
  const j = p.joiner;
  return {
    id: p.id,
    emailAddress: j.kind === 'user' || j.kind === 'federated' || j.kind === 'guest' ? j.email : null,
    identity: {
      id: j.kind === 'user' || j.kind === 'federated' ? j.userId : j.kind === 'phone' ? null : p.id,
      displayName: j.kind === 'phone' ? maskedPhoneNumber(j.phoneNumber) : j.displayName,
      tenantId: j.kind === 'federated' ? j.tenantId : null,
      kind: j.kind,
    },
    role:
      p.role === 'organizer' || p.role === 'coorganizer'
        ? 'Organizer'
        : p.role === 'presenter'
          ? 'Presenter'
          : 'Attendee',
    totalAttendanceInSeconds: intervals.reduce((sum, i) => sum + i.durationInSeconds, 0),
    attendanceIntervals: intervals,
  };
}

/** A participant as others see them: their name, or a caller's number with the middle digits hidden. */
export function participantName(p: RoomParticipant): string {
  return p.joiner.kind === 'phone' ? maskedPhoneNumber(p.joiner.phoneNumber) : (p.joiner.displayName ?? '');
}

/** Teams shows callers by their number with the middle digits hidden. */
export function maskedPhoneNumber(number: string): string {
  const digits = number.replace(/[^\d+]/g, '');
  if (digits.length <= 6) return digits;
  return `${digits.slice(0, 4)}${'*'.repeat(digits.length - 8 > 0 ? digits.length - 8 : 1)}${digits.slice(-4)}`;
}

/** The person in the lobby that `by` (someone in the meeting who may admit; undefined: the administrator) acts on. */
function inLobby(meeting: MeetingRecord, room: RoomRecord, id: string, by: string | undefined) {
  if (by !== undefined) {
    const admitter = room.participants.find((p) => p.id === by && p.state === 'inMeeting');
    if (!admitter || !mayAdmit(meeting, admitter.role)) {
      throw new RoomRefusal('notAllowedToAdmit', 'Only someone in the meeting who may admit people can do that.');
    }
  }
  const found = withParticipant(room, id);
  if (found.participant.state !== 'lobby') throw new RoomRefusal('notInLobby', 'That participant is not in the lobby.');
  return found;
}

function withParticipant(room: RoomRecord, id: string) {
  const participants = room.participants.map((p) => ({ ...p }));
  const participant = participants.find((p) => p.id === id);
  if (!participant)
    throw new RoomRefusal('noSuchParticipant', `There is no participant '${id.slice(0, 64)}' in the meeting.`);
  return { participants, participant };
}
