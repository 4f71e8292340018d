import { randomUUID } from 'node:crypto';
import { isGuid } from '../common/guid.js';
import { clip } from '../common/text.js';
import { badRequest, notFound } from '../graph/errors.js';
import type { AccessPolicyRecord, ApplicationRecord, DirectoryUser, Store } from '../storage/store.js';
import { parseClientCertificate } from './client-certificates.js';
import { lookUpUser } from './directory.js';
import type { ApplicationInput, PolicyInput, UserInput } from './directory-inputs.js';

/**
 * The directory's records made from what an administrator sent, with the rules every entry point shares (the
 * admin use cases and seed import): GUIDs, UPN form, permission names, lengths.
 */

export const defaultApplicationRoles = ['OnlineMeetings.ReadWrite.All'];
export const defaultApplicationScopes = ['OnlineMeetings.ReadWrite'];

const upnPattern = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const permissionPattern = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/;
const policyNamePattern = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const controlCharacters = /\p{Cc}/u;

export function tenantIdOf(value: string): string {
  if (!isGuid(value)) throw badRequest(`The tenant id '${clip(value, 80)}' is not valid: it must be a GUID.`);
  return value.toLowerCase();
}

export function appIdOf(value: string): string {
  if (!isGuid(value)) throw badRequest(`The appId '${clip(value, 80)}' is not valid: it must be a GUID.`);
  return value.toLowerCase();
}

export function userOf(tenantId: string, input: UserInput): DirectoryUser {
  if (input.id !== undefined && !isGuid(input.id)) {
    throw badRequest(`The user id '${clip(input.id, 80)}' is not valid: object ids are GUIDs.`);
  }
  if (!upnPattern.test(input.userPrincipalName)) {
    throw badRequest(
      `The userPrincipalName '${clip(input.userPrincipalName, 80)}' is not valid: it must look like alias@domain.example.`,
    );
  }
  return {
    tenantId,
    id: (input.id ?? randomUUID()).toLowerCase(),
    userPrincipalName: input.userPrincipalName,
    displayName: input.displayName == null ? null : displayText(input.displayName, 'displayName', 256),
  };
}

export function applicationOf(
  tenantId: string,
  input: ApplicationInput,
  secretHash: string | null,
  createdDateTime: string,
): ApplicationRecord {
  return {
    tenantId,
    appId: input.appId === undefined ? randomUUID() : appIdOf(input.appId),
    displayName: displayText(input.displayName, 'displayName', 256),
    secretHash,
    certificatePem: input.certificate == null ? null : parseClientCertificate(input.certificate).pem,
    roles: permissions(input.roles ?? defaultApplicationRoles, 'roles'),
    scopes: permissions(input.scopes ?? defaultApplicationScopes, 'scopes'),
    createdDateTime,
  };
}

export function policyOf(tenantId: string, input: PolicyInput): AccessPolicyRecord {
  if (!policyNamePattern.test(input.name)) {
    throw badRequest(
      `The policy name '${clip(input.name, 80)}' is not valid: use up to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.`,
    );
  }
  if (input.appIds.length === 0) throw badRequest('A policy must name at least one appId.');
  if (input.appIds.length > 1000) throw badRequest('A policy can name at most 1000 appIds.');
  return {
    tenantId,
    name: input.name,
    description: input.description == null ? null : displayText(input.description, 'description', 1024),
    appIds: [...new Set(input.appIds.map(appIdOf))],
  };
}

/** A user of the tenant by object id or UPN; 404 when there is none. */
export async function findUser(store: Store, tenantId: string, idOrUpn: string): Promise<DirectoryUser> {
  const user = await lookUpUser(store.directory, tenantId, idOrUpn);
  if (!user) throw notFound(`Tenant '${tenantId}' has no user '${clip(idOrUpn, 80)}'.`);
  return user;
}

export async function findPolicy(store: Store, tenantId: string, name: string): Promise<AccessPolicyRecord> {
  const policy = await store.directory.getPolicy(tenantId, name);
  if (!policy) throw notFound(`Tenant '${tenantId}' has no application access policy named '${clip(name, 80)}'.`);
  return policy;
}

function permissions(values: string[], what: string): string[] {
  for (const v of values) {
    if (v.length > 100 || !permissionPattern.test(v)) {
      throw badRequest(
        `The ${what} entry '${clip(v, 80)}' is not a permission name such as OnlineMeetings.ReadWrite.All.`,
      );
    }
  }
  return [...new Set(values)];
}

/** A display name or description: 1 to `max` characters, no control characters. */
export function displayText(value: string, what: string, max: number): string {
  if (value.length === 0 || value.length > max || controlCharacters.test(value)) {
    throw badRequest(`The ${what} must be 1 to ${max} characters without control characters.`);
  }
  return value;
}
