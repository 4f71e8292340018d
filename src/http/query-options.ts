import { defaultParser } from '@odata/parser';
import { clip } from '../common/text.js';
import type { Lookup, LookupProperty } from '../domain/online-meetings.js';
import { badRequest } from '../graph/errors.js';
import { selectableProperties } from '../graph/online-meeting.js';
import type { ApiVersion } from '../graph/types.js';

/**
 * The OData system query options graphmeet understands. `$filter` is parsed by an OData ABNF parser and the
 * tree is then read strictly: only the documented lookups (`JoinWebUrl eq '…'`,
 * `joinMeetingIdSettings/joinMeetingId eq '…'`, `VideoTeleconferenceId eq '…'`) are accepted, and their
 * string literal is handed on as a value. Nothing of the filter text ever becomes SQL.
 */

export type { Lookup as MeetingFilter, LookupProperty as FilterProperty };

/**
 * Graph matches these property paths without regard to case, as the examples of
 * https://learn.microsoft.com/en-us/graph/api/onlinemeeting-get spell them differently.
 */
const filterPaths: Record<string, LookupProperty> = {
  joinweburl: 'joinWebUrl',
  'joinmeetingidsettings/joinmeetingid': 'joinMeetingId',
  videoteleconferenceid: 'videoTeleconferenceId',
};

const spelled: Record<LookupProperty, string> = {
  joinWebUrl: "JoinWebUrl eq '{join link}'",
  joinMeetingId: "joinMeetingIdSettings/joinMeetingId eq '{meeting ID}'",
  videoTeleconferenceId: "VideoTeleconferenceId eq '{VTC id}'",
};

const supportedText = (allowed: readonly LookupProperty[]) =>
  `Supported here: ${allowed.map((p) => spelled[p]).join(', or ')}.`;

interface Token {
  type: string;
  raw: string;
  value: unknown;
}

/**
 * The parser backtracks: deeply nested parentheses or long paths cost it seconds (2,000 levels: 5 s), so the
 * shape is bounded before it runs. Every supported filter is one comparison; a join link, even encoded twice,
 * stays well under the length limit. Parentheses and slashes inside string literals do not count.
 */
const maxFilterLength = 2048;
const maxStructure = 4;

function checkFilterSize(raw: string, allowed: readonly LookupProperty[]): void {
  if (raw.length > maxFilterLength) {
    throw badRequest(
      `The $filter is too long: at most ${maxFilterLength} characters are accepted. ${supportedText(allowed)}`,
    );
  }
  let inString = false;
  let parentheses = 0;
  let slashes = 0;
  for (const c of raw) {
    if (c === "'")
      inString = !inString; // a doubled '' inside a literal toggles twice
    else if (!inString && c === '(') parentheses++;
    else if (!inString && c === '/') slashes++;
  }
  if (parentheses > maxStructure || slashes > maxStructure) {
    throw badRequest(`The $filter is too complex: a lookup is a single comparison. ${supportedText(allowed)}`);
  }
}

/** Reads `$filter` into one of the lookups `allowed` lists; anything else is a 400 that says what is supported. */
export function parseMeetingFilter(raw: string, allowed: readonly LookupProperty[]): Lookup {
  checkFilterSize(raw, allowed);
  return plainLookup(raw, allowed) ?? parsedLookup(raw, allowed);
}

/**
 * The documented filters as clients send them, `Property eq '…'` with printable ASCII in the literal, read
 * without the parser, which costs more than the rest of a lookup. Only text the parser reads the same way is
 * taken (a unit test compares the two); anything else, even valid OData, goes to the parser.
 */
const plainComparison = /^([A-Za-z]+(?:\/[A-Za-z]+)?)[ \t]+eq[ \t]+'((?:[\t\x20-\x26\x28-\x7e]|'')*)'$/;

export function plainLookup(raw: string, allowed: readonly LookupProperty[]): Lookup | undefined {
  const match = plainComparison.exec(raw.trim());
  const property = match && filterPaths[(match[1] as string).toLowerCase()];
  if (!match || !property || !allowed.includes(property)) return undefined;
  return { [property]: (match[2] as string).replaceAll("''", "'") } as Lookup;
}

/** The filter read by the OData ABNF parser, whose tree is then read strictly. */
export function parsedLookup(raw: string, allowed: readonly LookupProperty[]): Lookup {
  let tree: Token;
  try {
    tree = defaultParser.filter(raw.trim()) as unknown as Token;
  } catch (err) {
    throw badRequest(
      `The query specified in the URI is not valid: the $filter expression could not be parsed (${(err as Error).message}). ${supportedText(allowed)}`,
    );
  }
  while (tree.type === 'BoolParenExpression' || tree.type === 'ParenExpression') tree = tree.value as Token;
  if (tree.type !== 'EqualsExpression') {
    throw badRequest(`The $filter '${clip(raw, 100)}' is not supported. ${supportedText(allowed)}`);
  }
  const { left, right } = tree.value as { left: Token; right: Token };
  const property = filterPaths[pathOf(left)?.toLowerCase() ?? ''];
  if (!property || !allowed.includes(property)) {
    throw badRequest(`Filtering on '${clip(left.raw, 100)}' is not supported. ${supportedText(allowed)}`);
  }
  if (right.type !== 'Literal' || right.value !== 'Edm.String') {
    throw badRequest(`The value compared with ${left.raw} must be a string literal in single quotes.`);
  }
  const value = right.raw.slice(1, -1).replaceAll("''", "'");
  return { [property]: value } as Lookup;
}

/** `Name` or `Name/Name` for a property path token; undefined for anything else (functions, literals, …). */
function pathOf(token: Token): string | undefined {
  let t = token;
  while (t.type === 'FirstMemberExpression' || t.type === 'MemberExpression') t = t.value as Token;
  if (t.type !== 'PropertyPathExpression') return undefined;
  const inner = t.value as Token | { current: Token; next: Token };
  if ('current' in inner) {
    const rest = pathOf((inner.next as Token).value as Token);
    const head = inner.current.value as { name?: string };
    return head.name && rest ? `${head.name}/${rest}` : undefined;
  }
  return inner.type === 'ODataIdentifier' ? (inner.value as { name: string }).name : undefined;
}

/**
 * `$select=subject,joinWebUrl`: the named properties of the version's onlineMeeting, matched without regard to
 * case and written back in their own spelling. `*` or nothing means everything (undefined).
 */
export function parseSelect(raw: string | undefined, version: ApiVersion): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw.split(',').map((n) => n.trim());
  if (names.includes('*')) return undefined;
  const known = new Map(selectableProperties[version].map((p) => [p.toLowerCase(), p]));
  const out: string[] = [];
  for (const name of names) {
    const property = known.get(name.toLowerCase());
    if (!property) {
      throw badRequest(
        name === ''
          ? 'The $select option has an empty entry.'
          : `Could not find a property named '${clip(name, 100)}' on type 'microsoft.graph.onlineMeeting'.`,
      );
    }
    if (!out.includes(property)) out.push(property);
  }
  return out;
}
