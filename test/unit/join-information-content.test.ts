import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type JoinDetails,
  joinInformationContent,
  joinInformationFor,
  joinInformationHtml,
} from '../../src/i18n/join-information.js';
import { supportedLocales } from '../../src/i18n/negotiate.js';

const base: JoinDetails = {
  joinWebUrl: 'https://meet.example/l/meetup-join/19%3ameeting_x%40thread.v2/0?context=%7b%22Tid%22%3a%22t%22%7d',
  joinMeetingId: '123456789012',
  passcode: 'aB3dE5',
  tollNumber: '+1 425-555-0100',
  tollFreeNumber: '+1 800-555-0100',
  conferenceId: '987654321',
  dialinUrl: 'https://meet.example/dialin/t?id=987654321',
  meetingOptionsWebUrl: 'https://meet.example/meetingOptions/?organizerId=o&tenantId=t&language=en-US',
};

test('when an invitation is filled into its compiled template, then it is the same text as encoding the whole HTML', () => {
  const variants: JoinDetails[] = [
    base,
    { ...base, passcode: null },
    { ...base, tollNumber: null },
    { ...base, tollFreeNumber: null, passcode: null },
    { ...base, tollNumber: '', tollFreeNumber: '' },
    // Values that must be escaped and encoded: markup, quotes, spaces, non-ASCII, the template's own marker.
    {
      ...base,
      joinWebUrl: `https://x.example/a?b="<script>'&\u0001${3}\u0001 ü 💥`,
      passcode: '<&>"\'',
      tollNumber: '+49 (0) 30 1234 €',
      meetingOptionsWebUrl: 'https://x.example/%01%02 +',
    },
  ];
  for (const locale of supportedLocales) {
    for (const d of variants) {
      assert.equal(
        joinInformationFor(d, locale),
        joinInformationContent(joinInformationHtml(d, locale)),
        `${locale} ${JSON.stringify(d)}`,
      );
    }
  }
});
