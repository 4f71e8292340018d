import type { Clock } from '../common/clock.js';
import { isGuid } from '../common/guid.js';
import { clip } from '../common/text.js';
import { type LiveEventStream, maxAttendanceReports } from '../graph/attendance-report.js';
import { badRequest, forbidden, notFound } from '../graph/errors.js';
import type {
  CreateOnlineMeetingBody,
  CreateOrGetOnlineMeetingBody,
  MeetingParticipantInfo,
  MeetingSettings,
  UpdateOnlineMeetingBody,
} from '../graph/online-meeting.js';
import { meetingSettings } from '../graph/online-meeting.js';
import type { ApiVersion } from '../graph/types.js';
import {
  type AttendanceReportRecord,
  type DirectoryUser,
  IdentifierTaken,
  type MeetingRecord,
  type Store,
} from '../storage/store.js';
import { isObject, merged } from './complex-values.js';
import {
  addHours,
  compareDateTimeOffset,
  type DateTimeOffset,
  formatDateTimeOffset,
  fromEpochMs,
  parseDateTimeOffset,
} from './date-time.js';
import type { Directory } from './directory.js';
import { expiryOfNewMeeting } from './expiry.js';
import {
  fullyDecoded,
  joinWebUrlFor,
  meetingIdFor,
  meetingIdOfKey,
  newChannelMessageId,
  newConferenceId,
  newJoinMeetingId,
  newPasscode,
  newThreadId,
  newVideoTeleconferenceId,
  parseJoinWebUrl,
  parseMeetingId,
  shortJoinWebUrlFor,
} from './identifiers.js';
import { applyUpdate, checkUpdate } from './online-meeting-update.js';
import { authorize, type Grant } from './permissions.js';
import type { Principal } from './principal.js';

export interface MeetingServiceOptions {
  store: Store;
  directory: Directory;
  clock: Clock;
  /** The origin for join and dial-in links; resolved late because the port may only be known after listen. */
  publicUrl: () => string;
  tollNumber: string | null;
  tollFreeNumber: string | null;
  /**
   * `classic`: `…/l/meetup-join/{thread}/{message}?context=…`; `short`: `…/meet/{joinMeetingId}?p={token}`, the form
   * Teams hands out since 2026. Default: classic. Either form of a meeting's link finds it, whichever it was made with.
   */
  joinLinkStyle?: JoinLinkStyle;
  /** Counts a meeting request against its organizer's quota; throws 429 past it (see throttling.ts). */
  meetingQuota?: (tenantId: string, organizerId: string) => Promise<void>;
}

export type JoinLinkStyle = 'classic' | 'short';

/** Whose meetings a request is about: undefined for `/me`, else the `{userId}` of `/users/{userId}`. */
export type PathUser = string | undefined;

/** Generated identifiers are drawn again on a collision; this many in a row means something is wrong. */
const maxIdentifierAttempts = 20;

/** The properties meetings can be looked up by: join link, meeting ID, VTC id. */
export type LookupProperty = 'joinWebUrl' | 'joinMeetingId' | 'videoTeleconferenceId';
/** One lookup: a single property and the value it must have. */
export type Lookup = { [P in LookupProperty]: Record<P, string> }[LookupProperty];

/**
 * The onlineMeeting use cases. Each starts the same way: the token's permission for the operation, then whose
 * meetings these are, then (for application tokens) the application access policy for that user.
 */
export class MeetingService {
  constructor(private readonly o: MeetingServiceOptions) {}

  async create(principal: Principal, path: PathUser, body: CreateOnlineMeetingBody): Promise<MeetingRecord> {
    const grant = authorize(principal, 'onlineMeeting.create');
    const organizer = await this.userOfPath(principal, path);
    await this.checkAccessPolicy(principal, grant, organizer);
    await this.o.meetingQuota?.(organizer.tenantId, organizer.id);

    const { start, end } = scheduleFrom(body.startDateTime, body.endDateTime, this.o.clock.now());
    const settings = settingsFrom(body);
    const attendees = await this.attendees(organizer, body.participants?.attendees);
    const channel = channelOf(body.chatInfo, this.o.clock.now());
    const isPasscodeRequired = body.joinMeetingIdSettings?.isPasscodeRequired === true;
    return withFreshIdentifiers(channel, async (ids) => {
      const record = this.newRecord({
        organizer,
        externalId: null,
        start,
        end,
        settings,
        attendees,
        isPasscodeRequired,
        ids,
      });
      await this.o.store.insertMeeting(record);
      return record;
    });
  }

