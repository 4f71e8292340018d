import type { Clock } from '../common/clock.js';
import { isoNow } from '../common/clock.js';
import { isGuid } from '../common/guid.js';
import { clip } from '../common/text.js';
import { badRequest, conflict, forbidden, GraphError, notFound } from '../graph/errors.js';
import type { Joiner, MeetingRecord, RoomRecord, Store } from '../storage/store.js';
import type { Directory } from './directory.js';
import { meetingIdOfKey, parseJoinWebUrl, parseMeetingId, shortLinkToken } from './identifiers.js';
import * as room from './meeting-room.js';
import { RoomRefusal } from './meeting-room.js';
import { passcodeMatches } from './passcode-check.js';

/** Who joins, as a caller describes them; `toJoiner` checks it against the directory. */
export type JoinerInput =
  | { kind: 'user'; user: string }
  | { kind: 'federated'; tenantId: string; userId: string; displayName?: string; email?: string | null }
  | { kind: 'guest'; displayName: string; email: string }
  | { kind: 'anonymous'; displayName?: string }
  | { kind: 'phone'; phoneNumber: string };

/** What a participant sees of the room, and what the admin API answers with. */
export interface RoomView {
  meetingId: string;
  session: { id: string; startedDateTime: string } | null;
  participants: { id: string; displayName: string; kind: Joiner['kind']; role: room.RoomRole; state: string }[];
}

/**
 * Meetings as they happen: joining, the lobby, leaving, ending. The join pages and the admin API both come here, so
 * the same rules decide for a person in a browser and for a test that simulates one.
 */
export class MeetingRooms {
  constructor(
    private readonly o: {
      store: Store;
      directory: Directory;
      clock: Clock;
    },
  ) {}

  /** The meeting by its Graph id, in the tenant; 404 when there is none. */
  async meeting(tenantId: string, meetingId: string): Promise<MeetingRecord> {
    const key = parseMeetingId(meetingId);
    const meeting = key ? await this.o.store.getMeeting(tenantId.toLowerCase(), meetingIdOfKey(key)) : undefined;
    if (!meeting) throw notFound(`There is no meeting '${clip(meetingId)}' in tenant '${clip(tenantId)}'.`);
    return meeting;
  }

  /** The meeting a join link names, whichever form it has; undefined when there is none (deleted, or never made). */
  async byJoinLink(link: string): Promise<{ meeting: MeetingRecord; linkToken: string | null } | undefined> {
    const parsed = parseJoinWebUrl(link);
    if (!parsed) return undefined;
    if ('joinMeetingId' in parsed) {
      const meeting = await this.o.store.findMeetingByNumber('joinMeetingId', parsed.joinMeetingId);
      return meeting && { meeting, linkToken: shortLinkToken(link) };
    }
    const meeting = await this.o.store.getMeeting(parsed.tenantId, meetingIdOfKey(parsed.key));
    return meeting && { meeting, linkToken: null };
  }

  /**
   * Whether a join link lets its holder in without the passcode: the meeting's own classic link does (it is the
   * secret), a short link only with the token the meeting's link carries; a meeting without a passcode lets anyone
   * who knows its ID in, as Teams does.
   */
  linkAdmits(meeting: MeetingRecord, linkToken: string | null, classic: boolean): boolean {
    if (!meeting.document.isPasscodeRequired || classic) return true;
    const stored = shortLinkToken(meeting.document.joinWebUrl);
    return stored !== null && linkToken !== null && passcodeMatches(linkToken, stored);
  }

  byJoinMeetingId(joinMeetingId: string) {
    return this.o.store.findMeetingByNumber('joinMeetingId', joinMeetingId);
  }

  byConferenceId(conferenceId: string) {
    return this.o.store.findMeetingByNumber('conferenceId', conferenceId);
  }

  /** Whether the meeting's expiryDateTime has passed on graphmeet's clock. */
  isExpired(meeting: MeetingRecord): boolean {
    return room.hasExpired(meeting, this.o.clock.now());
  }

  async room(meeting: MeetingRecord): Promise<RoomRecord> {
    return (await this.o.store.rooms.getRoom(meeting.tenantId, meeting.id)) ?? room.emptyRoom(meeting);
  }

