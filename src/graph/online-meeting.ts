import { type Static, type TSchema, Type } from 'typebox';
import {
  complexType,
  dateTimeOffset,
  graphEnum,
  graphType,
  nullableBoolean,
  nullableString,
  nullableStringArray,
  odataType,
} from './types.js';

/**
 * microsoft.graph.onlineMeeting (v1.0) and the complex types it uses. Source: the v1.0 CSDL closure in
 * shared/spec and spec §1. One table below says, per property, whether a client may set it on create,
 * whether createOrGet takes it as a parameter, and the value a new meeting gets when it is not sent.
 */

export const onlineMeetingRole = graphEnum('onlineMeetingRole', [
  'attendee',
  'presenter',
  'unknownFutureValue',
  'producer',
  'coorganizer',
]);
export const onlineMeetingPresenters = graphEnum('onlineMeetingPresenters', [
  'everyone',
  'organization',
  'roleIsPresenter',
  'organizer',
  'unknownFutureValue',
]);
export const lobbyBypassScope = graphEnum('lobbyBypassScope', [
  'organizer',
  'organization',
  'organizationAndFederated',
  'everyone',
  'unknownFutureValue',
  'invited',
  'organizationExcludingGuests',
]);
export const meetingChatMode = graphEnum('meetingChatMode', ['enabled', 'disabled', 'limited', 'unknownFutureValue']);
export const meetingChatHistoryDefaultMode = graphEnum('meetingChatHistoryDefaultMode', [
  'none',
  'all',
  'unknownFutureValue',
]);
export const meetingLiveShareOptions = graphEnum('meetingLiveShareOptions', [
  'enabled',
  'disabled',
  'unknownFutureValue',
]);
export const allowedLobbyAdmitterRoles = graphEnum('allowedLobbyAdmitterRoles', [
  'organizerAndCoOrganizersAndPresenters',
  'organizerAndCoOrganizers',
  'unknownFutureValue',
]);
export const broadcastMeetingAudience = graphEnum('broadcastMeetingAudience', [
  'roleIsAttendee',
  'organization',
  'everyone',
  'unknownFutureValue',
]);

const identityProperties = {
  id: nullableString(),
  displayName: nullableString(),
  // communicationsUserIdentity and the open-type extras the service returns on identity.user
  tenantId: nullableString(),
  identityProvider: nullableString(),
};
export const identity = complexType('identity', identityProperties);

export const identitySet = complexType('identitySet', {
  application: identity,
  applicationInstance: identity,
  device: identity,
  user: identity,
  phone: identity,
  guest: identity,
  encrypted: identity,
  onPremises: identity,
});

export const meetingParticipantInfo = complexType('meetingParticipantInfo', {
  identity: identitySet,
  role: onlineMeetingRole.request,
  upn: nullableString(),
});

/** Graph documents no limit; a chat of more than 1,000 people cannot be formed, so a longer list cannot be right. */
export const maxAttendees = 1000;

export const meetingParticipants = complexType('meetingParticipants', {
  attendees: Type.Unsafe<Static<typeof meetingParticipantInfo>[] | null>({
    type: ['array', 'null'],
    items: meetingParticipantInfo,
    maxItems: maxAttendees,
  }),
  // Graph ignores an organizer in the request: the organizer is always the user in the token or path.
  organizer: meetingParticipantInfo,
});

export const lobbyBypassSettings = complexType('lobbyBypassSettings', {
  scope: lobbyBypassScope.request,
  isDialInBypassEnabled: nullableBoolean(),
});

export const chatRestrictions = complexType('chatRestrictions', { allowTextOnly: nullableBoolean() });

export const watermarkProtectionValues = complexType('watermarkProtectionValues', {
  isEnabledForContentSharing: nullableBoolean(),
  isEnabledForVideo: nullableBoolean(),
});

export const sensitivityLabelAssignment = complexType('onlineMeetingSensitivityLabelAssignment', {
  sensitivityLabelId: nullableString(),
});

export const broadcastMeetingSettings = complexType('broadcastMeetingSettings', {
  allowedAudience: broadcastMeetingAudience.request,
  captions: complexType('broadcastMeetingCaptionSettings', {
    isCaptionEnabled: nullableBoolean(),
    spokenLanguage: nullableString(),
    translationLanguages: nullableStringArray(),
  }),
  isAttendeeReportEnabled: nullableBoolean(),
  isQuestionAndAnswerEnabled: nullableBoolean(),
  isRecordingEnabled: nullableBoolean(),
  isVideoOnDemandEnabled: nullableBoolean(),
});

