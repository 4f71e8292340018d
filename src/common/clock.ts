/**
 * "Now", for everything that needs it: meeting times and expiry, token lifetimes, caches, audit timestamps. One
 * clock is made at start-up and handed to every service, so that a settable clock can take its place.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
