import { type Static, type TSchema, Type } from 'typebox';
import {
  type ApiVersion,
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
 * microsoft.graph.onlineMeeting and the complex types it uses, for v1.0 and beta. Sources: Graph's v1.0 metadata
 * (microsoftgraph/msgraph-metadata, schemas/v1.0-Prod.csdl) and the resource pages
 * https://learn.microsoft.com/en-us/graph/api/resources/onlinemeeting (add ?view=graph-rest-beta for beta). One
 * table below says, per settable property, the value a new meeting gets, whether PATCH may change it, and whether
 * it exists in beta only; the request and response schemas of both versions are derived from it.
 */

// v1.0 lists producer after unknownFutureValue (evolvable); beta has it before (the onlineMeetingRole enum on
// https://learn.microsoft.com/en-us/graph/api/resources/meetingparticipantinfo, v1.0 and beta).
export const onlineMeetingRole = graphEnum(
  'onlineMeetingRole',
  ['attendee', 'presenter', 'unknownFutureValue', 'producer', 'coorganizer'],
  ['attendee', 'presenter', 'producer', 'unknownFutureValue', 'coorganizer'],
);
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
/**
 * The kind of meeting, an enum in v1.0 since 2026-07 (before: a free string). All its members come before
 * unknownFutureValue, so none is held back from clients that did not opt in with Prefer.
 */
export const onlineMeetingType = graphEnum('onlineMeetingType', [
  'adhoc',
  'scheduled',
  'recurring',
  'broadcast',
  'meetnow',
  'unknownFutureValue',
]);
export const bodyType = graphEnum('bodyType', ['text', 'html']);
export const meetingCapabilities = graphEnum('meetingCapabilities', ['questionAndAnswer', 'unknownFutureValue']);
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

interface WritableOptions<S extends TSchema> {
  /** What a new meeting gets when the client leaves the property out. */
  default?: Static<S>;
  /** Listed among the properties https://learn.microsoft.com/en-us/graph/api/onlinemeeting-update can change. */
  patch: boolean;
  /** A complex value: a partial object merges into the current (or default) one instead of replacing it. */
  merge?: boolean;
  /** Exists in beta only; v1.0 answers it as a property the type does not have. */
  betaOnly?: boolean;
}

const writable = <S extends TSchema>(schema: S, o: WritableOptions<S>) => ({
  schema,
  default: (o.default ?? null) as Static<S>,
  patch: o.patch,
  merge: o.merge ?? false,
  betaOnly: o.betaOnly ?? false,
});

const nullableArrayOf = <S extends TSchema>(items: S) =>
  Type.Unsafe<Static<S>[] | null>({ type: ['array', 'null'], items, maxItems: 10 });

/**
 * The properties a client sets when creating a meeting (https://learn.microsoft.com/en-us/graph/api/application-post-onlinemeetings), with the values the
 * real service returns when they are not sent, and which of them PATCH may change. startDateTime,
 * endDateTime, participants and joinMeetingIdSettings have rules of their own and are handled by the domain.
 */
export const meetingSettings = {
  subject: writable(nullableString(), { patch: true }),
  allowAttendeeToEnableCamera: writable(nullableBoolean(), { default: true, patch: true }),
  allowAttendeeToEnableMic: writable(nullableBoolean(), { default: true, patch: true }),
  allowBreakoutRooms: writable(nullableBoolean(), { default: true, patch: true }),
  allowCopyingAndSharingMeetingContent: writable(nullableBoolean(), { default: true, patch: true }),
  allowedLobbyAdmitters: writable(allowedLobbyAdmitterRoles.request, {
    default: 'organizerAndCoOrganizersAndPresenters',
    patch: true,
  }),
  allowedPresenters: writable(onlineMeetingPresenters.request, { default: 'everyone', patch: true }),
  allowLiveShare: writable(meetingLiveShareOptions.request, { default: 'enabled', patch: true }),
  allowMeetingChat: writable(meetingChatMode.request, { default: 'enabled', patch: true }),
  allowParticipantsToChangeName: writable(nullableBoolean(), { default: false, patch: false }),
  allowPowerPointSharing: writable(nullableBoolean(), { default: true, patch: true }),
  allowRecording: writable(nullableBoolean(), { default: true, patch: true }),
  allowTeamworkReactions: writable(nullableBoolean(), { default: true, patch: true }),
  allowTranscription: writable(nullableBoolean(), { default: true, patch: true }),
  allowWhiteboard: writable(nullableBoolean(), { default: true, patch: true }),
  chatRestrictions: writable(chatRestrictions, { patch: false, merge: true }),
  isEndToEndEncryptionEnabled: writable(nullableBoolean(), { default: false, patch: true }),
  isEntryExitAnnounced: writable(nullableBoolean(), { default: true, patch: true }),
  lobbyBypassSettings: writable(lobbyBypassSettings, {
    default: { scope: 'organization', isDialInBypassEnabled: false },
    patch: true,
    merge: true,
  }),
  meetingSpokenLanguageTag: writable(nullableString({ maxLength: 35 }), { patch: true }),
  meetingTemplateId: writable(nullableString(), { patch: false }),
  recordAutomatically: writable(nullableBoolean(), { default: false, patch: true }),
  sensitivityLabelAssignment: writable(sensitivityLabelAssignment, { patch: true, merge: true }),
  shareMeetingChatHistoryDefault: writable(meetingChatHistoryDefaultMode.request, { patch: false }),
  watermarkProtection: writable(watermarkProtectionValues, { patch: true, merge: true }),
  // Live events: deprecated, still in both schemas.
  isBroadcast: writable(nullableBoolean(), { default: false, patch: false }),
  broadcastSettings: writable(broadcastMeetingSettings, { patch: true, merge: true }),
  // Beta only. Only `attendee` may be anonymized, and once added it cannot be taken away
  // (https://learn.microsoft.com/en-us/graph/api/resources/onlinemeeting?view=graph-rest-beta).
  anonymizeIdentityForRoles: writable(
    Type.Unsafe<'attendee'[] | null>({
      type: ['array', 'null'],
      items: { type: 'string', enum: ['attendee'] },
      maxItems: 1,
    }),
    { default: [], patch: true, betaOnly: true },
  ),
  capabilities: writable(nullableArrayOf(meetingCapabilities.request), { default: [], patch: false, betaOnly: true }),
} as const;

export type MeetingSettingName = keyof typeof meetingSettings;
export type MeetingSettings = { [K in MeetingSettingName]: Static<(typeof meetingSettings)[K]['schema']> };

/** The settings a version has. */
export const settingNames = (version: ApiVersion): readonly MeetingSettingName[] => namesByVersion[version];

// Computed once per version: every answer renders them.
const namesByVersion = perVersion((version) =>
  (Object.keys(meetingSettings) as MeetingSettingName[]).filter(
    (n) => version === 'beta' || !meetingSettings[n].betaOnly,
  ),
);

const settingSchemas = (version: ApiVersion) =>
  Object.fromEntries(settingNames(version).map((n) => [n, Type.Optional(meetingSettings[n].schema)])) as {
    [K in MeetingSettingName]: ReturnType<typeof Type.Optional<(typeof meetingSettings)[K]['schema']>>;
  };

const scheduling = {
  startDateTime: Type.Optional(dateTimeOffset()),
  endDateTime: Type.Optional(dateTimeOffset()),
  participants: Type.Optional(meetingParticipants),
};

const onlineMeetingTitle = graphType('onlineMeeting');

/** Built once per version; a function of the version, so that the two cannot drift apart. */
function perVersion<T>(build: (version: ApiVersion) => T): Record<ApiVersion, T> {
  return { 'v1.0': build('v1.0'), beta: build('beta') };
}

/**
 * Body of POST …/onlineMeetings. In beta, chatInfo.threadId makes a channel meeting (example 2 of
 * https://learn.microsoft.com/en-us/graph/api/application-post-onlinemeetings?view=graph-rest-beta);
 * in v1.0 chatInfo is the server's.
 */
export const createOnlineMeetingBody = perVersion((version) =>
  Type.Object(
    {
      ...settingSchemas(version),
      ...scheduling,
      joinMeetingIdSettings: Type.Optional(joinMeetingIdSettingsRequest),
      ...(version === 'beta' ? { chatInfo: Type.Optional(chatInfo) } : {}),
      '@odata.type': odataType,
    },
    { additionalProperties: false, title: onlineMeetingTitle },
  ),
);
export type CreateOnlineMeetingBody = Static<(typeof createOnlineMeetingBody)['v1.0']> & {
  chatInfo?: Static<typeof chatInfo>;
};

/** Graph documents no length limit; graphmeet keeps externalId short enough for a B-tree unique index. */
export const maxExternalIdLength = 512;

/**
 * Body of POST …/onlineMeetings/createOrGet. Its parameters are externalId, startDateTime, endDateTime,
 * subject, participants and chatInfo (the v1.0 docs: "currently chatInfo is only supported in beta"). Like
 * the real service it also takes the other settable onlineMeeting properties and ignores them
 * (msgraph-sdk-dotnet#1121): a client must PATCH them afterwards.
 */
export const createOrGetOnlineMeetingBody = perVersion((version) =>
  Type.Object(
    {
      ...settingSchemas(version),
      ...scheduling,
      joinMeetingIdSettings: Type.Optional(joinMeetingIdSettingsRequest),
      externalId: Type.String({ minLength: 1, maxLength: maxExternalIdLength }),
      chatInfo: Type.Optional(chatInfo),
      '@odata.type': odataType,
    },
    { additionalProperties: false, title: onlineMeetingTitle },
  ),
);
export type CreateOrGetOnlineMeetingBody = Static<(typeof createOrGetOnlineMeetingBody)['beta']>;

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
    chatInfo: 'The chat thread is created by the server (a channel meeting can be created in beta only).',
    externalId: 'Use createOrGet (POST …/onlineMeetings/createOrGet) to create a meeting with an externalId.',
    attendeeReport: 'It is produced by the service after a live event.',
  },
  [graphType('joinMeetingIdSettings')]: {
    joinMeetingId: 'The meeting ID is generated by the server.',
    passcode: 'A passcode is generated when isPasscodeRequired is true; a custom passcode is not supported.',
  },
};