  /** Someone the caller describes joins; see `toJoiner`. */
  async join(meeting: MeetingRecord, input: JoinerInput, rejoinAs?: string) {
    return this.joinAs(meeting, await this.toJoiner(meeting, input), rejoinAs);
  }

  /** Someone already known joins (the join page has signed them in or asked their name). */
  joinAs(meeting: MeetingRecord, joiner: Joiner, rejoinAs?: string) {
    return this.change(meeting, (r) => room.join(meeting, r, joiner, this.now(), rejoinAs));
  }

  /** A report by its keys, for a download link that names it (the link is the authorization). */
  report(tenantId: string, meetingId: string, reportId: string) {
    return this.o.store.rooms.getAttendanceReport(tenantId, meetingId, reportId);
  }

  admit(meeting: MeetingRecord, participantId: string, by?: string) {
    return this.change(meeting, (r) => room.admit(meeting, r, participantId, by, this.now()));
  }

  deny(meeting: MeetingRecord, participantId: string, by?: string) {
    return this.change(meeting, (r) => room.deny(meeting, r, participantId, by));
  }

  leave(meeting: MeetingRecord, participantId: string) {
    return this.change(meeting, (r) => room.leave(meeting, r, participantId, this.now()));
  }

  end(meeting: MeetingRecord, by?: string) {
    return this.change(meeting, (r) => room.end(meeting, r, by, this.now()));
  }

  /** Checks who joins against the directory: a user must be one of the meeting's tenant, a federated one must not. */
  async toJoiner(meeting: MeetingRecord, input: JoinerInput): Promise<Joiner> {
    switch (input.kind) {
      case 'user': {
        const user = await this.o.directory.findUserByIdOrUpn(meeting.tenantId, input.user);
        if (!user) throw notFound(`User '${clip(input.user)}' was not found in the meeting's tenant.`);
        return { kind: 'user', userId: user.id, displayName: user.displayName, email: user.userPrincipalName };
      }
      case 'federated': {
        const tenantId = input.tenantId.toLowerCase();
        const userId = input.userId.toLowerCase();
        if (!isGuid(tenantId) || !isGuid(userId)) throw badRequest('tenantId and userId must be GUIDs.');
        if (tenantId === meeting.tenantId) {
          throw badRequest('A federated user belongs to another tenant than the meeting’s; use kind "user".');
        }
        const known = await this.o.directory.findUser(tenantId, userId);
        const displayName = input.displayName ?? known?.displayName;
        if (!displayName) throw badRequest('displayName is required for a user graphmeet does not know.');
        return {
          kind: 'federated',
          tenantId,
          userId,
          displayName,
          email: input.email ?? known?.userPrincipalName ?? null,
        };
      }
      case 'guest':
        return { kind: 'guest', displayName: input.displayName, email: input.email };
      case 'anonymous':
        return { kind: 'anonymous', displayName: input.displayName?.trim() || 'Anonymous' };
      case 'phone':
        return { kind: 'phone', phoneNumber: input.phoneNumber };
    }
  }

  view(r: RoomRecord): RoomView {
    return {
      meetingId: r.meetingId,
      session: r.session,
      participants: r.participants.map((p) => ({
        id: p.id,
        displayName: room.participantName(p),
        kind: p.joiner.kind,
        role: p.role,
        state: p.state,
      })),
    };
  }

  private now(): string {
    return isoNow(this.o.clock);
  }

  private async change<T extends room.RoomChange>(meeting: MeetingRecord, change: (r: RoomRecord) => T): Promise<T> {
    try {
      return await this.o.store.rooms.changeRoom(meeting.tenantId, meeting.id, change);
    } catch (err) {
      throw err instanceof RoomRefusal ? refusalError(err) : err;
    }
  }
}

/** A refused change as the admin API answers it. */
function refusalError(err: RoomRefusal): GraphError {
  switch (err.reason) {
    case 'noSuchParticipant':
      return notFound(err.message);
    case 'notAllowedToAdmit':
    case 'notAllowedToEnd':
      return forbidden(err.message);
    case 'expired':
      return new GraphError(410, 'Gone', err.message);
    default:
      return conflict(err.message);
  }
}
