import { randomUUID } from 'node:crypto';
import {
  type AccessPolicyRecord,
  type ApplicationRecord,
  type DirectoryUser,
  DuplicateKey,
  globalTarget,
  type PolicyGrantRecord,
  type Store,
  type TenantRecord,
} from '../storage/store.js';
import { parseClientCertificate } from './client-certificates.js';
import { hashClientSecret, newClientSecret } from './client-secrets.js';
import type { Directory } from './directory.js';
import { badRequest, GraphError, notFound } from './errors.js';
import { isGuid } from './principal.js';

/**
 * The administrator's use cases: tenants, users, applications and application access policies. The CLI, the
 * admin HTTP API and seed files all come through here, so they apply the same rules and cannot disagree.
 */

export interface UserInput {
  id?: string;
  userPrincipalName: string;
  displayName?: string | null;
}

export interface ApplicationInput {
  appId?: string;
  displayName: string;
  roles?: string[];
  scopes?: string[];
  /** A public certificate (PEM) for client assertions. */
  certificate?: string | null;
}

export interface PolicyInput {
  name: string;
  appIds: string[];
  description?: string | null;
}

/** An application as shown to administrators: never its secret or the secret's hash. */
export interface ApplicationView {
  tenantId: string;
  appId: string;
  displayName: string;
  roles: string[];
  scopes: string[];
  hasClientSecret: boolean;
  /** The registered certificate, named as the Entra portal names it; null when there is none. */
  certificate: { thumbprint: string; notAfter: string } | null;
  createdDateTime: string;
}

export interface PolicyView {
  tenantId: string;
  name: string;
  description: string | null;
  appIds: string[];
  /** Granted tenant-wide: it applies to every user without a grant of their own. */
  global: boolean;
  /** Users the policy is granted to individually. */
  users: string[];
}

/** Who a policy is granted to: one user (by object id or UPN) or the whole tenant. */
export type GrantTargetInput = { user: string } | { global: true };

/** What applications get when an administrator does not say: enough to create and read meetings. */
export const defaultApplicationRoles = ['OnlineMeetings.ReadWrite.All'];
export const defaultApplicationScopes = ['OnlineMeetings.ReadWrite'];

const conflict = (message: string) => new GraphError(409, 'Conflict', message);

const upnPattern = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const permissionPattern = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/;
const policyNamePattern = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const controlCharacters = /\p{Cc}/u;

export class DirectoryAdmin {
  constructor(
    private readonly store: Store,
    /** The serving process's directory, told about changes so it stops remembering old values at once. */
    private readonly directory?: Directory,
  ) {}

  // ---- tenants ----

  listTenants(): Promise<TenantRecord[]> {
    return this.store.directory.listTenants();
  }

  async putTenant(tenantId: string, displayName: string | null): Promise<TenantRecord> {
    const id = tenantIdOf(tenantId);
    await this.store.directory.ensureTenant(id, displayName === null ? null : text(displayName, 'displayName', 256));
    return (await this.store.directory.getTenant(id)) as TenantRecord;
  }

  async getTenant(tenantId: string): Promise<TenantRecord> {
    const id = tenantIdOf(tenantId);
    const tenant = await this.store.directory.getTenant(id);
    if (!tenant)
      throw notFound(`Tenant '${id}' does not exist. Tenants are made when their first user or app is added.`);
    return tenant;
  }

  // ---- users ----

  async addUser(tenantId: string, input: UserInput): Promise<DirectoryUser> {
    const user = userOf(tenantIdOf(tenantId), input);
    await this.store.directory.ensureTenant(user.tenantId);
    try {
      await this.store.directory.insertUser(user);
    } catch (err) {
      if (err instanceof DuplicateKey) {
        throw err.key === 'userPrincipalName'
          ? conflict(`Another user of the tenant already has the userPrincipalName '${user.userPrincipalName}'.`)
          : conflict(`A user with id '${user.id}' already exists in the tenant.`);
      }
      throw err;
    }
    this.directory?.forget(user.tenantId, user.id);
    return user;
  }

  async listUsers(tenantId: string): Promise<DirectoryUser[]> {
    const tenant = await this.getTenant(tenantId);
    return this.store.directory.listUsers(tenant.id);
  }

  /** A user by object id or UPN; 404 when the tenant has no such user. */
  async getUser(tenantId: string, idOrUpn: string): Promise<DirectoryUser> {
    return findUser(this.store, tenantIdOf(tenantId), idOrUpn);
  }

  /** Removes the user and their own policy grant, together. Their meetings stay. */
  async removeUser(tenantId: string, idOrUpn: string): Promise<DirectoryUser> {
    const user = await this.store.transaction(async (tx) => {
      const found = await findUser(tx, tenantIdOf(tenantId), idOrUpn);
      await tx.directory.deleteGrant(found.tenantId, found.id);
      await tx.directory.deleteUser(found.tenantId, found.id);
      return found;
    });
    this.directory?.forget(user.tenantId, user.id);
    return user;
  }

  // ---- applications ----

