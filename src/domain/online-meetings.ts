import type {
  CreateOnlineMeetingBody,
  CreateOrGetOnlineMeetingBody,
  MeetingParticipantInfo,
  MeetingSettings,
} from '../graph/online-meeting.js';
import { meetingSettings } from '../graph/online-meeting.js';
import { type DirectoryUser, IdentifierTaken, type MeetingRecord, type Store } from '../storage/store.js';
import {
  addDays,
  addHours,
  compareDateTimeOffset,
  type DateTimeOffset,
  formatDateTimeOffset,
  fromEpochMs,
  parseDateTimeOffset,
} from './date-time.js';
import type { Directory } from './directory.js';
import { badRequest, forbidden, notFound } from './errors.js';
import {
  joinWebUrlFor,
  meetingIdFor,
  newConferenceId,
  newJoinMeetingId,
  newPasscode,
  newThreadId,
} from './identifiers.js';
import { authorize, type Operation } from './permissions.js';
import { isGuid, type Principal } from './principal.js';

export interface MeetingServiceOptions {
  store: Store;
  directory: Directory;
  /** The origin for join and dial-in links; resolved late because the port may only be known after listen. */
  publicUrl: () => string;
  tollNumber: string | null;
  tollFreeNumber: string | null;
  now?: () => number;
}

/** Meetings expire 60 days after their end time (spec §1.1, expiryDateTime). */
const expiryDays = 60;

/** Generated identifiers are drawn again on a collision; this many in a row means something is wrong. */
const maxIdentifierAttempts = 20;

export class MeetingService {
  private readonly now: () => number;

