import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../common/clock.js';

const cookieName = 'graphmeet_session';
/** A page session lasts 12 hours of graphmeet's time. */
const lifetimeMs = 12 * 3_600_000;
const maxEntries = 20;

/**
 * What a browser holds: which meetings it has passed the passcode of (or was let in by the link), which participant
 * it is in each meeting, and as whom it signed in to meeting options. Kept in one cookie, signed with the page key
 * from the store (so every node reads it), HttpOnly and SameSite=Strict.
 */
export interface PageSession {
  /** joinMeetingId -> participant id */
  rooms: Record<string, string>;
  /** joinMeetingIds this browser may join without typing the passcode again */
  passes: string[];
  /** meeting id -> the organizer who signed in to its options */
  options: Record<string, string>;
  issuedMs: number;
}

export function readSession(request: FastifyRequest, clock: Clock): PageSession {
  const empty: PageSession = { rooms: {}, passes: [], options: {}, issuedMs: clock.now() };
  const raw = request.cookies[cookieName];
  if (!raw) return empty;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return empty;
  try {
    const s = JSON.parse(unsigned.value) as Partial<PageSession>;
    const issuedMs = typeof s.issuedMs === 'number' ? s.issuedMs : 0;
    if (clock.now() - issuedMs > lifetimeMs || clock.now() < issuedMs - 60_000) return empty;
    return {
      rooms: stringMap(s.rooms),
      passes: Array.isArray(s.passes) ? s.passes.filter((p): p is string => typeof p === 'string') : [],
      options: stringMap(s.options),
      issuedMs,
    };
  } catch {
    return empty;
  }
}

export function writeSession(reply: FastifyReply, session: PageSession, secure: boolean): void {
  const trimmed: PageSession = {
    rooms: lastEntries(session.rooms),
    passes: session.passes.slice(-maxEntries),
    options: lastEntries(session.options),
    issuedMs: session.issuedMs,
  };
  reply.setCookie(cookieName, JSON.stringify(trimmed), {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    maxAge: lifetimeMs / 1000,
  });
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}

function lastEntries(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).slice(-maxEntries));
}
