import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClockControl } from '../../domain/clock-control.js';
import type { DirectoryAdmin } from '../../domain/directory-admin.js';
import type { FaultRules } from '../../domain/fault-rules.js';
import type { MeetingAdmin } from '../../domain/meeting-admin.js';
import type { MeetingRooms } from '../../domain/meeting-rooms.js';
import type { RequestJournal } from '../../domain/request-journal.js';
import type { Throttling } from '../../domain/throttling.js';
import type { ApiVersion } from '../../graph/types.js';
import type { AdminKey } from '../../identity/admin-key.js';
import type { LinkSigner } from '../../identity/link-signer.js';

/** What the admin routes need: the administrator's use cases, and the key that guards them. */
export interface AdminDeps {
  admin: DirectoryAdmin;
  key: AdminKey;
  rooms: MeetingRooms;
  clockControl: ClockControl;
  links: LinkSigner;
  meetingAdmin: MeetingAdmin;
  journal: RequestJournal;
  faults: FaultRules;
  throttling: Throttling;
  /** The meeting exactly as GET /{version}/users/{organizer}/onlineMeetings/{id} answers it. */
  meetingJson: (
    request: FastifyRequest,
    reply: FastifyReply,
    meeting: Awaited<ReturnType<MeetingAdmin['get']>>,
    version: ApiVersion,
  ) => string;
}
