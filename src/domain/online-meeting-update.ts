import { badRequest, propertyNotUpdatable } from '../graph/errors.js';
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
import { isObject, merged } from './complex-values.js';
import { compareDateTimeOffset, type DateTimeOffset, formatDateTimeOffset, parseDateTimeOffset } from './date-time.js';
import { expiryAfterUpdate } from './expiry.js';

/**
 * PATCH …/onlineMeetings/{id} (https://learn.microsoft.com/en-us/graph/api/onlinemeeting-update): only the update
 * table's properties change; partial complex values merge into the current ones; start and end change together;
 * attendees are replaced as a whole; the organizer, joinMeetingIdSettings and read-only properties cannot change.
 */
export interface UpdateChange {
  settings: Partial<MeetingSettings>;
  schedule?: { start: DateTimeOffset; end: DateTimeOffset };
  /** The new attendee list, in full; undefined when the request leaves attendees alone. */
  attendees?: (MeetingParticipantInfo | null)[];
}

/** Checks the request on its own, before the meeting is read: what it may change, and the new schedule. */
export function checkUpdate(body: UpdateOnlineMeetingBody, version: ApiVersion): UpdateChange {
  const fixed = notUpdatable(version);
  const change: UpdateChange = { settings: {} };
  for (const [name, value] of Object.entries(body)) {
    // A null for something that cannot change asks for no change; SDKs send them when an object is reused.
    if (fixed.has(name) && value !== null) throw propertyNotUpdatable(name);
    if (name in meetingSettings && !fixed.has(name)) {
      (change.settings as Record<string, unknown>)[name] = value;
    }
  }

  const participants = body.participants;
  if (participants?.organizer != null) throw propertyNotUpdatable('participants/organizer');
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
  return {
    ...meeting,
    startDateTime,
    endDateTime,
    document: {
      ...meeting.document,
      expiryDateTime: expiryAfterUpdate(parseDateTimeOffset(endDateTime) as DateTimeOffset, nowMs),
      settings: settings as MeetingSettings,
      attendees: attendees ?? meeting.document.attendees,
    },
  };
}

const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