/**
 * Names an update may carry but https://learn.microsoft.com/en-us/graph/api/onlinemeeting-update does not allow to
 * change: answered with InvalidArgument.
 */
export const notUpdatable = (version: ApiVersion): ReadonlySet<string> => notUpdatableByVersion[version];

const notUpdatableByVersion = perVersion(
  (version): ReadonlySet<string> =>
    new Set([
      ...settingNames(version).filter((n) => !meetingSettings[n].patch),
      ...Object.keys(readOnlyProperties[onlineMeetingTitle] as object),
      'joinMeetingIdSettings',
      ...(version === 'beta' ? ['joinUrl'] : []),
    ]),
);

/**
 * Body of PATCH …/onlineMeetings/{id}. Every onlineMeeting property of the version is known here, so that a
 * property which exists but may not change gets Graph's InvalidArgument rather than "does not exist";
 * the domain decides which of them a request may carry.
 */
export const updateOnlineMeetingBody = perVersion((version) =>
  Type.Object(
    {
      ...settingSchemas(version),
      startDateTime: Type.Optional(dateTimeOffset()),
      endDateTime: Type.Optional(dateTimeOffset()),
      participants: Type.Optional(meetingParticipants),
      ...Object.fromEntries(
        [...notUpdatable(version)]
          .filter((n) => !(n in meetingSettings))
          .map((n) => [n, Type.Optional(Type.Unknown())]),
      ),
      '@odata.type': odataType,
    },
    { additionalProperties: false, title: onlineMeetingTitle },
  ),
);
export type UpdateOnlineMeetingBody = Static<(typeof updateOnlineMeetingBody)['beta']> & Record<string, unknown>;

