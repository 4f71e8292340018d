import type { Clock } from '../common/clock.js';
import type { MeetingRooms } from '../domain/meeting-rooms.js';
import type { MeetingService } from '../domain/online-meetings.js';
import type { PasscodeThrottle } from '../domain/passcode-check.js';
import type { ConsoleDeps } from './console.js';

/** What the pages need: the same use cases as the API, graphmeet's clock, how cookies are sent, and the console's. */
export interface WebDeps extends Omit<ConsoleDeps, 'pageKey' | 'secure'> {
  rooms: MeetingRooms;
  meetings: MeetingService;
  clock: Clock;
  throttle: PasscodeThrottle;
  /** The secret sessions are signed with (from the store). */
  pageKey: string;
  /** Cookies only over HTTPS (when graphmeet serves HTTPS). */
  secure: boolean;
}
