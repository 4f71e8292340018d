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
