/**
 * "Now", for everything that needs it: meeting times and expiry, token lifetimes, caches, audit timestamps. One
 * clock is made at start-up and handed to every service, so that a settable clock can take its place.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Now as an ISO 8601 timestamp in UTC, for the created and updated times records keep. */
export const isoNow = (clock: Clock): string => new Date(clock.now()).toISOString();

/**
 * How graphmeet's time relates to the machine's: the same, shifted by an offset (time flows from a chosen moment), or
 * stopped at one moment. Kept as data so that every node of one server can read the same setting from the store.
 */
export type ClockSetting = { mode: 'system' } | { mode: 'offset'; offsetMs: number } | { mode: 'frozen'; atMs: number };

/**
 * A clock tests can move: set to a moment (time goes on from there), stopped, or back to the machine's time. Only
 * graphmeet's time moves, never the machine's; reading it costs one addition.
 */
export class SettableClock implements Clock {
  private offsetMs = 0;
  private frozenAtMs: number | undefined;

  now(): number {
    return this.frozenAtMs ?? Date.now() + this.offsetMs;
  }

  apply(setting: ClockSetting): void {
    this.offsetMs = setting.mode === 'offset' ? setting.offsetMs : 0;
    this.frozenAtMs = setting.mode === 'frozen' ? setting.atMs : undefined;
  }

  setting(): ClockSetting {
    if (this.frozenAtMs !== undefined) return { mode: 'frozen', atMs: this.frozenAtMs };
    return this.offsetMs === 0 ? { mode: 'system' } : { mode: 'offset', offsetMs: this.offsetMs };
  }
}
