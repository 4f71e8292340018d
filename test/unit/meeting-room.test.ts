import assert from 'node:assert/strict';
import { test } from 'node:test';
import { entryOf, type Joiner, mayAdmit } from '../../src/domain/meeting-room.js';
import type { MeetingRecord } from '../../src/storage/store.js';

const organizerId = '00000000-0000-4000-8000-000000000001';
const invitedId = '00000000-0000-4000-8000-000000000002';

function meeting(
  settings: Record<string, unknown>,
  attendees: MeetingRecord['document']['attendees'] = [],
): MeetingRecord {
  return {
    tenantId: 't',
    id: 'm',
    organizerId,
    document: { settings, attendees },
  } as unknown as MeetingRecord;
}

const people: Record<string, Joiner> = {
  organizer: { kind: 'user', userId: organizerId, displayName: 'O', email: 'o@contoso.test' },
  member: { kind: 'user', userId: '00000000-0000-4000-8000-000000000003', displayName: 'M', email: 'm@contoso.test' },
  invited: { kind: 'user', userId: invitedId, displayName: 'I', email: 'i@contoso.test' },
  guest: { kind: 'guest', displayName: 'G', email: 'g@fabrikam.test' },
  federated: { kind: 'federated', tenantId: 'x', userId: 'y', displayName: 'F', email: null },
  anonymous: { kind: 'anonymous', displayName: 'A' },
  phone: { kind: 'phone', phoneNumber: '+14255550123' },
};

/** Who comes straight in, per lobby scope (Teams' "Who can bypass the lobby?"); everyone else waits. */
const bypassing: Record<string, string[]> = {
  everyone: ['organizer', 'member', 'invited', 'guest', 'federated', 'anonymous', 'phone'],
  organization: ['organizer', 'member', 'invited', 'guest'],
  organizationAndFederated: ['organizer', 'member', 'invited', 'guest', 'federated'],
  organizationExcludingGuests: ['organizer', 'member', 'invited'],
  invited: ['organizer', 'invited'],
  organizer: ['organizer'],
};

test('when each kind of person joins under each lobby scope, then only those the scope names bypass the lobby', () => {
  for (const [scope, expected] of Object.entries(bypassing)) {
    const m = meeting({ lobbyBypassSettings: { scope, isDialInBypassEnabled: false } }, [
      { upn: 'i@contoso.test', role: 'attendee' },
    ]);
    const actual = Object.entries(people)
      .filter(([, joiner]) => entryOf(m, joiner).bypassesLobby)
      .map(([name]) => name);
    assert.deepEqual(actual, expected, scope);
  }
});

test('when dial-in bypass is on, then callers come in under any scope', () => {
  for (const scope of Object.keys(bypassing)) {
    const m = meeting({ lobbyBypassSettings: { scope, isDialInBypassEnabled: true } });
    assert.equal(entryOf(m, people.phone as Joiner).bypassesLobby, true, scope);
  }
});

test('when allowedPresenters varies, then roles follow it; co-organizers are co-organizers and always come in', () => {
  const attendees = [
    { upn: 'i@contoso.test', role: 'presenter' as const },
    { identity: { user: { id: '00000000-0000-4000-8000-000000000003' } }, role: 'coorganizer' as const },
  ];
  const roles = (allowedPresenters: string) => {
    const m = meeting({ allowedPresenters, lobbyBypassSettings: { scope: 'organizer' } }, attendees);
    return Object.fromEntries(Object.entries(people).map(([name, j]) => [name, entryOf(m, j).role]));
  };
  assert.deepEqual(roles('everyone'), {
    organizer: 'organizer',
    member: 'coorganizer',
    invited: 'presenter',
    guest: 'presenter',
    federated: 'presenter',
    anonymous: 'presenter',
    phone: 'attendee',
  });
  assert.equal(roles('organization').guest, 'attendee');
  assert.equal(roles('organization').invited, 'presenter');
  assert.equal(roles('roleIsPresenter').invited, 'presenter');
  assert.equal(roles('roleIsPresenter').anonymous, 'attendee');
  assert.equal(roles('organizer').invited, 'attendee');
  const m = meeting({ lobbyBypassSettings: { scope: 'organizer' } }, attendees);
  assert.equal(entryOf(m, people.member as Joiner).bypassesLobby, true, 'a co-organizer never waits');
});

test('when allowedLobbyAdmitters is organizerAndCoOrganizers, then presenters may not admit', () => {
  assert.equal(mayAdmit(meeting({}), 'presenter'), true);
  assert.equal(mayAdmit(meeting({ allowedLobbyAdmitters: 'organizerAndCoOrganizers' }), 'presenter'), false);
  assert.equal(mayAdmit(meeting({ allowedLobbyAdmitters: 'organizerAndCoOrganizers' }), 'coorganizer'), true);
  assert.equal(mayAdmit(meeting({}), 'attendee'), false);
});