  /**
   * Returns the organizer's meeting with this externalId, creating it first if there is none. Like the real
   * service, an existing meeting comes back unchanged: the other parameters are not applied or compared.
   */
  async createOrGet(
    principal: Principal,
    path: PathUser,
    body: CreateOrGetOnlineMeetingBody,
    version: ApiVersion,
  ): Promise<{ meeting: MeetingRecord; created: boolean }> {
    const grant = authorize(principal, 'onlineMeeting.createOrGet');
    const organizer = await this.userOfPath(principal, path);
    await this.checkAccessPolicy(principal, grant, organizer);
    await this.o.meetingQuota?.(organizer.tenantId, organizer.id);

    if (body.chatInfo != null && version === 'v1.0') {
      throw badRequest('chatInfo is supported on createOrGet in beta only. Use /beta for channel meetings.');
    }
    const { start, end } = scheduleFrom(body.startDateTime, body.endDateTime, this.o.clock.now());
    const settings = settingsFrom({ subject: body.subject });
    const attendees = await this.attendees(organizer, body.participants?.attendees);
    const channel = channelOf(body.chatInfo, this.o.clock.now());
    // Every call for a key after the first finds its meeting: answered from a read, without making a new one.
    const existing = await this.o.store.findMeetingByExternalId(organizer.tenantId, organizer.id, body.externalId);
    if (existing) return { meeting: existing, created: false };
    return withFreshIdentifiers(channel, (ids) =>
      this.o.store.insertMeetingUnlessExternalIdExists(
        this.newRecord({
          organizer,
          externalId: body.externalId,
          start,
          end,
          settings,
          attendees,
          isPasscodeRequired: false,
          ids,
        }),
      ),
    );
  }

  /** GET by id: the organizer's meeting, or one the user is invited to (onlinemeeting-get). */
  async get(principal: Principal, path: PathUser, meetingId: string): Promise<MeetingRecord> {
    const grant = authorize(principal, 'onlineMeeting.get');
    const user = await this.userOfPath(principal, path);
    await this.checkAccessPolicy(principal, grant, user);

    return this.reach(user, meetingId, 'organizer or attendee');
  }

  async update(
    principal: Principal,
    path: PathUser,
    meetingId: string,
    body: UpdateOnlineMeetingBody,
    version: ApiVersion,
  ): Promise<MeetingRecord> {
    const grant = authorize(principal, 'onlineMeeting.update');
    const organizer = await this.userOfPath(principal, path);
    await this.checkAccessPolicy(principal, grant, organizer);

    const change = checkUpdate(body, version);
    const attendees = change.attendees && (await this.attendees(organizer, change.attendees));
    const now = this.o.clock.now();
    // Read, check and change in one step of the store: nothing written in between is lost, across processes too.
    return this.o.store.changeMeeting(organizer.tenantId, storedIdOf(meetingId), (meeting) =>
      applyUpdate(reachable(organizer, meetingId, meeting, 'organizer'), change, attendees, now),
    );
  }

  async delete(principal: Principal, path: PathUser, meetingId: string): Promise<void> {
    const grant = authorize(principal, 'onlineMeeting.delete');
    const organizer = await this.userOfPath(principal, path);
    await this.checkAccessPolicy(principal, grant, organizer);

    const meeting = await this.reach(organizer, meetingId, 'organizer');
    // Already gone (a concurrent delete) is the same outcome for the caller.
    await this.o.store.deleteMeeting(meeting.tenantId, meeting.id);
  }

