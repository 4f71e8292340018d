import type { Clock } from '../common/clock.js';
import type { MeetingRooms } from '../domain/meeting-rooms.js';
import type { MeetingService } from '../domain/online-meetings.js';
import type { PasscodeThrottle } from '../domain/passcode-check.js';

/** What the pages need: the same use cases as the API, graphmeet's clock, and how cookies are sent. */
export interface WebDeps {
  rooms: MeetingRooms;
  meetings: MeetingService;
  clock: Clock;
  throttle: PasscodeThrottle;
  /** The secret sessions are signed with (from the store). */
  pageKey: string;
  /** Cookies only over HTTPS (when graphmeet serves HTTPS). */
  secure: boolean;
}