// ---- the response --------------------------------------------------------------------------------------

/**
 * `observed`: answers carry what the real service sends beyond the published schema (autoAdmittedUsers, the
 * producers and contributors lists in v1.0, the organizer identity's applicationInstance and
 * azureApplicationInstance). `schema`: only what the CSDL declares.
 */
export const fidelityModes = ['observed', 'schema'] as const;
export type Fidelity = (typeof fidelityModes)[number];

/**
 * The deprecated autoAdmittedUsers the service still sends, derived from lobbyBypassSettings.scope, capitalized as
 * the examples of the get and update pages show it ("EveryoneInCompany").
 */
export function autoAdmittedUsersFor(scope: string | null | undefined): string | null {
  switch (scope) {
    case 'organizer':
      return 'Organizer';
    case 'organization':
    case 'organizationExcludingGuests':
      return 'EveryoneInCompany';
    case 'organizationAndFederated':
      return 'EveryoneInSameAndFederatedCompany';
    case 'everyone':
      return 'Everyone';
    case 'invited':
      return 'InvitedUsersInCompany';
    default:
      return null;
  }
}

/** Properties of an answer that are observed, not declared: never selectable, left out in `schema` fidelity. */
export const observedProperties = ['autoAdmittedUsers'] as const;

const responseIdentity = complexType('identity', identityProperties);
const responseParticipant = complexType('meetingParticipantInfo', {
  identity: complexType('identitySet', {
    application: responseIdentity,
    applicationInstance: responseIdentity,
    azureApplicationInstance: responseIdentity,
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

/** Every property is optional so that the same schema serializes a `$select`ed subset. */
const responseProperties = (version: ApiVersion) => ({
  '@odata.context': Type.String(),
  id: Type.String(),
  creationDateTime: Type.String(),
  startDateTime: Type.String(),
  endDateTime: Type.String(),
  expiryDateTime: Type.String(),
  joinWebUrl: Type.String(),
  ...(version === 'beta' ? { joinUrl: Type.String() } : {}),
  meetingOptionsWebUrl: Type.String(),
  externalId: nullableString(),
  videoTeleconferenceId: nullableString(),
  meetingType: onlineMeetingType.response,
  ...Object.fromEntries(settingNames(version).map((n) => [n, meetingSettings[n].schema])),
  autoAdmittedUsers: nullableString(),
  participants: Type.Object(
    {
      organizer: responseParticipant,
      attendees: Type.Array(responseParticipant),
      // Beta declares them; v1.0 answers carry them as observed.
      producers: Type.Optional(Type.Array(responseParticipant)),
      contributors: Type.Optional(Type.Array(responseParticipant)),
    },
    { title: graphType('meetingParticipants') },
  ),
  joinMeetingIdSettings: Type.Object(
    { isPasscodeRequired: Type.Boolean(), joinMeetingId: Type.String(), passcode: nullableString() },
    { title: graphType('joinMeetingIdSettings') },
  ),
  audioConferencing: Type.Object(
    {
      conferenceId: Type.String(),
      tollNumber: nullableString(),
      tollFreeNumber: nullableString(),
      tollNumbers: Type.Array(Type.String()),
      tollFreeNumbers: Type.Array(Type.String()),
      dialinUrl: Type.String(),
    },
    { title: graphType('audioConferencing') },
  ),
  chatInfo: Type.Object(
    { threadId: Type.String(), messageId: Type.String(), replyChainMessageId: nullableString() },
    { title: graphType('chatInfo') },
  ),
  joinInformation: Type.Object(
    { content: Type.String(), contentType: bodyType.response },
    { title: graphType('itemBody') },
  ),
  // Always null here: graphmeet has no video interop provider.
  cloudVideoInteropInfo: complexType('cloudVideoInteropInfo', {
    moreInfoWebUrl: nullableString(),
    tenantKey: nullableString(),
    videoTeleconferenceId: nullableString(),
  }),
});

/** The response schema's properties of a version, for the CSDL document ($metadata). */
export const responsePropertiesOf = perVersion(responseProperties);

/** The properties a `$select` may name, per version (everything but the annotation). */
export const selectableProperties = perVersion(
  (version) =>
    Object.keys(responseProperties(version)).filter(
      (n) => n !== '@odata.context' && !(observedProperties as readonly string[]).includes(n),
    ) as string[],
);

/** What GET, create, createOrGet and PATCH return: every property, unset ones as explicit nulls. */
export const onlineMeetingResponse = perVersion((version) =>
  Type.Partial(Type.Object(responseProperties(version)), { additionalProperties: false }),
);

/** A filtered GET's answer: the OData collection of the matching meetings (one at most). */
export const onlineMeetingCollectionResponse = perVersion((version) =>
  Type.Object({ '@odata.context': Type.String(), value: Type.Array(onlineMeetingResponse[version]) }),
);

export type OnlineMeeting = Static<ReturnType<typeof Type.Object<ReturnType<typeof responseProperties>>>>;
export type MeetingParticipantInfo = NonNullable<Static<typeof meetingParticipantInfo>>;