  /**
   * GET …/onlineMeetings?$filter=…: the user's meeting with that join link or meeting ID, as a list of at most one.
   * Only the organizer may look a meeting up this way; an attendee gets 403, as in Graph (microsoft-graph-docs#16776).
   */
  async find(
    principal: Principal,
    path: PathUser,
    lookup: Lookup,
  ): Promise<{ user: DirectoryUser; meetings: MeetingRecord[] }> {
    const grant = authorize(principal, 'onlineMeeting.list');
    const user = await this.userOfPath(principal, path);
    await this.checkAccessPolicy(principal, grant, user);

    const meeting = await this.lookUp(user.tenantId, lookup);
    if (!meeting) return { user, meetings: [] };
    if (meeting.organizerId === user.id) return { user, meetings: [meeting] };
    if (isAttendee(meeting, user)) {
      throw forbidden('Only the organizer of the meeting can look it up by its join link or meeting ID.');
    }
    return { user, meetings: [] };
  }

  /**
   * GET /communications/onlineMeetings?$filter=VideoTeleconferenceId eq '…': any meeting of the app's tenant. It
   * takes application permissions only, and no application access policy applies to it.
   */
  async findInTenant(principal: Principal, lookup: Lookup): Promise<MeetingRecord[]> {
    authorize(principal, 'onlineMeeting.getByVideoTeleconferenceId');
    const meeting = await this.lookUp(principal.tenantId, lookup);
    return meeting ? [meeting] : [];
  }

  /**
   * The meeting's attendance reports, the latest session first (at most 50), for its organizer only
   * (meetingattendancereport-list).
   */
  async attendanceReports(
    principal: Principal,
    path: PathUser,
    meetingId: string,
  ): Promise<{ meeting: MeetingRecord; reports: AttendanceReportRecord[] }> {
    const meeting = await this.artifactsOf(principal, path, meetingId);
    const reports = await this.o.store.rooms.listAttendanceReports(meeting.tenantId, meeting.id, maxAttendanceReports);
    return { meeting, reports };
  }

  /** One attendance report; 404 when the meeting has none by that id (meetingattendancereport-get). */
  async attendanceReport(
    principal: Principal,
    path: PathUser,
    meetingId: string,
    reportId: string,
  ): Promise<{ meeting: MeetingRecord; report: AttendanceReportRecord }> {
    const meeting = await this.artifactsOf(principal, path, meetingId);
    const report = await this.o.store.rooms.getAttendanceReport(meeting.tenantId, meeting.id, reportId);
    if (!report) throw notFound(`The meeting has no attendance report with id '${clip(reportId)}'.`);
    return { meeting, report };
  }

  /**
   * A live event's stream (attendeeReport, recordings): the event and its latest session's report. 404 when the
   * meeting is no live event, the stream is not enabled in its broadcastSettings, or the event has not happened yet.
   */
  async liveEventStream(
    principal: Principal,
    path: PathUser,
    meetingId: string,
    stream: LiveEventStream,
  ): Promise<{ meeting: MeetingRecord; report: AttendanceReportRecord }> {
    const meeting = await this.artifactsOf(principal, path, meetingId);
    const { isBroadcast, broadcastSettings } = meeting.document.settings;
    const enabled =
      stream === 'attendeeReport' ? broadcastSettings?.isAttendeeReportEnabled : broadcastSettings?.isRecordingEnabled;
    if (!isBroadcast || enabled !== true) {
      throw notFound(
        `The meeting has no ${stream}: it is ${isBroadcast ? `a live event without ${stream === 'attendeeReport' ? 'isAttendeeReportEnabled' : 'isRecordingEnabled'}` : 'not a live event'}.`,
      );
    }
    const [report] = await this.o.store.rooms.listAttendanceReports(meeting.tenantId, meeting.id, 1);
    if (!report) throw notFound(`The live event has not taken place yet, so it has no ${stream}.`);
    return { meeting, report };
  }

