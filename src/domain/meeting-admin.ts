import { isGuid } from '../common/guid.js';
import { clip } from '../common/text.js';
import { badRequest, notFound } from '../graph/errors.js';
import type { MeetingRecord, ResetCounts, ResetScope, Store } from '../storage/store.js';
import { tenantIdOf } from './directory-records.js';

/**
 * What an administrator (the admin API, the console, the CLI) does with meetings across the server: find them by
 * tenant, organizer, externalId, meeting ID or subject; read one as the API answers it; delete one; and reset state
 * between test cases. No token is involved: the admin key stands for the server's owner.
 */

/** The filters of a meeting search, as given (an organizer by object id or UPN). */
export interface MeetingSearch {
  tenantId?: string;
  organizer?: string;
  externalId?: string;
  joinMeetingId?: string;
  subject?: string;
  skip?: number;
  top?: number;
}

/** A meeting in a list: enough to recognise it. */
export interface MeetingSummary {
  tenantId: string;
  id: string;
  subject: string | null;
  organizer: { id: string; userPrincipalName: string | null; displayName: string | null };
  externalId: string | null;
  joinMeetingId: string;
  creationDateTime: string;
  startDateTime: string;
  endDateTime: string;
}

export const maxPage = 200;

const noSuchMeeting = (tenantId: string, meetingId: string) =>
  notFound(`Tenant '${clip(tenantId, 80)}' has no meeting '${clip(meetingId, 80)}'.`);

export class MeetingAdmin {
  constructor(private readonly store: Store) {}

  async search(s: MeetingSearch): Promise<{ meetings: MeetingSummary[]; more: boolean }> {
    const top = Math.min(s.top ?? 50, maxPage);
    const skip = s.skip ?? 0;
    const tenantId = s.tenantId === undefined ? undefined : tenantIdOf(s.tenantId);
    let organizerId: string | undefined;
    if (s.organizer !== undefined) {
      if (isGuid(s.organizer)) organizerId = s.organizer.toLowerCase();
      else {
        if (tenantId === undefined) throw badRequest('An organizer named by UPN needs the tenant: give tenantId too.');
        const user = await this.store.directory.getUserByUpn(tenantId, s.organizer);
        // Nobody by that name organizes anything.
        if (!user) return { meetings: [], more: false };
        organizerId = user.id;
      }
    }
    const { meetings, more } = await this.store.listMeetings({
      ...(tenantId !== undefined ? { tenantId } : {}),
      ...(organizerId !== undefined ? { organizerId } : {}),
      ...(s.externalId !== undefined ? { externalId: s.externalId } : {}),
      ...(s.joinMeetingId !== undefined ? { joinMeetingId: s.joinMeetingId.replace(/\s/g, '') } : {}),
      ...(s.subject !== undefined && s.subject !== '' ? { subject: s.subject } : {}),
      skip,
      top,
    });
    return { meetings: meetings.map(summaryOf), more };
  }

  async get(tenantId: string, meetingId: string): Promise<MeetingRecord> {
    const meeting = await this.store.getMeeting(tenantIdOf(tenantId), meetingId);
    if (!meeting) throw noSuchMeeting(tenantId, meetingId);
    return meeting;
  }

  async delete(tenantId: string, meetingId: string): Promise<void> {
    if (!(await this.store.deleteMeeting(tenantIdOf(tenantId), meetingId))) throw noSuchMeeting(tenantId, meetingId);
  }

  /** Forgets state, in one transaction (so several nodes on one database see all of it go at once). */
  reset(scope: Partial<ResetScope>): Promise<ResetCounts> {
    return this.store.reset({
      ...(scope.tenantId !== undefined ? { tenantId: tenantIdOf(scope.tenantId) } : {}),
      directory: scope.directory ?? 'keep',
      faults: scope.faults ?? 'keep',
    });
  }
}

export function summaryOf(m: MeetingRecord): MeetingSummary {
  return {
    tenantId: m.tenantId,
    id: m.id,
    subject: m.document.settings.subject ?? null,
    organizer: m.document.organizer,
    externalId: m.externalId,
    joinMeetingId: m.joinMeetingId,
    creationDateTime: m.creationDateTime,
    startDateTime: m.startDateTime,
    endDateTime: m.endDateTime,
  };
}
