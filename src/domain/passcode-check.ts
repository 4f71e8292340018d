import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../common/clock.js';

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
 * tries until the 15 minutes are over, whatever the passcode. Counted per server process; the numbers tried are kept
 * only while locked or counting, at most `maxTracked` of them (the oldest windows go first).
 */
export class PasscodeThrottle {
  private readonly windows = new Map<string, { startedMs: number; failures: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxTracked = 10_000,
  ) {}

  /** Milliseconds until the meeting ID takes tries again; 0 when it does now. */
  lockedFor(meetingId: string): number {
    const w = this.current(meetingId);
    return w && w.failures >= maxPasscodeFailures ? w.startedMs + passcodeWindowMs - this.clock.now() : 0;
  }

  failed(meetingId: string): void {
    const w = this.current(meetingId) ?? { startedMs: this.clock.now(), failures: 0 };
    w.failures += 1;
    this.windows.delete(meetingId);
    this.windows.set(meetingId, w);
    if (this.windows.size > this.maxTracked) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
  }

  succeeded(meetingId: string): void {
    if ((this.current(meetingId)?.failures ?? 0) < maxPasscodeFailures) this.windows.delete(meetingId);
  }

  private current(meetingId: string) {
    const w = this.windows.get(meetingId);
    if (w && this.clock.now() - w.startedMs >= passcodeWindowMs) {
      this.windows.delete(meetingId);
      return undefined;
    }
    return w;
  }
}
