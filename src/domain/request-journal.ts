import type { Principal } from './principal.js';

/**
 * The request inspector: the last N requests this node answered (N = 0 keeps none), with what was sent and what came
 * back. Kept in memory, as captured; secrets are taken out when an entry is read (tokens, client secrets and
 * assertions, passwords, passcodes wherever they appear, cookies, the Authorization header), so that recording costs
 * a request next to nothing.
 */

/** Who made the request, as its token proved. */
export interface JournalPrincipal {
  kind: 'delegated' | 'application';
  tenantId: string;
  userId: string | null;
  appId: string | null;
}

/** One request as captured: references to what the request and answer hold, nothing worked out yet. */
export interface JournalCapture {
  id: string;
  clientRequestId: string;
  /** When the answer was sent (the machine's time, ms). */
  endedMs: number;
  method: string;
  /** As the client sent it, query included. */
  url: string;
  /** The route it matched (e.g. /v1.0/me/onlineMeetings/:meetingId), undefined when none did. */
  route: string | undefined;
  status: number;
  durationMs: number;
  principal: Principal | undefined;
  /** The meeting the request named in its path, if it did. */
  meetingId: string | undefined;
  requestHeaders: Record<string, string | string[] | undefined>;
  requestBody: unknown;
  responseHeaders: Record<string, unknown>;
  /** As sent. */
  responseBody: string | Buffer | undefined;
  /** The fault rule that answered instead of graphmeet, if one did. */
  injected: { ruleId: string; what: string } | undefined;
}

/** How the HTTP layer names what it captured: the URL as it may be shown, the operation of a route. */
export interface JournalDescriber {
  /** The URL with any credential in its query left out. */
  shownUrl(url: string): string;
  operation(method: string, route: string | undefined): string;
}

/** One request as the admin API shows it. */
export interface JournalEntry {
  id: string;
  clientRequestId: string;
  time: string;
  method: string;
  url: string;
  path: string;
  operation: string;
  status: number;
  durationMs: number;
  principal: JournalPrincipal | null;
  meeting: { tenantId: string; id: string } | null;
  injected: { ruleId: string; what: string } | null;
  request: { headers: Record<string, string>; body: unknown };
  response: { headers: Record<string, string>; body: unknown };
}

export interface JournalQuery {
  /** The request-id or the client-request-id. */
  requestId?: string;
  /** 429, or a class: 4xx. */
  status?: string;
  /** Part of the path, in any case. */
  path?: string;
  /** A tenant, user or app id. */
  principal?: string;
  meetingId?: string;
  operation?: string;
  injected?: boolean;
  skip: number;
  top: number;
}

/** The longest body shown of one answer. */
export const journalBodyLimit = 64 * 1024;

const redacted = '[redacted]';
/** Names of properties, form fields and headers whose values are credentials. */
const secretName =
  /^(access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password|passcode|clientsecret|secret|authorization|cookie|set-cookie|proxy-authorization|x-api-key|api-key)$/i;

export class RequestJournal {
  private readonly ring: (JournalCapture | undefined)[];
  private next = 0;
  private size = 0;

  constructor(
    readonly capacity: number,
    private readonly describe: JournalDescriber,
  ) {
    this.ring = new Array(Math.max(0, capacity));
  }

  get enabled(): boolean {
    return this.capacity > 0;
  }

  record(capture: JournalCapture): void {
    if (this.capacity === 0) return;
    this.ring[this.next] = capture;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
  }

  /** The newest first. */
  private *newestFirst(): Generator<JournalCapture> {
    for (let i = 1; i <= this.size; i++) {
      const capture = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (capture) yield capture;
    }
  }

  search(query: JournalQuery): { entries: JournalEntry[]; more: boolean } {
    const entries: JournalEntry[] = [];
    let skipped = 0;
    for (const capture of this.newestFirst()) {
      // Matched on what costs little to work out; bodies are read and cleaned only for the page shown.
      if (
        !matches(
          summaryOf(capture, this.describe, () => parsedBody(capture.responseBody)),
          query,
        )
      )
        continue;
      if (skipped++ < query.skip) continue;
      if (entries.length === query.top) return { entries, more: true };
      entries.push(entryOf(capture, this.describe));
    }
    return { entries, more: false };
  }

  get(id: string): JournalEntry | undefined {
    for (const capture of this.newestFirst()) if (capture.id === id) return entryOf(capture, this.describe);
    return undefined;
  }
}

