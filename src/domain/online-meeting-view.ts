import { lobbyBypassScope, type OnlineMeeting, onlineMeetingRole } from '../graph/online-meeting.js';
import { joinInformationContent, joinInformationHtml } from '../i18n/join-information.js';
import type { MeetingRecord } from '../storage/store.js';

export interface ViewContext {
  /** e.g. `http://127.0.0.1:7878/v1.0` */
  serviceRoot: string;
  locale: string;
  /** The client sent `Prefer: include-unknown-enum-members`. */
  includeUnknownEnumMembers: boolean;
}

/**
 * Evolvable enum members (those after unknownFutureValue) reach only clients that opted in with
 * `Prefer: include-unknown-enum-members`; others read `unknownFutureValue` (spec §1.4, §4.3).
 */
function evolvable<T extends string | null>(value: T, members: readonly string[], ctx: ViewContext): T {
  return !ctx.includeUnknownEnumMembers && value !== null && members.includes(value)
    ? ('unknownFutureValue' as T)
    : value;
}

/** The onlineMeeting as Graph returns it: every property present, unset ones as explicit nulls. */
export function toOnlineMeeting(m: MeetingRecord, ctx: ViewContext): OnlineMeeting {
  const d = m.document;
  const organizer = d.organizer;
  const tollNumbers = d.tollNumber ? [d.tollNumber] : [];
  const tollFreeNumbers = d.tollFreeNumber ? [d.tollFreeNumber] : [];
  return {
    // Graph names the organizer's user in the context even for /me requests (seeds 000-002).
    '@odata.context': `${ctx.serviceRoot}/$metadata#users('${m.organizerId}')/onlineMeetings/$entity`,
    id: m.id,
    creationDateTime: m.creationDateTime,
    startDateTime: m.startDateTime,
    endDateTime: m.endDateTime,
    expiryDateTime: d.expiryDateTime,
    joinWebUrl: d.joinWebUrl,
    meetingOptionsWebUrl: d.meetingOptionsWebUrl,
    externalId: m.externalId,
    videoTeleconferenceId: null,
    meetingType: null,
    ...d.settings,
    lobbyBypassSettings: d.settings.lobbyBypassSettings && {
      ...d.settings.lobbyBypassSettings,
      scope: evolvable(d.settings.lobbyBypassSettings.scope ?? null, lobbyBypassScope.evolvable, ctx),
    },
    participants: {
      organizer: {
        identity: {
          application: null,
          device: null,
          user: {
            id: organizer.id,
            displayName: organizer.displayName,
            tenantId: m.tenantId,
            identityProvider: 'AAD',
          },
        },
        role: evolvable(d.settings.isBroadcast ? 'producer' : 'presenter', onlineMeetingRole.evolvable, ctx),
        upn: organizer.userPrincipalName,
      },
      attendees: d.attendees.map((a) => ({ ...a, role: evolvable(a.role ?? null, onlineMeetingRole.evolvable, ctx) })),
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
      tollNumbers,
      tollFreeNumbers,
      dialinUrl: d.dialinUrl,
    },
    chatInfo: { threadId: m.threadId, messageId: '0', replyChainMessageId: null },
    joinInformation: {
      content: joinInformationContent(
        joinInformationHtml(
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
      ),
      contentType: 'html',
    },
    cloudVideoInteropInfo: null,
  };
}
