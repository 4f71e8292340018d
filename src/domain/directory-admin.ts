import { type Clock, isoNow } from '../common/clock.js';
import { conflict, notFound } from '../graph/errors.js';
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
import type { ApplicationInput, PolicyChange, PolicyInput, UserInput } from './directory-inputs.js';
import {
  appIdOf,
  applicationOf,
  displayText,
  findPolicy,
  findUser,
  policyOf,
  tenantIdOf,
  userOf,
} from './directory-records.js';
import { type DirectorySeed, importDirectorySeed, type SeedSummary } from './directory-seed.js';

/**
 * The administrator's use cases: tenants, users, applications and application access policies. The CLI, the
 * admin HTTP API and seed files all come through here, so they apply the same rules and cannot disagree.
 */

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

/** A grant target as a path names it: `global`, or a user's object id or UPN. */
export const grantTargetNamed = (target: string): GrantTargetInput =>
  target.toLowerCase() === globalTarget ? { global: true } : { user: target };

/** What applications get when an administrator does not say: enough to create and read meetings. */

export interface DirectoryAdminOptions {
  store: Store;
  clock: Clock;
  /** The serving process's directory, told about changes so it stops remembering old values at once. */
  directory?: Directory;
}

export class DirectoryAdmin {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly directory: Directory | undefined;

  constructor(o: DirectoryAdminOptions) {
    this.store = o.store;
    this.clock = o.clock;
    this.directory = o.directory;
  }

  // ---- tenants ----

  listTenants(): Promise<TenantRecord[]> {
    return this.store.directory.listTenants();
  }

  async putTenant(tenantId: string, displayName: string | null): Promise<TenantRecord> {
    const id = tenantIdOf(tenantId);
    await this.store.directory.ensureTenant(
      id,
      displayName === null ? null : displayText(displayName, 'displayName', 256),
    );
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
    const record = applicationOf(tenantIdOf(tenantId), input, await hashClientSecret(clientSecret), isoNow(this.clock));
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
  async updatePolicy(tenantId: string, name: string, change: PolicyChange): Promise<PolicyView> {
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

  /** Loads a directory seed (the format of `graphmeet serve --seed`), all of it or nothing. */
  importSeed(seed: DirectorySeed): Promise<SeedSummary> {
    return importDirectorySeed(this.store, seed, {
      clock: this.clock,
      ...(this.directory ? { directory: this.directory } : {}),
    });
  }

  private async policyViews(tenantId: string, policies: AccessPolicyRecord[]): Promise<PolicyView[]> {
    const grants = await this.store.directory.listGrants(tenantId);
    return policies.map((p) => {
      const mine = grants.filter((g) => g.policyName === p.name).map((g) => g.target);
      return { ...p, global: mine.includes(globalTarget), users: mine.filter((t) => t !== globalTarget) };
    });
  }
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