  /** Artifacts are the organizer's: an invited attendee is refused, others do not find the meeting. */
  private async artifactsOf(principal: Principal, path: PathUser, meetingId: string): Promise<MeetingRecord> {
    const grant = authorize(principal, 'onlineMeeting.readArtifacts');
    const user = await this.userOfPath(principal, path);
    await this.checkAccessPolicy(principal, grant, user);
    const meeting = await this.reach(user, meetingId, 'organizer or attendee');
    if (meeting.organizerId !== user.id) {
      throw forbidden('Only the organizer of the meeting can read its attendance reports and recordings.');
    }
    return meeting;
  }

  /**
   * The user whose meetings the request is about: the signed-in user for `/me` (and for their own id under
   * `/users`), the user named in the path for an application token.
   */
  private async userOfPath(principal: Principal, path: PathUser): Promise<DirectoryUser> {
    if (principal.kind === 'delegated') {
      const caller = await this.o.directory.signIn(principal);
      if (path === undefined || path.toLowerCase() === caller.id) return caller;
      // A delegated token acts for its own user only; do not reveal whether the other user exists.
      throw forbidden(
        'A delegated token can only access the online meetings of its own user. Use /me or your own user id.',
      );
    }
    if (path === undefined) throw badRequest('/me request is only valid with delegated authentication flow.');
    const user = isGuid(path) ? await this.o.directory.findUser(principal.tenantId, path) : undefined;
    if (!user) {
      throw notFound(
        `User '${clip(path)}' was not found in the tenant. The userId must be the user's object id (a GUID) in the token's tenant.`,
      );
    }
    return user;
  }

  /** An application token acts for a user only where an application access policy lets the app do so. */
  private async checkAccessPolicy(principal: Principal, grant: Grant, user: DirectoryUser): Promise<void> {
    if (principal.kind === 'application' && grant.applicationAccessPolicy) {
      await this.o.directory.assertApplicationAccess(principal, user.id);
    }
  }

  private async lookUp(tenantId: string, lookup: Lookup): Promise<MeetingRecord | undefined> {
    if (!('joinWebUrl' in lookup)) return this.o.store.findMeeting(tenantId, lookup);
    const link = parseJoinWebUrl(lookup.joinWebUrl);
    if (!link) return undefined;
    if ('joinMeetingId' in link) return this.o.store.findMeeting(tenantId, link);
    if (link.tenantId !== tenantId) return undefined;
    return this.o.store.getMeeting(tenantId, meetingIdOfKey(link.key));
  }

  /** The meeting `meetingId` names, if `user` may reach it (see `reachable`). */
  private async reach(
    user: DirectoryUser,
    meetingId: string,
    who: 'organizer' | 'organizer or attendee',
  ): Promise<MeetingRecord> {
    // The organizer is about to change or delete it: read the latest, not a read shared with others.
    const purpose = who === 'organizer' ? 'forUpdate' : 'read';
    const meeting = await this.o.store.getMeeting(user.tenantId, storedIdOf(meetingId), purpose);
    return reachable(user, meetingId, meeting, who);
  }

  private attendees(organizer: DirectoryUser, sent: (MeetingParticipantInfo | null)[] | null | undefined) {
    return this.o.directory.resolveAttendees(organizer.tenantId, attendeesFrom(sent));
  }

