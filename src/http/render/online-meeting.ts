import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  autoAdmittedUsersFor,
  type Fidelity,
  lobbyBypassScope,
  meetingSettings,
  type OnlineMeeting,
  onlineMeetingResponse,
  onlineMeetingRole,
  onlineMeetingType,
  settingNames,
} from '../../graph/online-meeting.js';
import type { ApiVersion } from '../../graph/types.js';
import { joinInformationFor } from '../../i18n/join-information.js';
import { type Locale, negotiateLocale } from '../../i18n/negotiate.js';
import type { MeetingRecord } from '../../storage/store.js';
import { graphContentType } from '../graph-error.js';

/** How one request wants its meetings written: where it came in, in which language, and which properties. */
export interface ViewContext {
  /** e.g. `http://127.0.0.1:7878/v1.0` */
  serviceRoot: string;
  version: ApiVersion;
  /** The language of joinInformation, negotiated from Accept-Language. */
  locale: Locale;
  /** The client sent `Prefer: include-unknown-enum-members`. */
  includeUnknownEnumMembers: boolean;
  /** `$select`: only these properties (and id). */
  select?: readonly string[];
  /** Whether answers carry the properties the real service sends beyond the schema. */
  fidelity: Fidelity;
}

export function viewContext(
  request: FastifyRequest,
  at: { publicUrl: () => string; version: ApiVersion; fidelity: Fidelity },
  select?: readonly string[],
): ViewContext {
  const prefer = request.headers.prefer;
  return {
    serviceRoot: `${at.publicUrl()}/${at.version}`,
    version: at.version,
    fidelity: at.fidelity,
    locale: negotiateLocale(request.headers['accept-language']),
    includeUnknownEnumMembers: typeof prefer === 'string' && /(^|[\s,])include-unknown-enum-members\b/i.test(prefer),
    ...(select ? { select } : {}),
  };
}

/** Sends a meeting or a collection of them with Graph's content type, saying which language it is in. */
export function sendGraph(reply: FastifyReply, status: number, body: unknown, ctx: ViewContext) {
  return reply.code(status).type(graphContentType).header('content-language', ctx.locale).send(body);
}

/**
 * Evolvable enum members (those after unknownFutureValue in the version's order) reach only clients that opted in
 * with `Prefer: include-unknown-enum-members`; others read `unknownFutureValue`
 * (https://learn.microsoft.com/en-us/graph/best-practices-concept#handling-future-members-in-evolvable-enumerations).
 */
function evolvable<T extends string | null>(value: T, members: readonly string[], ctx: ViewContext): T {
  return !ctx.includeUnknownEnumMembers && value !== null && members.includes(value)
    ? ('unknownFutureValue' as T)
    : value;
}

/** `(subject,joinWebUrl)` after the entity set in a context URL when the client selected properties. */
const selection = (ctx: ViewContext) => (ctx.select ? `(${ctx.select.join(',')})` : '');

/** The onlineMeeting as Graph returns it: every property present, unset ones as explicit nulls. */
export function toOnlineMeeting(m: MeetingRecord, ctx: ViewContext): OnlineMeeting {
  // Graph names the organizer's user in the context even for /me requests, as the examples of
  // https://learn.microsoft.com/en-us/graph/api/application-post-onlinemeetings show.
  return {
    '@odata.context': `${ctx.serviceRoot}/$metadata#users('${m.organizerId}')/onlineMeetings${selection(ctx)}/$entity`,
    ...meetingProperties(m, ctx),
  } as OnlineMeeting;
}

/**
 * The answer of a filtered GET. `owner` names the entity set: a user's (`users('{oid}')`) or, for the
 * VideoTeleconferenceId lookup, `communications`.
 */
export function toOnlineMeetingCollection(meetings: MeetingRecord[], owner: string, ctx: ViewContext) {
  return {
    '@odata.context': `${ctx.serviceRoot}/$metadata#${owner}/onlineMeetings${selection(ctx)}`,
    value: meetings.map((m) => meetingProperties(m, ctx)),
  };
}

type MeetingProperties = Omit<OnlineMeeting, '@odata.context'>;

