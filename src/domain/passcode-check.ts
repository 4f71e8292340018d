import { createHash, timingSafeEqual } from 'node:crypto';
import { type Clock, isoNow } from '../common/clock.js';
import type { RoomStore } from '../storage/store.js';

/** Wrong passcodes allowed for one meeting ID within one window before it is locked until the window ends. */
export const maxPasscodeFailures = 5;
export const passcodeWindowMs = 15 * 60_000;

/** Compares without revealing, by its timing, how much of the passcode was right (both sides are hashed first). */
export function passcodeMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Attempts per meeting ID: after 5 wrong passcodes in 15 minutes (graphmeet's clock), that meeting ID takes no more
 * tries until the 15 minutes are over, whatever the passcode. Counted in the store, so the lockout holds on every
 * node behind a load balancer.
 */
export class PasscodeThrottle {
  constructor(
    private readonly clock: Clock,
    private readonly store: Pick<RoomStore, 'passcodeFailures' | 'addPasscodeFailure' | 'clearPasscodeFailures'>,
  ) {}

  /** Milliseconds until the meeting ID takes tries again; 0 when it does now. */
  async lockedFor(joinMeetingId: string): Promise<number> {
    const w = await this.store.passcodeFailures(joinMeetingId, this.windowBegan());
    if (!w || w.failures < maxPasscodeFailures) return 0;
    return Math.max(0, Date.parse(w.windowStart) + passcodeWindowMs - this.clock.now());
  }

  failed(joinMeetingId: string): Promise<void> {
    return this.store.addPasscodeFailure(joinMeetingId, isoNow(this.clock), this.windowBegan());
  }

  /** A right passcode forgets the wrong ones before it (a locked meeting ID never gets this far). */
  succeeded(joinMeetingId: string): Promise<void> {
    return this.store.clearPasscodeFailures(joinMeetingId);
  }

  /** The earliest start a window may have and still be open. */
  private windowBegan(): string {
    return new Date(this.clock.now() - passcodeWindowMs + 1).toISOString();
  }
}