  private newRecord(r: NewMeeting): MeetingRecord {
    const publicUrl = this.o.publicUrl();
    const { tenantId, id: organizerId } = r.organizer;
    const { threadId, messageId, conferenceId } = r.ids;
    return {
      tenantId,
      id: meetingIdFor(organizerId, threadId, messageId),
      organizerId,
      externalId: r.externalId,
      threadId,
      joinMeetingId: r.ids.joinMeetingId,
      conferenceId,
      videoTeleconferenceId: r.ids.videoTeleconferenceId,
      creationDateTime: formatDateTimeOffset(fromEpochMs(this.o.clock.now())),
      startDateTime: formatDateTimeOffset(r.start),
      endDateTime: formatDateTimeOffset(r.end),
      version: 1,
      document: {
        organizer: {
          id: organizerId,
          displayName: r.organizer.displayName,
          userPrincipalName: r.organizer.userPrincipalName,
        },
        chatMessageId: messageId,
        expiryDateTime: expiryOfNewMeeting(r.end),
        joinWebUrl:
          this.o.joinLinkStyle === 'short'
            ? shortJoinWebUrlFor(publicUrl, r.ids.joinMeetingId)
            : joinWebUrlFor({ publicUrl, threadId, tenantId, organizerId, messageId }),
        meetingOptionsWebUrl:
          `${publicUrl}/meetingOptions/?organizerId=${organizerId}&tenantId=${tenantId}` +
          `&threadId=${encodeURIComponent(threadId.replace(':', '_'))}&messageId=${messageId}&language=en-US`,
        dialinUrl: `${publicUrl}/dialin/${tenantId}?id=${conferenceId}`,
        tollNumber: this.o.tollNumber,
        tollFreeNumber: this.o.tollFreeNumber,
        isPasscodeRequired: r.isPasscodeRequired,
        passcode: r.isPasscodeRequired ? newPasscode() : null,
        settings: r.settings,
        attendees: r.attendees,
      },
    };
  }
}

/** What a new meeting is made of, once the request is checked and its identifiers drawn. */
interface NewMeeting {
  organizer: DirectoryUser;
  externalId: string | null;
  start: DateTimeOffset;
  end: DateTimeOffset;
  settings: MeetingSettings;
  attendees: MeetingParticipantInfo[];
  isPasscodeRequired: boolean;
  ids: Identifiers;
}

/** Invited: listed among the attendees by object id or UPN. */
function isAttendee(meeting: MeetingRecord, user: DirectoryUser): boolean {
  const upn = user.userPrincipalName?.toLowerCase();
  return meeting.document.attendees.some(
    (a) => a.identity?.user?.id?.toLowerCase() === user.id || (upn !== undefined && a.upn?.toLowerCase() === upn),
  );
}

interface Identifiers {
  threadId: string;
  messageId: string;
  joinMeetingId: string;
  conferenceId: string;
  videoTeleconferenceId: string;
}

/**
 * Runs `insert` with newly drawn identifiers, drawing again when the store reports one already taken. A channel
 * meeting keeps its channel's thread; its message id is the time in milliseconds, so two meetings posted to one
 * channel in the same millisecond take the next one.
 */
async function withFreshIdentifiers<T>(
  channel: { threadId: string; postedAtMs: number } | null,
  insert: (ids: Identifiers) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ids = {
      threadId: channel?.threadId ?? newThreadId(),
      messageId: channel ? newChannelMessageId(channel.postedAtMs + attempt - 1) : '0',
      joinMeetingId: newJoinMeetingId(),
      conferenceId: newConferenceId(),
      videoTeleconferenceId: newVideoTeleconferenceId(),
    };
    try {
      return await insert(ids);
    } catch (err) {
      if (!(err instanceof IdentifierTaken) || attempt >= maxIdentifierAttempts) throw err;
    }
  }
}

const channelThread = /^19:[A-Za-z0-9_.\-=+/]{1,200}@thread\.(tacv2|skype|v2)$/;

/**
 * Beta: `chatInfo.threadId` of a channel makes a channel meeting, posted as a new message of that channel (example 2
 * of https://learn.microsoft.com/en-us/graph/api/application-post-onlinemeetings?view=graph-rest-beta). The thread
 * may arrive percent-encoded, as in that example.
 */
function channelOf(
  chat: { threadId?: string | null } | null | undefined,
  nowMs: number,
): { threadId: string; postedAtMs: number } | null {
  if (!chat?.threadId) return null;
  const threadId = fullyDecoded(chat.threadId);
  if (!channelThread.test(threadId)) {
    throw badRequest(
      `chatInfo.threadId '${clip(chat.threadId)}' is not a channel thread id such as 19:…@thread.tacv2.`,
    );
  }
  return { threadId, postedAtMs: nowMs };
}