  /** Registers the app with a new client secret, which is returned here and never again. */
  async addApplication(
    tenantId: string,
    input: ApplicationInput,
  ): Promise<{ application: ApplicationView; clientSecret: string }> {
    const clientSecret = newClientSecret();
    const record = applicationOf(tenantIdOf(tenantId), input, await hashClientSecret(clientSecret));
    await this.store.directory.ensureTenant(record.tenantId);
    try {
      await this.store.directory.insertApplication(record);
    } catch (err) {
      if (err instanceof DuplicateKey) {
        throw conflict(`An application with appId '${record.appId}' is already registered in the tenant.`);
      }
      throw err;
    }
    return { application: applicationView(record), clientSecret };
  }

  async listApplications(tenantId: string): Promise<ApplicationView[]> {
    const tenant = await this.getTenant(tenantId);
    return (await this.store.directory.listApplications(tenant.id)).map(applicationView);
  }

  async getApplication(tenantId: string, appId: string): Promise<ApplicationView> {
    const tid = tenantIdOf(tenantId);
    const app = await this.store.directory.getApplication(tid, appIdOf(appId));
    if (!app) throw notFound(`No application with appId '${appIdOf(appId)}' is registered in tenant '${tid}'.`);
    return applicationView(app);
  }

  async removeApplication(tenantId: string, appId: string): Promise<void> {
    const tid = tenantIdOf(tenantId);
    if (!(await this.store.directory.deleteApplication(tid, appIdOf(appId)))) {
      throw notFound(`No application with appId '${appIdOf(appId)}' is registered in tenant '${tid}'.`);
    }
  }

  // ---- application access policies ----

  async createPolicy(tenantId: string, input: PolicyInput): Promise<PolicyView> {
    const policy = policyOf(tenantIdOf(tenantId), input);
    await this.store.directory.ensureTenant(policy.tenantId);
    try {
      await this.store.directory.insertPolicy(policy);
    } catch (err) {
      if (err instanceof DuplicateKey) throw conflict(`A policy named '${policy.name}' already exists in the tenant.`);
      throw err;
    }
    return { ...policy, global: false, users: [] };
  }

  /** Replaces the policy's app ids and, when given, its description (Set-CsApplicationAccessPolicy). */
  async updatePolicy(
    tenantId: string,
    name: string,
    change: { appIds?: string[]; description?: string | null },
  ): Promise<PolicyView> {
    const tid = tenantIdOf(tenantId);
    const current = await findPolicy(this.store, tid, name);
    const updated = policyOf(tid, {
      name: current.name,
      appIds: change.appIds ?? current.appIds,
      description: change.description === undefined ? current.description : change.description,
    });
    await this.store.directory.updatePolicy(updated);
    return this.getPolicy(tid, current.name);
  }

  async getPolicy(tenantId: string, name: string): Promise<PolicyView> {
    const tid = tenantIdOf(tenantId);
    const policy = await findPolicy(this.store, tid, name);
    return (await this.policyViews(tid, [policy]))[0] as PolicyView;
  }

  async listPolicies(tenantId: string): Promise<PolicyView[]> {
    const tenant = await this.getTenant(tenantId);
    return this.policyViews(tenant.id, await this.store.directory.listPolicies(tenant.id));
  }

  /** Deletes the policy and revokes it from everyone it was granted to, together. */
  async deletePolicy(tenantId: string, name: string): Promise<void> {
    const tid = tenantIdOf(tenantId);
    await this.store.transaction(async (tx) => {
      const policy = await findPolicy(tx, tid, name);
      await tx.directory.deleteGrantsOfPolicy(tid, policy.name);
      await tx.directory.deletePolicy(tid, policy.name);
    });
  }

  /** Grants the policy to a user or tenant-wide, replacing what that target had (Grant-CsApplicationAccessPolicy). */
  async grantPolicy(tenantId: string, name: string, to: GrantTargetInput): Promise<PolicyGrantRecord> {
    const tid = tenantIdOf(tenantId);
    return this.store.transaction(async (tx) => {
      const policy = await findPolicy(tx, tid, name);
      const target = 'global' in to ? globalTarget : (await findUser(tx, tid, to.user)).id;
      await tx.directory.putGrant(tid, target, policy.name);
      return { tenantId: tid, target, policyName: policy.name };
    });
  }

  async listGrants(tenantId: string): Promise<PolicyGrantRecord[]> {
    const tenant = await this.getTenant(tenantId);
    return this.store.directory.listGrants(tenant.id);
  }

  /** Takes back whatever policy the user (or the tenant as a whole) was granted. */
  async revokePolicy(tenantId: string, from: GrantTargetInput): Promise<void> {
    const tid = tenantIdOf(tenantId);
    const target = 'global' in from ? globalTarget : (await findUser(this.store, tid, from.user)).id;
    if (!(await this.store.directory.deleteGrant(tid, target))) {
      throw notFound(
        target === globalTarget
          ? `Tenant '${tid}' has no tenant-wide policy grant.`
          : `User '${target}' has no policy granted to them.`,
      );
    }
  }