function matches(e: JournalSummary, q: JournalQuery): boolean {
  if (q.requestId !== undefined && e.id !== q.requestId && e.clientRequestId !== q.requestId) return false;
  if (q.status !== undefined) {
    const s = q.status.toLowerCase();
    if (/^\dxx$/.test(s) ? Math.floor(e.status / 100) !== Number(s[0]) : String(e.status) !== s) return false;
  }
  if (q.path !== undefined && !e.path.toLowerCase().includes(q.path.toLowerCase())) return false;
  if (q.principal !== undefined) {
    const p = q.principal.toLowerCase();
    const who = e.principal;
    if (!who || (who.tenantId !== p && who.userId !== p && who.appId !== p)) return false;
  }
  if (q.meetingId !== undefined && e.meeting?.id !== q.meetingId) return false;
  if (q.operation !== undefined && e.operation.toLowerCase() !== q.operation.toLowerCase()) return false;
  if (q.injected !== undefined && (e.injected !== null) !== q.injected) return false;
  return true;
}

/** An entry without its headers and bodies: what searches match on. */
type JournalSummary = Omit<JournalEntry, 'request' | 'response'>;

/** The entry the admin API shows: secrets out, bodies parsed where they are JSON, the meeting touched named. */
function entryOf(c: JournalCapture, describe: JournalDescriber): JournalEntry {
  const responseBody = parsedBody(c.responseBody);
  // A passcode is hidden wherever it appears: in joinMeetingIdSettings and inside joinInformation's text alike.
  const passcodes = new Set<string>();
  collectPasscodes(c.requestBody, passcodes);
  collectPasscodes(responseBody, passcodes);
  const hide = (value: unknown) => withoutPasscodes(withoutSecrets(value), passcodes);
  return {
    ...summaryOf(c, describe, () => responseBody),
    request: { headers: headersOf(c.requestHeaders), body: hide(c.requestBody) ?? null },
    response: { headers: headersOf(c.responseHeaders), body: hide(responseBody) ?? null },
  };
}

/** Everything of an entry but its headers and bodies; the answer's body is read only to name a meeting created. */
function summaryOf(c: JournalCapture, describe: JournalDescriber, responseBody: () => unknown): JournalSummary {
  const operation = describe.operation(c.method, c.route);
  const url = describe.shownUrl(c.url);
  const meetingId = c.meetingId ?? createdMeetingId(operation, responseBody);
  const p = c.principal;
  return {
    id: c.id,
    clientRequestId: c.clientRequestId,
    time: new Date(c.endedMs - c.durationMs).toISOString(),
    method: c.method,
    url,
    path: url.split('?')[0] ?? url,
    operation,
    status: c.status,
    durationMs: Math.round(c.durationMs * 10) / 10,
    principal: p
      ? {
          kind: p.kind,
          tenantId: p.tenantId,
          userId: p.kind === 'delegated' ? p.userId : null,
          appId: p.appId,
        }
      : null,
    meeting: meetingId && p ? { tenantId: p.tenantId, id: meetingId } : null,
    injected: c.injected ?? null,
  };
}

/** A create or createOrGet names its meeting only in the answer. */
function createdMeetingId(operation: string, responseBody: () => unknown): string | undefined {
  if (operation !== 'create' && operation !== 'createOrGet') return undefined;
  const body = responseBody();
  const id = body && typeof body === 'object' ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

function parsedBody(sent: string | Buffer | undefined): unknown {
  if (sent === undefined || sent.length === 0) return undefined;
  const text = (Buffer.isBuffer(sent) ? sent.subarray(0, journalBodyLimit + 1).toString() : sent).slice(
    0,
    journalBodyLimit + 1,
  );
  if (text.length > journalBodyLimit) return `${text.slice(0, journalBodyLimit)}…`;
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function headersOf(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    if (!secretName.test(name)) out[name] = text;
    else if (name.toLowerCase() === 'authorization') out[name] = `${text.split(' ')[0] ?? ''} ${redacted}`.trim();
    else out[name] = redacted;
  }
  return out;
}

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      secretName.test(k) && v !== null && v !== undefined && v !== '' ? redacted : withoutSecrets(v),
    ]),
  );
}

function collectPasscodes(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectPasscodes(v, into);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (k.toLowerCase() === 'passcode' && typeof v === 'string' && v.length >= 4) into.add(v);
    else collectPasscodes(v, into);
  }
}

function withoutPasscodes(value: unknown, passcodes: Set<string>): unknown {
  if (passcodes.size === 0) return value;
  if (typeof value === 'string') {
    let text = value;
    for (const p of passcodes) text = text.split(p).join(redacted);
    // joinInformation is URL-encoded HTML: the passcode can appear encoded as well.
    for (const p of passcodes) text = text.split(encodeURIComponent(p)).join(redacted);
    return text;
  }
  if (Array.isArray(value)) return value.map((v) => withoutPasscodes(v, passcodes));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutPasscodes(v, passcodes)]));
}
