import { randomInt, randomUUID } from 'node:crypto';
import { guidSource, isGuid } from '../common/guid.js';

/**
 * Identifier shapes of the real service, as its responses show them (the examples of
 * https://learn.microsoft.com/en-us/graph/api/resources/onlinemeeting and the pages of its operations). Clients
 * are told not to parse them, but many do, and some build ids by hand, so graphmeet issues the same forms.
 */

/** `19:meeting_{base64 of a GUID string}@thread.v2`, the chat thread of a private meeting. */
export function newThreadId(): string {
  return `19:meeting_${Buffer.from(randomUUID()).toString('base64')}@thread.v2`;
}

/**
 * Current meeting id: base64 of `1*{organizerOid}*{messageId}**{threadId}`. It starts with `MSo` when the oid
 * starts with a digit and `MSp` when it starts with a-f (the third character carries bits of the oid).
 */
export function meetingIdFor(organizerId: string, threadId: string, messageId = '0'): string {
  return Buffer.from(`1*${organizerId}*${messageId}**${threadId}`).toString('base64');
}

/** Percent-encoding with lower-case hex, as Teams writes `19%3ameeting_…%40thread.v2`. */
function encodeLower(value: string): string {
  return encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
}

export interface JoinLinkParts {
  publicUrl: string;
  threadId: string;
  tenantId: string;
  organizerId: string;
  /** '0' for a private meeting, the channel message's id for a channel meeting. */
  messageId?: string;
}

/** The classic meetup-join link: `/l/meetup-join/{enc threadId}/{messageId}?context={enc {"Tid","Oid"}}`. */
export function joinWebUrlFor({ publicUrl, threadId, tenantId, organizerId, messageId = '0' }: JoinLinkParts): string {
  const context = JSON.stringify({ Tid: tenantId, Oid: organizerId });
  return `${publicUrl}/l/meetup-join/${encodeLower(threadId)}/${messageId}?context=${encodeLower(context)}`;
}

/**
 * The short link Teams hands out since 2026 (MC772556): `/meet/{joinMeetingId}?p={opaque token}`. The token is made
 * with the link and kept in it, as the meeting keeps its link; a lookup by the link goes by the meeting ID.
 */
export function shortJoinWebUrlFor(publicUrl: string, joinMeetingId: string): string {
  let token = '';
  for (let i = 0; i < 18; i++) token += linkTokenAlphabet[randomInt(linkTokenAlphabet.length)];
  return `${publicUrl}/meet/${joinMeetingId}?p=${token}`;
}

const linkTokenAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function digits(count: number): string {
  let out = String(randomInt(1, 10)); // no leading zero: the id is read out and typed as a number
  while (out.length < count) out += String(randomInt(0, 10));
  return out;
}

/** The numeric "Meeting ID" people type to join; Teams shows 12 digits. Unique across the server. */
export const newJoinMeetingId = () => digits(12);

/** The PSTN conference id read out with the dial-in number. Unique across the server. */
export const newConferenceId = () => digits(9);

const passcodeAlphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** Six mixed-case letters and digits, leaving out look-alikes (0/O, 1/l/I). */
export function newPasscode(): string {
  let out = '';
  for (let i = 0; i < 6; i++) out += passcodeAlphabet[randomInt(passcodeAlphabet.length)];
  return out;
}

/** The number a video conferencing device dials into the meeting with. Unique across the server. */
export const newVideoTeleconferenceId = () => digits(10);

/**
 * Channel meetings hang off a channel message, whose ids are millisecond timestamps (example 2 of
 * https://learn.microsoft.com/en-us/graph/api/application-post-onlinemeetings?view=graph-rest-beta).
 */
export const newChannelMessageId = (nowMs: number) => String(nowMs);

export interface MeetingKey {
  organizerId: string;
  messageId: string;
  threadId: string;
}

const currentForm = new RegExp(`^1\\*(${guidSource})\\*(\\d+)\\*\\*(19:[^\\s*]+@thread\\.[a-z0-9]+)$`);
const legacyForm = new RegExp(`^(${guidSource})_(19:[^\\s]+@thread\\.[a-z0-9]+)$`);

/**
 * Reads a meeting id in either of Graph's forms: base64 of `1*{oid}*{messageId}**{threadId}`
 * (standard or URL-safe alphabet, padded or not), or the older `{oid}_{threadId}` (the example of
 * https://learn.microsoft.com/en-us/graph/api/onlinemeeting-delete). Null for anything else, such as the Teams client's `MCMx…` ids, which Graph does not accept either.
 */
export function parseMeetingId(raw: string): MeetingKey | null {
  const legacy = legacyForm.exec(raw);
  if (legacy)
    return { organizerId: (legacy[1] as string).toLowerCase(), messageId: '0', threadId: legacy[2] as string };
  if (raw.length > 4096 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) return null;
  const current = currentForm.exec(Buffer.from(raw, 'base64').toString('utf8'));
  if (!current) return null;
  return {
    organizerId: (current[1] as string).toLowerCase(),
    messageId: current[2] as string,
    threadId: current[3] as string,
  };
}

/** Percent-decodes until nothing changes (at most three rounds); join links arrive encoded zero to two times. */
export function fullyDecoded(value: string): string {
  let current = value;
  for (let round = 0; round < 3; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

/** The stored id of the meeting a key names (the canonical form of its Graph id). */
export const meetingIdOfKey = (key: MeetingKey) => meetingIdFor(key.organizerId, key.threadId, key.messageId);

/** The `p` token a short join link carries, if any. */
export function shortLinkToken(link: string): string | null {
  return /[?&]p=([A-Za-z0-9]+)/.exec(link)?.[1] ?? null;
}

/**
 * What a join link names: the classic `…/l/meetup-join/{threadId}/{messageId}?context={"Tid","Oid"}` gives the
 * meeting's key, the short `…/meet/{joinMeetingId}?p=…` its meeting ID (microsoftgraph/microsoft-graph-comms-samples#829).
 * The host is not compared: links made under another public URL still name the same meeting.
 */
export function parseJoinWebUrl(raw: string): { key: MeetingKey; tenantId: string } | { joinMeetingId: string } | null {
  const value = fullyDecoded(raw.trim());
  const short = /^https?:\/\/[^/]+\/meet\/(\d{6,20})(\?|$)/i.exec(value);
  if (short) return { joinMeetingId: short[1] as string };
  const classic = /^https?:\/\/[^/]+\/l\/meetup-join\/(19:[^/?]+@thread\.[a-z0-9]+)\/(\d+)\?(.*)$/i.exec(value);
  if (!classic) return null;
  const context = /(?:^|&)context=(\{[^&]*\})/.exec(classic[3] as string);
  let parsed: unknown;
  try {
    parsed = JSON.parse(context?.[1] ?? 'null');
  } catch {
    return null;
  }
  const { Tid, Oid } = (parsed ?? {}) as { Tid?: unknown; Oid?: unknown };
  if (typeof Tid !== 'string' || typeof Oid !== 'string' || !isGuid(Oid)) return null;
  return {
    key: { organizerId: Oid.toLowerCase(), messageId: classic[2] as string, threadId: classic[1] as string },
    tenantId: Tid.toLowerCase(),
  };
}
