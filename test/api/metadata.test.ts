import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { postJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * `$metadata` answers with the CSDL of what graphmeet serves, so the `@odata.context` links resolve and tools that
 * read CSDL can use it; every property an answer carries is declared there (open types may carry more).
 */

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

interface Declared {
  properties: Map<string, Map<string, string>>;
  open: Set<string>;
  enums: Map<string, string[]>;
}

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (v === undefined ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);

function declared(xml: string): Declared {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  const schema = doc['edmx:Edmx']['edmx:DataServices'].Schema as Node;
  const out: Declared = { properties: new Map(), open: new Set(), enums: new Map() };
  for (const type of [...list(schema.EntityType), ...list(schema.ComplexType)]) {
    const name = type.Name as string;
    out.properties.set(name, new Map(list(type.Property).map((p) => [p.Name as string, p.Type as string])));
    if (type.OpenType === 'true') out.open.add(name);
  }
  for (const e of list(schema.EnumType))
    out.enums.set(
      e.Name as string,
      list(e.Member).map((m) => m.Name as string),
    );
  return out;
}

/** Paths in `value` (an instance of `type`) that the CSDL does not declare. */
function undeclared(d: Declared, type: string, value: unknown, at: string): string[] {
  const bare = type.replace(/^Collection\((.*)\)$/, '$1');
  if (value === null || !bare.startsWith('graph.')) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => undeclared(d, bare, v, `${at}[${i}]`));
  const name = bare.slice('graph.'.length);
  const enumMembers = d.enums.get(name);
  if (enumMembers) return enumMembers.includes(value as string) ? [] : [`${at} = ${String(value)} (not a member)`];
  const properties = d.properties.get(name);
  if (!properties) return [`${at}: type ${name} is not declared`];
  return Object.entries(value as Node).flatMap(([key, inner]) => {
    if (key.startsWith('@odata.')) return [];
    const declaredType = properties.get(key);
    if (!declaredType) return d.open.has(name) ? [] : [`${at}.${key}`];
    return undeclared(d, declaredType, inner, `${at}.${key}`);
  });
}

describe('$metadata', () => {
  for (const version of ['v1.0', 'beta']) {
    test(`when ${version}/$metadata is read without a token, then it is well-formed CSDL declaring every property of a meeting as answered`, async () => {
      const res = await t.app.inject({ url: `/${version}/$metadata` });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^application\/xml/);
      assert.equal(XMLValidator.validate(res.body), true, 'well-formed XML');
      const d = declared(res.body);

      const token = await t.userToken(newUser());
      const meeting = await postJson(t, `/${version}/me/onlineMeetings`, token, {
        subject: 'declared',
        joinMeetingIdSettings: { isPasscodeRequired: true },
        participants: { attendees: [{ upn: 'guest@fabrikam.example', role: 'attendee' }] },
      });
      assert.equal(meeting.statusCode, 201, meeting.body);
      const body = meeting.json();
      assert.deepEqual(undeclared(d, 'graph.onlineMeeting', body, 'onlineMeeting'), []);
      // The entity itself is open, as Graph's is; what it carries beyond the schema is the observed autoAdmittedUsers.
      const extra = Object.keys(body).filter((k) => !k.startsWith('@') && !d.properties.get('onlineMeeting')?.has(k));
      assert.deepEqual(extra, ['autoAdmittedUsers']);
      assert.deepEqual(d.enums.get('onlineMeetingType'), [
        'adhoc',
        'scheduled',
        'recurring',
        'broadcast',
        'meetnow',
        'unknownFutureValue',
      ]);

      // The context link of the answer resolves to this document.
      const context = new URL(body['@odata.context'].split('#')[0]);
      const linked = await t.app.inject({ url: context.pathname });
      assert.equal(linked.body, res.body);
    });
  }
});