  constructor(private readonly o: MeetingServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * Checks the token's scopes or roles for the operation and works out whose meetings the request is about:
   * the signed-in user for `/me`, the user in the path for `/users/{userId}`.
   */
  async resolveOrganizer(
    principal: Principal,
    pathUserId: string | undefined,
    operation: Operation,
  ): Promise<DirectoryUser> {
    authorize(principal, operation);
    if (principal.kind === 'delegated') {
      const caller = await this.o.directory.recordCaller(principal);
      if (pathUserId === undefined || pathUserId.toLowerCase() === caller.id) return caller;
      // A delegated token acts for its own user only; do not reveal whether the other user exists.
      throw forbidden(
        'A delegated token can only access the online meetings of its own user. Use /me or your own user id.',
      );
    }
    if (pathUserId === undefined) {
      throw badRequest('/me request is only valid with delegated authentication flow.');
    }
    const user = isGuid(pathUserId) ? await this.o.directory.findUser(principal.tenantId, pathUserId) : undefined;
    if (!user) {
      throw notFound(
        `User '${truncate(pathUserId)}' was not found in the tenant. The userId must be the user's object id (a GUID) in the token's tenant.`,
      );
    }
    return user;
  }

  async create(organizer: DirectoryUser, body: CreateOnlineMeetingBody): Promise<MeetingRecord> {
    const { start, end } = scheduleFrom(body.startDateTime, body.endDateTime, this.now());
    const settings = settingsFrom(body);
    const attendees = attendeesFrom(body.participants?.attendees);
    const isPasscodeRequired = body.joinMeetingIdSettings?.isPasscodeRequired === true;
    return withFreshIdentifiers(async (ids) => {
      const record = this.newRecord(organizer, null, start, end, settings, attendees, isPasscodeRequired, ids);
      await this.o.store.insertMeeting(record);
      return record;
    });
  }

  /**
   * Returns the organizer's meeting with this externalId, creating it first if there is none. Like the real
   * service, an existing meeting comes back unchanged: the other parameters are not applied or compared.
   */
  async createOrGet(
    organizer: DirectoryUser,
    body: CreateOrGetOnlineMeetingBody,
  ): Promise<{ meeting: MeetingRecord; created: boolean }> {
    const { start, end } = scheduleFrom(body.startDateTime, body.endDateTime, this.now());
    const settings = settingsFrom({ subject: body.subject });
    const attendees = attendeesFrom(body.participants?.attendees);
    return withFreshIdentifiers((ids) =>
      this.o.store.insertMeetingUnlessExternalIdExists(
        this.newRecord(organizer, body.externalId, start, end, settings, attendees, false, ids),
      ),
    );
  }

  async get(organizer: DirectoryUser, meetingId: string): Promise<MeetingRecord> {
    const meeting = await this.o.store.getMeeting(organizer.tenantId, meetingId);
    if (!meeting || meeting.organizerId !== organizer.id) {
      throw notFound(`No online meeting with id '${truncate(meetingId)}' was found for this user.`);
    }
    return meeting;
  }

  private newRecord(
    organizer: DirectoryUser,
    externalId: string | null,
    start: DateTimeOffset,
    end: DateTimeOffset,
    settings: MeetingSettings,
    attendees: MeetingParticipantInfo[],
    isPasscodeRequired: boolean,
    ids: Identifiers,
  ): MeetingRecord {
    const publicUrl = this.o.publicUrl();
    const { tenantId, id: organizerId } = organizer;
    return {
      tenantId,
      id: meetingIdFor(organizerId, ids.threadId),
      organizerId,
      externalId,
      threadId: ids.threadId,
      joinMeetingId: ids.joinMeetingId,
      conferenceId: ids.conferenceId,
      creationDateTime: formatDateTimeOffset(fromEpochMs(this.now())),
      startDateTime: formatDateTimeOffset(start),
      endDateTime: formatDateTimeOffset(end),
      document: {
        organizer: {
          id: organizerId,
          displayName: organizer.displayName,
          userPrincipalName: organizer.userPrincipalName,
        },
        expiryDateTime: formatDateTimeOffset(addDays(end, expiryDays)),
        joinWebUrl: joinWebUrlFor(publicUrl, ids.threadId, tenantId, organizerId),
        meetingOptionsWebUrl:
          `${publicUrl}/meetingOptions/?organizerId=${organizerId}&tenantId=${tenantId}` +
          `&threadId=${encodeURIComponent(ids.threadId.replace(':', '_'))}&messageId=0&language=en-US`,
        dialinUrl: `${publicUrl}/dialin/${tenantId}?id=${ids.conferenceId}`,
        tollNumber: this.o.tollNumber,
        tollFreeNumber: this.o.tollFreeNumber,
        isPasscodeRequired,
        passcode: isPasscodeRequired ? newPasscode() : null,
        settings,
        attendees,
      },
    };
  }
}

interface Identifiers {
  threadId: string;
  joinMeetingId: string;
  conferenceId: string;
}

/** Runs `insert` with newly drawn identifiers, drawing again when the store reports one already taken. */
async function withFreshIdentifiers<T>(insert: (ids: Identifiers) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ids = { threadId: newThreadId(), joinMeetingId: newJoinMeetingId(), conferenceId: newConferenceId() };
    try {
      return await insert(ids);
    } catch (err) {
      if (!(err instanceof IdentifierTaken) || attempt >= maxIdentifierAttempts) throw err;
    }
  }
}

/**
 * Graph's time rules (seeds 003/004, spec §2.3-2.4): none given -> now..now+1h; start only -> start+1h;
 * end without start, or end before start, is an error. Start equal to end and meetings in the past are allowed.
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

function settingsFrom(body: Partial<MeetingSettings>): MeetingSettings {
  const out: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(meetingSettings)) {
    const sent = body[name as keyof MeetingSettings];
    out[name] = sent === undefined ? property.default : sent;
  }
  // A partial lobbyBypassSettings keeps the defaults of the fields it leaves out.
  if (body.lobbyBypassSettings) {
    out.lobbyBypassSettings = {
      ...meetingSettings.lobbyBypassSettings.default,
      ...withoutODataType(body.lobbyBypassSettings),
    };
  }
  return out as MeetingSettings;
}

function withoutODataType<T extends { '@odata.type'?: string }>(value: T): Omit<T, '@odata.type'> {
  const { '@odata.type': _, ...rest } = value;
  return rest;
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

function truncate(value: string, max = 120): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