/** On create only isPasscodeRequired may be set; joinMeetingId and passcode are generated. */
export const joinMeetingIdSettingsRequest = complexType('joinMeetingIdSettings', {
  isPasscodeRequired: nullableBoolean(),
});

export const chatInfo = complexType('chatInfo', {
  threadId: nullableString(),
  messageId: nullableString(),
  replyChainMessageId: nullableString(),
});

/** `default` is what a new meeting gets when the client leaves the property out. */
const writable = <S extends TSchema>(schema: S, defaultValue: Static<S> = null as Static<S>) => ({
  schema,
  default: defaultValue,
});

/**
 * The v1.0 properties a client sets when creating a meeting (the Create column of spec §1.1), with the values
 * the real service returns when they are not sent. startDateTime, endDateTime, participants and
 * joinMeetingIdSettings have rules of their own and are handled by the domain.
 */
export const meetingSettings = {
  subject: writable(nullableString()),
  allowAttendeeToEnableCamera: writable(nullableBoolean(), true),
  allowAttendeeToEnableMic: writable(nullableBoolean(), true),
  allowBreakoutRooms: writable(nullableBoolean(), true),
  allowCopyingAndSharingMeetingContent: writable(nullableBoolean(), true),
  allowedLobbyAdmitters: writable(allowedLobbyAdmitterRoles.request, 'organizerAndCoOrganizersAndPresenters'),
  allowedPresenters: writable(onlineMeetingPresenters.request, 'everyone'),
  allowLiveShare: writable(meetingLiveShareOptions.request, 'enabled'),
  allowMeetingChat: writable(meetingChatMode.request, 'enabled'),
  allowParticipantsToChangeName: writable(nullableBoolean(), false),
  allowPowerPointSharing: writable(nullableBoolean(), true),
  allowRecording: writable(nullableBoolean(), true),
  allowTeamworkReactions: writable(nullableBoolean(), true),
  allowTranscription: writable(nullableBoolean(), true),
  allowWhiteboard: writable(nullableBoolean(), true),
  chatRestrictions: writable(chatRestrictions),
  isEndToEndEncryptionEnabled: writable(nullableBoolean(), false),
  isEntryExitAnnounced: writable(nullableBoolean(), true),
  lobbyBypassSettings: writable(lobbyBypassSettings, { scope: 'organization', isDialInBypassEnabled: false }),
  meetingSpokenLanguageTag: writable(nullableString()),
  meetingTemplateId: writable(nullableString()),
  recordAutomatically: writable(nullableBoolean(), false),
  sensitivityLabelAssignment: writable(sensitivityLabelAssignment),
  shareMeetingChatHistoryDefault: writable(meetingChatHistoryDefaultMode.request),
  watermarkProtection: writable(watermarkProtectionValues),
  // Live events: deprecated, still in the v1.0 schema.
  isBroadcast: writable(nullableBoolean(), false),
  broadcastSettings: writable(broadcastMeetingSettings),
} as const;

export type MeetingSettingName = keyof typeof meetingSettings;
export type MeetingSettings = { [K in MeetingSettingName]: Static<(typeof meetingSettings)[K]['schema']> };

const settingSchemas = Object.fromEntries(
  Object.entries(meetingSettings).map(([name, p]) => [name, Type.Optional(p.schema)]),
) as { [K in MeetingSettingName]: ReturnType<typeof Type.Optional<(typeof meetingSettings)[K]['schema']>> };

const scheduling = {
  startDateTime: Type.Optional(dateTimeOffset()),
  endDateTime: Type.Optional(dateTimeOffset()),
  participants: Type.Optional(meetingParticipants),
};

const onlineMeetingTitle = graphType('onlineMeeting');

/** Body of POST …/onlineMeetings. */
export const createOnlineMeetingBody = Type.Object(
  {
    ...settingSchemas,
    ...scheduling,
    joinMeetingIdSettings: Type.Optional(joinMeetingIdSettingsRequest),
    '@odata.type': odataType,
  },
  { additionalProperties: false, title: onlineMeetingTitle },
);
export type CreateOnlineMeetingBody = Static<typeof createOnlineMeetingBody>;

/** Graph documents no length limit; graphmeet keeps externalId short enough for a B-tree unique index. */
export const maxExternalIdLength = 512;

/**
 * Body of POST …/onlineMeetings/createOrGet. Its parameters are externalId, startDateTime, endDateTime,
 * subject, participants and chatInfo. Like the real service it also takes the other settable onlineMeeting
 * properties and ignores them (msgraph-sdk-dotnet#1121): a client must PATCH them afterwards.
 */
