import {
  type MeetingParticipantInfo,
  type MeetingSettingName,
  type MeetingSettings,
  meetingSettings,
  notUpdatable,
  type UpdateOnlineMeetingBody,
} from '../graph/online-meeting.js';
import type { ApiVersion } from '../graph/types.js';
import type { MeetingRecord } from '../storage/store.js';
import {
  addDays,
  compareDateTimeOffset,
  type DateTimeOffset,
  formatDateTimeOffset,
  fromEpochMs,
  parseDateTimeOffset,
} from './date-time.js';
import { badRequest, GraphError } from './errors.js';

/**
 * PATCH …/onlineMeetings/{id} (spec §2.7): only the update table's properties change; partial complex values
 * merge into the current ones; start and end change together; attendees are replaced as a whole; the
 * organizer, joinMeetingIdSettings and read-only properties cannot change.
 */
export interface UpdateChange {
  settings: Partial<MeetingSettings>;
  schedule?: { start: DateTimeOffset; end: DateTimeOffset };
  /** The new attendee list, in full; undefined when the request leaves attendees alone. */
  attendees?: (MeetingParticipantInfo | null)[];
}

/** Meetings expire 60 days after their end time, or after their last update (spec §1.1, expiryDateTime). */
export const expiryDays = 60;

/** What the real service answers for a property it will not update (msgraph-sdk-dotnet#3112), naming it. */
const notUpdatableError = (name: string) =>
  new GraphError(
    400,
    'InvalidArgument',
    `One or more properties do not support updating: '${name}'. Please refer to Microsoft Graph documentation for more information.`,
  );

/** Checks the request on its own, before the meeting is read: what it may change, and the new schedule. */
export function checkUpdate(body: UpdateOnlineMeetingBody, version: ApiVersion): UpdateChange {
  const fixed = notUpdatable(version);
  const change: UpdateChange = { settings: {} };
  for (const [name, value] of Object.entries(body)) {
    // A null for something that cannot change asks for no change; SDKs send them when an object is reused.
    if (fixed.has(name) && value !== null) throw notUpdatableError(name);
    if (name in meetingSettings && !fixed.has(name)) {
      (change.settings as Record<string, unknown>)[name] = value;
    }
  }

  const participants = body.participants;
  if (participants?.organizer != null) throw notUpdatableError('participants/organizer');
  if (participants?.attendees !== undefined) change.attendees = participants.attendees ?? [];

  const hasStart = body.startDateTime !== undefined;
  if (hasStart !== (body.endDateTime !== undefined)) {
    throw badRequest('startDateTime and endDateTime must be changed together: send both.');
  }
  if (hasStart) {
    const start = body.startDateTime == null ? null : parseDateTimeOffset(body.startDateTime);
    const end = body.endDateTime == null ? null : parseDateTimeOffset(body.endDateTime);
    if (!start || !end) throw badRequest('startDateTime and endDateTime must not be null.');
    if (compareDateTimeOffset(end, start) < 0) throw badRequest('endDateTime must not be earlier than startDateTime.');
    change.schedule = { start, end };
  }

  if (change.settings.allowedPresenters === 'roleIsPresenter' && change.attendees === undefined) {
    throw badRequest(
      "allowedPresenters 'roleIsPresenter' needs the full attendee list in the same request (participants.attendees), with role 'presenter' on the presenters.",
    );
  }
  return change;
}

/** The meeting with the change applied; `attendees` are the request's, already matched with the directory. */
export function applyUpdate(
  meeting: MeetingRecord,
  change: UpdateChange,
  attendees: MeetingParticipantInfo[] | undefined,
  nowMs: number,
): MeetingRecord {
  const settings: Record<string, unknown> = { ...meeting.document.settings };
  for (const [name, value] of Object.entries(change.settings) as [MeetingSettingName, unknown][]) {
    const property = meetingSettings[name];
    const current = settings[name] ?? property.default;
    if (name === 'anonymizeIdentityForRoles' && isArray(current) && current.includes('attendee')) {
      if (!(isArray(value) && value.includes('attendee'))) {
        throw badRequest("anonymizeIdentityForRoles: 'attendee' cannot be removed once it has been added.");
      }
    }
    settings[name] = property.merge && isObject(value) && isObject(current) ? merged(current, value) : value;
  }

  const startDateTime = change.schedule ? formatDateTimeOffset(change.schedule.start) : meeting.startDateTime;
  const endDateTime = change.schedule ? formatDateTimeOffset(change.schedule.end) : meeting.endDateTime;
  // Expiry: 60 days after the end, and an update extends it to 60 days from now (spec §1.1).
  const end = parseDateTimeOffset(endDateTime) as DateTimeOffset;
  const later = compareDateTimeOffset(end, fromEpochMs(nowMs)) > 0 ? end : fromEpochMs(nowMs);

  return {
    ...meeting,
    startDateTime,
    endDateTime,
    document: {
      ...meeting.document,
      expiryDateTime: formatDateTimeOffset(addDays(later, expiryDays)),
      settings: settings as MeetingSettings,
      attendees: attendees ?? meeting.document.attendees,
    },
  };
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** A partial complex value merged into the current one, nested objects too; annotations are not kept. */
export function merged(current: Record<string, unknown>, partial: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(partial)) {
    if (key === '@odata.type') continue;
    out[key] = isObject(value) && isObject(out[key]) ? merged(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}
