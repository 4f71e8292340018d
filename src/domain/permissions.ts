import { forbidden } from '../graph/errors.js';
import type { Principal } from './principal.js';

export type Operation =
  | 'onlineMeeting.create'
  | 'onlineMeeting.createOrGet'
  | 'onlineMeeting.get'
  | 'onlineMeeting.list'
  | 'onlineMeeting.update'
  | 'onlineMeeting.delete'
  | 'onlineMeeting.getByVideoTeleconferenceId'
  | 'onlineMeeting.readArtifacts';

export interface Grant {
  /** Delegated scopes (`scp`), any one of which allows the operation; empty: delegated tokens are refused. */
  delegated: readonly string[];
  /** Application roles (`roles`), any one of which allows the operation; empty: app tokens are refused. */
  application: readonly string[];
  /** Application tokens also need an application access policy that covers the app for the target user. */
  applicationAccessPolicy: boolean;
}

const read = {
  delegated: ['OnlineMeetings.Read', 'OnlineMeetings.ReadWrite'],
  application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
  applicationAccessPolicy: true,
} as const;

const readWrite = {
  delegated: ['OnlineMeetings.ReadWrite'],
  application: ['OnlineMeetings.ReadWrite.All'],
  applicationAccessPolicy: true,
} as const;

/**
 * Graph's permission tables for onlineMeeting, one row per operation, least privileged first: the Permissions
 * sections of https://learn.microsoft.com/en-us/graph/api/application-post-onlinemeetings, …/onlinemeeting-createorget,
 * …/onlinemeeting-get, …/onlinemeeting-update and …/onlinemeeting-delete. ReadWrite includes Read. The VideoTeleconferenceId lookup under /communications takes application permissions only, and the
 * application access policy does not apply to it.
 */
export const permissionTable: Readonly<Record<Operation, Grant>> = {
  'onlineMeeting.create': readWrite,
  'onlineMeeting.createOrGet': readWrite,
  'onlineMeeting.get': read,
  'onlineMeeting.list': read,
  'onlineMeeting.update': readWrite,
  'onlineMeeting.delete': readWrite,
  'onlineMeeting.getByVideoTeleconferenceId': {
    delegated: [],
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
    applicationAccessPolicy: false,
  },
  // Attendance reports and records, and the live-event streams: meetingattendancereport-list, -get,
  // attendancerecord-list and onlinemeeting-get (attendeeReport). Application tokens need the access policy too.
  'onlineMeeting.readArtifacts': {
    delegated: ['OnlineMeetingArtifact.Read.All'],
    application: ['OnlineMeetingArtifact.Read.All'],
    applicationAccessPolicy: true,
  },
};

/** Throws 403 unless the token carries a scope or role that the operation accepts. */
export function authorize(principal: Principal, operation: Operation): Grant {
  const grant = permissionTable[operation];
  const [accepted, held, kind] =
    principal.kind === 'delegated'
      ? [grant.delegated, principal.scopes, 'scope']
      : [grant.application, principal.roles, 'role'];
  if (accepted.length === 0) {
    throw forbidden(
      `This operation does not support ${principal.kind} permissions. Use a token with ${principal.kind === 'delegated' ? 'application' : 'delegated'} permissions.`,
    );
  }
  if (accepted.some((p) => held.has(p))) return grant;
  throw forbidden(
    `Missing ${kind} permissions on the request. API requires one of '${accepted.join(', ')}'. ${kind === 'scope' ? 'Scopes' : 'Roles'} on the request '${[...held].join(', ')}'`,
  ).explained(
    kind === 'scope'
      ? `permissions: ${operation} needs one of the delegated scopes ${accepted.join(', ')} in the token's scp claim. Ask for it when getting the token (graphmeet token --scopes ${accepted[0]}; with the token endpoint, the app must have it consented).`
      : `permissions: ${operation} needs one of the application roles ${accepted.join(', ')} in the token's roles claim. Grant it to the app (its roles) and get a new token.`,
  );
}