export const createOrGetOnlineMeetingBody = Type.Object(
  {
    ...settingSchemas,
    ...scheduling,
    joinMeetingIdSettings: Type.Optional(joinMeetingIdSettingsRequest),
    externalId: Type.String({ minLength: 1, maxLength: maxExternalIdLength }),
    chatInfo: Type.Optional(chatInfo),
    '@odata.type': odataType,
  },
  { additionalProperties: false, title: onlineMeetingTitle },
);
export type CreateOrGetOnlineMeetingBody = Static<typeof createOrGetOnlineMeetingBody>;

/**
 * Properties of onlineMeeting the server fills in. Sending one is a client error, answered with a message
 * that says so instead of "does not exist". Keyed by the type title that validation reports.
 */
export const readOnlyProperties: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  [onlineMeetingTitle]: {
    id: 'The id is generated by the server.',
    creationDateTime: 'It is set by the server.',
    joinWebUrl: 'The join link is generated by the server.',
    joinUrl: 'The join link is generated by the server.',
    audioConferencing: 'Dial-in information is generated by the server.',
    joinInformation: 'It is generated by the server.',
    videoTeleconferenceId: 'It is assigned by the server.',
    expiryDateTime: 'It is computed by the server.',
    meetingOptionsWebUrl: 'It is generated by the server.',
    meetingType: 'It is set by the server.',
    cloudVideoInteropInfo: 'It is assigned by the server.',
    chatInfo: 'The chat thread is created by the server.',
    externalId: 'Use createOrGet (POST …/onlineMeetings/createOrGet) to create a meeting with an externalId.',
    attendeeReport: 'It is produced by the service after a live event.',
  },
  [graphType('joinMeetingIdSettings')]: {
    joinMeetingId: 'The meeting ID is generated by the server.',
    passcode: 'A passcode is generated when isPasscodeRequired is true; a custom passcode is not supported.',
  },
};

// ---- the response --------------------------------------------------------------------------------------

const responseIdentity = complexType('identity', identityProperties);
const responseParticipant = complexType('meetingParticipantInfo', {
  identity: complexType('identitySet', {
    application: responseIdentity,
    applicationInstance: responseIdentity,
    device: responseIdentity,
    user: responseIdentity,
    phone: responseIdentity,
    guest: responseIdentity,
    encrypted: responseIdentity,
    onPremises: responseIdentity,
  }),
  role: onlineMeetingRole.response,
  upn: nullableString(),
});

const responseSettings = Object.fromEntries(Object.entries(meetingSettings).map(([name, p]) => [name, p.schema])) as {
  [K in MeetingSettingName]: (typeof meetingSettings)[K]['schema'];
};

/** What GET, create and createOrGet return: every v1.0 property, unset ones as explicit nulls. */
export const onlineMeetingResponse = Type.Object(
  {
    '@odata.context': Type.String(),
    id: Type.String(),
    creationDateTime: Type.String(),
    startDateTime: Type.String(),
    endDateTime: Type.String(),
    expiryDateTime: Type.String(),
    joinWebUrl: Type.String(),
    meetingOptionsWebUrl: Type.String(),
    externalId: nullableString(),
    videoTeleconferenceId: nullableString(),
    meetingType: nullableString(),
    ...responseSettings,
    participants: Type.Object({
      organizer: responseParticipant,
      attendees: Type.Array(responseParticipant),
    }),
    joinMeetingIdSettings: Type.Object({
      isPasscodeRequired: Type.Boolean(),
      joinMeetingId: Type.String(),
      passcode: nullableString(),
    }),
    audioConferencing: Type.Object({
      conferenceId: Type.String(),
      tollNumber: nullableString(),
      tollFreeNumber: nullableString(),
      tollNumbers: Type.Array(Type.String()),
      tollFreeNumbers: Type.Array(Type.String()),
      dialinUrl: Type.String(),
    }),
    chatInfo: Type.Object({
      threadId: Type.String(),
      messageId: Type.String(),
      replyChainMessageId: nullableString(),
    }),
    joinInformation: Type.Object({ content: Type.String(), contentType: Type.String() }),
    cloudVideoInteropInfo: Type.Null(),
  },
  { additionalProperties: false },
);
export type OnlineMeeting = Static<typeof onlineMeetingResponse>;
export type MeetingParticipantInfo = NonNullable<Static<typeof meetingParticipantInfo>>;
