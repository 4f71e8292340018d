import { after, before, describe, test } from 'node:test';
import { assertGraphError } from '../helpers/graph-assert.js';
import { getJson } from '../helpers/requests.js';
import { newUser, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const q = (query: string) => `/v1.0/me/onlineMeetings${query}`;
const f = (expression: string) => q(`?$filter=${encodeURIComponent(expression)}`);

const refused: [string, string, RegExp][] = [
  ['no $filter: there is no list of all meetings', q(''), /Listing all online meetings is not supported/],
  [
    'a filter on another property',
    f("Subject eq 'Planning'"),
    /Filtering on 'Subject' is not supported\. Supported here: JoinWebUrl eq/,
  ],
  ['an unterminated string', f("JoinWebUrl eq 'https://x"), /could not be parsed/],
  ['text that is no expression', f('JoinWebUrl'), /is not supported/],
  ['two lookups joined with and', f("JoinWebUrl eq 'a' and JoinWebUrl eq 'b'"), /is not supported/],
  ['another operator', f("JoinWebUrl ne 'a'"), /is not supported/],
  ['a function', f("contains(JoinWebUrl,'x')"), /is not supported/],
  [
    'a number instead of a string',
    f('joinMeetingIdSettings/joinMeetingId eq 123456789012'),
    /must be a string literal/,
  ],
  [
    'the VTC filter on a user',
    f("VideoTeleconferenceId eq '1234567890'"),
    /Filtering on 'VideoTeleconferenceId' is not supported/,
  ],
  ['a repeated $filter', `${f("JoinWebUrl eq 'a'")}&$filter=x`, /given more than once/],
  ['$top', `${f("JoinWebUrl eq 'a'")}&$top=5`, /'\$top' is not supported on this request/],
  [
    'an unknown $select property',
    `${f("JoinWebUrl eq 'a'")}&$select=colour`,
    /Could not find a property named 'colour'/,
  ],
];

describe('GET …/onlineMeetings with a bad query', () => {
  for (const [what, url, message] of refused) {
    test(`when the request has ${what}, then 400`, async () => {
      assertGraphError(await getJson(t, url, await t.userToken(newUser())), 400, 'BadRequest', message);
    });
  }

  test('when /communications is asked without a filter or with another one, then 400', async () => {
    const token = await t.appToken(newUser().tenantId, crypto.randomUUID(), ['OnlineMeetings.Read.All']);
    assertGraphError(
      await getJson(t, '/v1.0/communications/onlineMeetings', token),
      400,
      'BadRequest',
      /VideoTeleconferenceId/,
    );
    assertGraphError(
      await getJson(t, `/v1.0/communications/onlineMeetings?$filter=${encodeURIComponent("JoinWebUrl eq 'x'")}`, token),
      400,
      'BadRequest',
      /Filtering on 'JoinWebUrl' is not supported/,
    );
  });
});