function meetingProperties(m: MeetingRecord, ctx: ViewContext): MeetingProperties {
  const full = render(m, ctx);
  if (!ctx.select) return full;
  const picked: Record<string, unknown> = { id: full.id };
  for (const name of ctx.select) picked[name] = (full as Record<string, unknown>)[name];
  return picked as MeetingProperties;
}

function render(m: MeetingRecord, ctx: ViewContext): MeetingProperties {
  const d = m.document;
  const roles = onlineMeetingRole.evolvable[ctx.version];
  const observed = ctx.fidelity === 'observed';
  const organizer = {
    identity: {
      application: null,
      ...(observed ? { applicationInstance: null, azureApplicationInstance: null } : {}),
      device: null,
      user: { id: d.organizer.id, displayName: d.organizer.displayName, tenantId: m.tenantId, identityProvider: 'AAD' },
    },
    // A live event's organizer produces it (example 3 of
    // https://learn.microsoft.com/en-us/graph/api/application-post-onlinemeetings?view=graph-rest-beta).
    role: evolvable(d.settings.isBroadcast ? 'producer' : 'presenter', roles, ctx),
    upn: d.organizer.userPrincipalName,
  };
  // Records written before a setting existed read its default.
  const settings = Object.fromEntries(
    settingNames(ctx.version).map((n) => [n, d.settings[n] === undefined ? meetingSettings[n].default : d.settings[n]]),
  );
  const messageId = d.chatMessageId ?? '0';
  return {
    id: m.id,
    creationDateTime: m.creationDateTime,
    startDateTime: m.startDateTime,
    endDateTime: m.endDateTime,
    expiryDateTime: d.expiryDateTime,
    joinWebUrl: d.joinWebUrl,
    ...(ctx.version === 'beta' ? { joinUrl: d.joinWebUrl } : {}),
    meetingOptionsWebUrl: d.meetingOptionsWebUrl,
    externalId: m.externalId,
    videoTeleconferenceId: m.videoTeleconferenceId,
    // A meeting made through this API is scheduled (it has a start and an end); a live event is a broadcast.
    meetingType: evolvable(
      d.settings.isBroadcast ? 'broadcast' : 'scheduled',
      onlineMeetingType.evolvable[ctx.version],
      ctx,
    ),
    ...settings,
    lobbyBypassSettings: d.settings.lobbyBypassSettings && {
      ...d.settings.lobbyBypassSettings,
      scope: evolvable(d.settings.lobbyBypassSettings.scope ?? null, lobbyBypassScope.evolvable[ctx.version], ctx),
    },
    ...(observed ? { autoAdmittedUsers: autoAdmittedUsersFor(d.settings.lobbyBypassSettings?.scope) } : {}),
    participants: {
      organizer,
      attendees: d.attendees.map((a) => ({ ...a, role: evolvable(a.role ?? null, roles, ctx) })),
      ...(ctx.version === 'beta' || observed
        ? { producers: d.settings.isBroadcast ? [{ ...organizer, role: 'producer' }] : [], contributors: [] }
        : {}),
    },
    joinMeetingIdSettings: {
      isPasscodeRequired: d.isPasscodeRequired,
      joinMeetingId: m.joinMeetingId,
      passcode: d.passcode,
    },
    audioConferencing: {
      conferenceId: m.conferenceId,
      tollNumber: d.tollNumber,
      tollFreeNumber: d.tollFreeNumber,
      tollNumbers: d.tollNumber ? [d.tollNumber] : [],
      tollFreeNumbers: d.tollFreeNumber ? [d.tollFreeNumber] : [],
      dialinUrl: d.dialinUrl,
    },
    chatInfo: { threadId: m.threadId, messageId, replyChainMessageId: null },
    joinInformation: {
      content: joinInformationFor(
        {
          joinWebUrl: d.joinWebUrl,
          joinMeetingId: m.joinMeetingId,
          passcode: d.passcode,
          tollNumber: d.tollNumber,
          tollFreeNumber: d.tollFreeNumber,
          conferenceId: m.conferenceId,
          dialinUrl: d.dialinUrl,
          meetingOptionsWebUrl: d.meetingOptionsWebUrl,
        },
        ctx.locale,
      ),
      contentType: 'html',
    },
    cloudVideoInteropInfo: null,
  } as MeetingProperties;
}

