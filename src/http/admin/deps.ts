import type { ClockControl } from '../../domain/clock-control.js';
import type { DirectoryAdmin } from '../../domain/directory-admin.js';
import type { FaultRules } from '../../domain/fault-rules.js';
import type { MeetingAdmin } from '../../domain/meeting-admin.js';
import type { MeetingRooms } from '../../domain/meeting-rooms.js';
import type { RequestJournal } from '../../domain/request-journal.js';
import type { Throttling } from '../../domain/throttling.js';
import type { Fidelity } from '../../graph/online-meeting.js';
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
  /** For meetings shown as the API answers them. */
  publicUrl: () => string;
  fidelity: Fidelity;
}