/**
 * Graph's time rules (the createOrGet page, https://learn.microsoft.com/en-us/graph/api/onlinemeeting-createorget,
 * applied to create too): none given -> now..now+1h; start only -> start+1h; end without start, or end before
 * start, is an error. Start equal to end and meetings in the past are allowed.
 */
function scheduleFrom(
  startRaw: string | null | undefined,
  endRaw: string | null | undefined,
  nowMs: number,
): { start: DateTimeOffset; end: DateTimeOffset } {
  const start = startRaw == null ? null : parseDateTimeOffset(startRaw);
  const end = endRaw == null ? null : parseDateTimeOffset(endRaw);
  // The validator has already checked the format; a null here means the value was not sent.
  if (!start && end) throw badRequest('endDateTime was given without startDateTime. Send both, or only startDateTime.');
  const from = start ?? fromEpochMs(nowMs);
  const to = end ?? addHours(from, 1);
  if (!to) throw badRequest('startDateTime is too late: the meeting would end after the year 9999.');
  if (compareDateTimeOffset(to, from) < 0) throw badRequest('endDateTime must not be earlier than startDateTime.');
  return { start: from, end: to };
}

/** What was sent, else the default; a partial complex value keeps the default's other fields (lobbyBypassSettings). */
function settingsFrom(body: Partial<MeetingSettings>): MeetingSettings {
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(meetingSettings)) {
    const sent: unknown = body[name as keyof MeetingSettings];
    if (sent === undefined) out[name] = property.default;
    else
      out[name] =
        property.merge && isObject(sent) && isObject(property.default) ? merged(property.default, sent) : sent;
  }
  return out as MeetingSettings;
}

/** Attendees are kept as sent, with role and upn made explicit; each must name someone. */
function attendeesFrom(attendees: (MeetingParticipantInfo | null)[] | null | undefined): MeetingParticipantInfo[] {
  return (attendees ?? []).map((a, i) => {
    if (a === null) throw badRequest(`participants/attendees/${i} must not be null.`);
    const identity = a.identity ?? null;
    const named =
      a.upn || (identity && Object.values(identity).some((who) => who && typeof who === 'object' && who.id));
    if (!named) {
      throw badRequest(`participants/attendees/${i} names nobody: set identity.user.id or upn.`);
    }
    return { identity, role: a.role ?? null, upn: a.upn ?? null };
  });
}

/**
 * `meeting`, if `user` may reach it: 404 for a meeting that does not exist or one the user has nothing to do with
 * (not revealing which); 403 for an attendee asking for what only the organizer may do.
 */
function reachable(
  user: DirectoryUser,
  meetingId: string,
  meeting: MeetingRecord | undefined,
  who: 'organizer' | 'organizer or attendee',
): MeetingRecord {
  if (meeting && meeting.organizerId === user.id) return meeting;
  if (meeting && isAttendee(meeting, user)) {
    if (who === 'organizer or attendee') return meeting;
    throw forbidden('Only the organizer of the meeting can change or delete it.');
  }
  throw notReachable(
    meetingId,
    meeting
      ? `meeting access: the meeting exists, but user ${user.id} is neither its organizer nor an attendee; only they can read it (only the organizer can change it). Use the organizer's token, or /users/{organizerId} with an application token.`
      : `meeting id: no meeting with this id exists in tenant ${user.tenantId} (never made, deleted, or made in another tenant or by another organizer's token).`,
  );
}

/** The stored id of the meeting a client's `meetingId` names; a malformed one is not found, like a missing one. */
function storedIdOf(meetingId: string): string {
  const key = parseMeetingId(meetingId);
  if (!key) throw notReachable(meetingId);
  return meetingIdOfKey(key);
}

/** A malformed id, no such meeting, or not the user's: one answer for all three (explain mode tells them apart). */
const notReachable = (meetingId: string, why?: string) =>
  notFound(`No online meeting with id '${clip(meetingId)}' was found for this user.`).explained(
    why ??
      'meeting id: it is not an id graphmeet issues (base64 of 1*{organizer}*{message}**{thread}). Use the id a create or createOrGet answered with.',
  );