/**
 * Serialized answers to reads, so a meeting read again (a client polling it, a createOrGet retried, a join link looked
 * up again) is not rendered and serialized again. An answer is keyed by the state of its meetings as just read from
 * the store (id, version, creation time) and by everything of the request that shapes it (status, service root,
 * language, enum opt-in, `$select`, the collection's owner), so a changed meeting or another view is a miss, never a
 * stale answer. The store is still read and the caller still authorized on every request; only the rendering of the
 * same state is shared.
 *
 * Memory: an answer is held only when the same state and view is asked for a second time, so reads that never repeat
 * (and answers to writes, which are not held) leave no long-lived garbage behind. Held answers are kept as bytes, at
 * most `maxBytes` of them, least recently used out first.
 */
export class RenderedMeetings {
  private readonly held = new Map<string, Buffer>();
  private heldBytes = 0;
  /** Keys asked for once, oldest first; at most `maxSeen`. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly maxBytes = 4 * 1024 * 1024,
    private readonly maxSeen = 10_000,
  ) {}

  /** Sends one meeting as `sendGraph(reply, status, toOnlineMeeting(meeting, ctx), ctx)` would. */
  sendMeeting(reply: FastifyReply, status: number, meeting: MeetingRecord, ctx: ViewContext) {
    return this.send(reply, status, [stateOf(meeting)], ctx, () => toOnlineMeeting(meeting, ctx));
  }

  /** Sends a collection as `sendGraph(reply, 200, toOnlineMeetingCollection(meetings, owner, ctx), ctx)` would. */
  sendCollection(reply: FastifyReply, meetings: MeetingRecord[], owner: string, ctx: ViewContext) {
    return this.send(reply, 200, [owner, ...meetings.map(stateOf)], ctx, () =>
      toOnlineMeetingCollection(meetings, owner, ctx),
    );
  }

  /** Serialized by the route's own response serializer for `status`, so the bytes are those Fastify would send. */
  private send(reply: FastifyReply, status: number, state: string[], ctx: ViewContext, render: () => object) {
    const key = [
      ...state,
      status,
      ctx.fidelity,
      ctx.serviceRoot,
      ctx.locale,
      ctx.includeUnknownEnumMembers,
      ctx.select?.join(',') ?? '',
    ].join('\u0000');
    const answer = this.held.get(key);
    if (answer) {
      // Map order is insertion order: moving a hit to the end keeps the least recently used first.
      this.held.delete(key);
      this.held.set(key, answer);
      return sendGraph(reply, status, answer, ctx);
    }
    const serialize = reply.getSerializationFunction(String(status));
    if (!serialize) return sendGraph(reply, status, render(), ctx);
    const json = serialize(render() as Record<string, unknown>);
    if (this.seen.delete(key)) this.hold(key, json);
    else this.see(key);
    return sendGraph(reply, status, json, ctx);
  }

  private see(key: string) {
    this.seen.add(key);
    if (this.seen.size > this.maxSeen) this.seen.delete(this.seen.values().next().value as string);
  }

  private hold(key: string, json: string) {
    const size = Buffer.byteLength(json);
    if (size > this.maxBytes) return;
    // A buffer of its own: not a slice of a shared pool, and none of the strings the answer was built from.
    const bytes = Buffer.allocUnsafeSlow(size);
    bytes.write(json);
    this.held.set(key, bytes);
    this.heldBytes += bytes.length;
    for (const [oldest, value] of this.held) {
      if (this.heldBytes <= this.maxBytes) break;
      this.held.delete(oldest);
      this.heldBytes -= value.length;
    }
  }
}

const stateOf = (m: MeetingRecord) => `${m.tenantId}/${m.id}/${m.version}/${m.creationDateTime}`;

/** The meeting as GET /{version}/users/{organizer}/onlineMeetings/{id} answers it, serialized by the same schema. */
export function meetingAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  meeting: MeetingRecord,
  at: { publicUrl: () => string; fidelity: Fidelity },
  version: ApiVersion,
): string {
  const ctx = viewContext(request, { publicUrl: at.publicUrl, fidelity: at.fidelity, version });
  const serialize = reply.compileSerializationSchema(
    onlineMeetingResponse[version] as unknown as Record<string, unknown>,
  );
  return serialize(toOnlineMeeting(meeting, ctx) as unknown as Record<string, unknown>);
}
