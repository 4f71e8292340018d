import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorize, type Operation, permissionTable } from '../../src/domain/permissions.js';
import type { Principal } from '../../src/domain/principal.js';
import { GraphError } from '../../src/graph/errors.js';

/**
 * The Permissions tables of Graph's docs pages (https://learn.microsoft.com/en-us/graph/api/onlinemeeting-get and
 * the others), written out independently: any one listed permission allows the operation.
 */
const expected: Record<Operation, { delegated: string[]; application: string[]; policy: boolean }> = {
  'onlineMeeting.create': {
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
    policy: true,
  },
  'onlineMeeting.createOrGet': {
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
    policy: true,
  },
  'onlineMeeting.get': {
    delegated: ['OnlineMeetings.Read', 'OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
    policy: true,
  },
  'onlineMeeting.list': {
    delegated: ['OnlineMeetings.Read', 'OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
    policy: true,
  },
  'onlineMeeting.update': {
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
    policy: true,
  },
  'onlineMeeting.delete': {
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
    policy: true,
  },
  'onlineMeeting.getByVideoTeleconferenceId': {
    delegated: [],
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
    policy: false,
  },
  // meetingattendancereport-list/-get, attendancerecord-list, and the live-event attendeeReport.
  'onlineMeeting.readArtifacts': {
    delegated: ['OnlineMeetingArtifact.Read.All'],
    application: ['OnlineMeetingArtifact.Read.All'],
    policy: true,
  },
};

const candidates = [
  'OnlineMeetings.Read',
  'OnlineMeetings.ReadWrite',
  'OnlineMeetings.Read.All',
  'OnlineMeetings.ReadWrite.All',
  'OnlineMeetingArtifact.Read.All',
  'User.Read.All',
];

const delegated = (scope: string): Principal => ({
  kind: 'delegated',
  tenantId: 't',
  userId: 'u',
  userPrincipalName: null,
  displayName: null,
  appId: null,
  scopes: new Set([scope]),
});
const application = (role: string): Principal => ({
  kind: 'application',
  tenantId: 't',
  appId: 'a',
  roles: new Set([role]),
});

const outcome = (principal: Principal, op: Operation) => {
  try {
    authorize(principal, op);
    return 'allowed';
  } catch (err) {
    assert.ok(err instanceof GraphError);
    assert.equal(err.status, 403);
    return 'forbidden';
  }
};

test('every operation of the table is one Graph documents, and no other', () => {
  assert.deepEqual(Object.keys(permissionTable).sort(), Object.keys(expected).sort());
});

for (const [op, rule] of Object.entries(expected) as [Operation, (typeof expected)[Operation]][]) {
  test(`${op}: each scope and role is allowed exactly when Graph's table lists it`, () => {
    for (const p of candidates) {
      assert.equal(outcome(delegated(p), op), rule.delegated.includes(p) ? 'allowed' : 'forbidden', `scope ${p}`);
      assert.equal(outcome(application(p), op), rule.application.includes(p) ? 'allowed' : 'forbidden', `role ${p}`);
    }
    assert.equal(permissionTable[op].applicationAccessPolicy, rule.policy);
  });
}

test('when an operation takes no delegated permission, then a delegated token is told to use application permissions', () => {
  assert.throws(
    () => authorize(delegated('OnlineMeetings.ReadWrite'), 'onlineMeeting.getByVideoTeleconferenceId'),
    /does not support delegated permissions/,
  );
});
