import { forbidden } from './errors.js';
import type { Principal } from './principal.js';

export type Operation = 'onlineMeeting.create' | 'onlineMeeting.createOrGet' | 'onlineMeeting.get';

interface Grant {
  /** Delegated scopes (`scp`), any one of which allows the operation. */
  delegated: readonly string[];
  /** Application roles (`roles`), any one of which allows the operation. */
  application: readonly string[];
}

/**
 * Graph's permission tables for onlineMeeting, one row per operation, least privileged first.
 * Sources: the Permissions sections of the Create, createOrGet and Get pages (spec §2.2).
 */
export const permissionTable: Readonly<Record<Operation, Grant>> = {
  'onlineMeeting.create': {
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
  },
  'onlineMeeting.createOrGet': {
    delegated: ['OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.ReadWrite.All'],
  },
  'onlineMeeting.get': {
    delegated: ['OnlineMeetings.Read', 'OnlineMeetings.ReadWrite'],
    application: ['OnlineMeetings.Read.All', 'OnlineMeetings.ReadWrite.All'],
  },
};

/** Throws 403 unless the token carries a scope or role that the operation accepts. */
export function authorize(principal: Principal, operation: Operation): void {
  const grant = permissionTable[operation];
  if (principal.kind === 'delegated') {
    if (grant.delegated.some((s) => principal.scopes.has(s))) return;
    throw forbidden(
      `Missing scope permissions on the request. API requires one of '${grant.delegated.join(', ')}'. Scopes on the request '${[...principal.scopes].join(', ')}'`,
    );
  }
  if (grant.application.some((r) => principal.roles.has(r))) return;
  throw forbidden(
    `Missing role permissions on the request. API requires one of '${grant.application.join(', ')}'. Roles on the request '${[...principal.roles].join(', ')}'`,
  );
}
