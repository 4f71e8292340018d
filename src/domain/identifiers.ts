import { randomInt, randomUUID } from 'node:crypto';

/**
 * Identifier shapes of the real service (spec §3). Clients are told not to parse them, but many do, and some
 * build ids by hand, so graphmeet issues the same forms.
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

/** The classic meetup-join link: `/l/meetup-join/{enc threadId}/{messageId}?context={enc {"Tid","Oid"}}`. */
export function joinWebUrlFor(
  publicUrl: string,
  threadId: string,
  tenantId: string,
  organizerId: string,
  messageId = '0',
): string {
  const context = JSON.stringify({ Tid: tenantId, Oid: organizerId });
  return `${publicUrl}/l/meetup-join/${encodeLower(threadId)}/${messageId}?context=${encodeLower(context)}`;
}

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