  private async policyViews(tenantId: string, policies: AccessPolicyRecord[]): Promise<PolicyView[]> {
    const grants = await this.store.directory.listGrants(tenantId);
    return policies.map((p) => {
      const mine = grants.filter((g) => g.policyName === p.name).map((g) => g.target);
      return { ...p, global: mine.includes(globalTarget), users: mine.filter((t) => t !== globalTarget) };
    });
  }
}

// ---- validation shared with seed import ----

export function tenantIdOf(value: string): string {
  if (!isGuid(value)) throw badRequest(`The tenant id '${clip(value)}' is not valid: it must be a GUID.`);
  return value.toLowerCase();
}

export function appIdOf(value: string): string {
  if (!isGuid(value)) throw badRequest(`The appId '${clip(value)}' is not valid: it must be a GUID.`);
  return value.toLowerCase();
}

export function userOf(tenantId: string, input: UserInput): DirectoryUser {
  if (input.id !== undefined && !isGuid(input.id)) {
    throw badRequest(`The user id '${clip(input.id)}' is not valid: object ids are GUIDs.`);
  }
  if (!upnPattern.test(input.userPrincipalName)) {
    throw badRequest(
      `The userPrincipalName '${clip(input.userPrincipalName)}' is not valid: it must look like alias@domain.example.`,
    );
  }
  return {
    tenantId,
    id: (input.id ?? randomUUID()).toLowerCase(),
    userPrincipalName: input.userPrincipalName,
    displayName: input.displayName == null ? null : text(input.displayName, 'displayName', 256),
  };
}

export function applicationOf(tenantId: string, input: ApplicationInput, secretHash: string | null): ApplicationRecord {
  return {
    tenantId,
    appId: input.appId === undefined ? randomUUID() : appIdOf(input.appId),
    displayName: text(input.displayName, 'displayName', 256),
    secretHash,
    certificatePem: input.certificate == null ? null : parseClientCertificate(input.certificate).pem,
    roles: permissions(input.roles ?? defaultApplicationRoles, 'roles'),
    scopes: permissions(input.scopes ?? defaultApplicationScopes, 'scopes'),
    createdDateTime: new Date().toISOString(),
  };
}

export function policyOf(tenantId: string, input: PolicyInput): AccessPolicyRecord {
  if (!policyNamePattern.test(input.name)) {
    throw badRequest(
      `The policy name '${clip(input.name)}' is not valid: use up to 64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.`,
    );
  }
  if (input.appIds.length === 0) throw badRequest('A policy must name at least one appId.');
  if (input.appIds.length > 1000) throw badRequest('A policy can name at most 1000 appIds.');
  return {
    tenantId,
    name: input.name,
    description: input.description == null ? null : text(input.description, 'description', 1024),
    appIds: [...new Set(input.appIds.map(appIdOf))],
  };
}

export function applicationView(app: ApplicationRecord): ApplicationView {
  return {
    tenantId: app.tenantId,
    appId: app.appId,
    displayName: app.displayName,
    roles: app.roles,
    scopes: app.scopes,
    hasClientSecret: app.secretHash !== null,
    certificate: certificateView(app.certificatePem),
    createdDateTime: app.createdDateTime,
  };
}

function certificateView(pem: string | null): ApplicationView['certificate'] {
  if (pem === null) return null;
  const cert = parseClientCertificate(pem);
  return { thumbprint: cert.thumbprint, notAfter: cert.notAfter.toISOString() };
}

/** A user of the tenant named by object id (a GUID) or by userPrincipalName. */
export function lookUpUser(store: Store, tenantId: string, idOrUpn: string): Promise<DirectoryUser | undefined> {
  return isGuid(idOrUpn)
    ? store.directory.getUser(tenantId, idOrUpn.toLowerCase())
    : store.directory.getUserByUpn(tenantId, idOrUpn);
}

export async function findUser(store: Store, tenantId: string, idOrUpn: string): Promise<DirectoryUser> {
  const user = await lookUpUser(store, tenantId, idOrUpn);
  if (!user) throw notFound(`Tenant '${tenantId}' has no user '${clip(idOrUpn)}'.`);
  return user;
}

async function findPolicy(store: Store, tenantId: string, name: string): Promise<AccessPolicyRecord> {
  const policy = await store.directory.getPolicy(tenantId, name);
  if (!policy) throw notFound(`Tenant '${tenantId}' has no application access policy named '${clip(name)}'.`);
  return policy;
}

function permissions(values: string[], what: string): string[] {
  for (const v of values) {
    if (v.length > 100 || !permissionPattern.test(v)) {
      throw badRequest(`The ${what} entry '${clip(v)}' is not a permission name such as OnlineMeetings.ReadWrite.All.`);
    }
  }
  return [...new Set(values)];
}

function text(value: string, what: string, max: number): string {
  if (value.length === 0 || value.length > max || controlCharacters.test(value)) {
    throw badRequest(`The ${what} must be 1 to ${max} characters without control characters.`);
  }
  return value;
}

function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
