import { type Kysely, type Selectable, sql } from 'kysely';
import { type Clock, isoNow } from '../common/clock.js';
import { PreparedQuery } from './prepared-query.js';
import type { AccessPoliciesTable, ApplicationsTable, Database, DirectoryUsersTable } from './schema.js';
import {
  type AccessPolicyRecord,
  type ApplicationRecord,
  type DirectoryStore,
  type DirectoryUser,
  DuplicateKey,
  type GrantTarget,
  globalTarget,
  type PolicyGrantRecord,
  type TenantRecord,
} from './store.js';
import { uniqueViolationText } from './unique-violation.js';

const upnKey = (upn: string | null) => (upn === null ? null : upn.toLowerCase());
const policyKey = (name: string) => name.toLowerCase();

/** The directory half of the SQL store: same database, same dialect handling as the meetings. */
export class SqlDirectoryStore implements DirectoryStore {
  /** The directory queries of requests (sign-in, the access-policy check), compiled once. */
  private readonly q;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {
    this.q = {
      userById: new PreparedQuery<UserRow>(this.users('').where('user_id', '=', '')),
      effectivePolicy: new PreparedQuery<{ target: string; app_ids: string }>(
        this.grantsWithPolicies('').select(['g.target', 'p.app_ids']).where('g.target', 'in', ['', globalTarget]),
      ),
    };
  }

  /** When a row is added or changed, for its created_at / updated_at. */
  private now(): string {
    return isoNow(this.clock);
  }

  async ensureTenant(tenantId: string, displayName?: string | null): Promise<void> {
    await this.db
      .insertInto('tenants')
      .values({ tenant_id: tenantId, display_name: displayName ?? null, created_at: this.now() })
      .onConflict((oc) =>
        displayName === undefined
          ? oc.column('tenant_id').doNothing()
          : oc.column('tenant_id').doUpdateSet({ display_name: displayName }),
      )
      .execute();
  }

  async getTenant(tenantId: string): Promise<TenantRecord | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    return row && { id: row.tenant_id, displayName: row.display_name, createdDateTime: row.created_at };
  }

  async listTenants(): Promise<TenantRecord[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('tenant_id').execute();
    return rows.map((r) => ({ id: r.tenant_id, displayName: r.display_name, createdDateTime: r.created_at }));
  }

  async insertUser(user: DirectoryUser): Promise<void> {
    const at = this.now();
    await mapDuplicates(() => this.db.insertInto('directory_users').values(userRow(user, at)).execute());
  }

  async putUser(user: DirectoryUser): Promise<void> {
    const at = this.now();
    await mapDuplicates(() =>
      this.db
        .insertInto('directory_users')
        .values(userRow(user, at))
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'user_id']).doUpdateSet({
            user_principal_name: user.userPrincipalName,
            upn_key: upnKey(user.userPrincipalName),
            display_name: user.displayName,
            updated_at: at,
          }),
        )
        .execute(),
    );
  }

  async addUserIfMissing(user: DirectoryUser): Promise<void> {
    const at = this.now();
    await mapDuplicates(() =>
      this.db
        .insertInto('directory_users')
        .values(userRow(user, at))
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'user_id']).doUpdateSet({
            user_principal_name: sql`coalesce(directory_users.user_principal_name, excluded.user_principal_name)`,
            upn_key: sql`coalesce(directory_users.upn_key, excluded.upn_key)`,
            display_name: sql`coalesce(directory_users.display_name, excluded.display_name)`,
          }),
        )
        .execute(),
    );
  }

  async getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined> {
    const { rows } = await this.q.userById.run(this.db, [tenantId, userId]);
    return rows[0] && fromUserRow(rows[0]);
  }

  async getUserByUpn(tenantId: string, userPrincipalName: string): Promise<DirectoryUser | undefined> {
    const row = await this.users(tenantId).where('upn_key', '=', upnKey(userPrincipalName)).executeTakeFirst();
    return row && fromUserRow(row);
  }

  async findUsers(tenantId: string, ids: string[], userPrincipalNames: string[]): Promise<DirectoryUser[]> {
    if (ids.length === 0 && userPrincipalNames.length === 0) return [];
    const keys = userPrincipalNames.map((u) => u.toLowerCase());
    const rows = await this.users(tenantId)
      .where((eb) =>
        eb.or([...(ids.length ? [eb('user_id', 'in', ids)] : []), ...(keys.length ? [eb('upn_key', 'in', keys)] : [])]),
      )
      .execute();
    return rows.map(fromUserRow);
  }

  async hasUserInDomain(tenantId: string, domain: string): Promise<boolean> {
    // A domain name has no LIKE wildcards; anything else cannot be a domain of the tenant.
    if (!/^[a-z0-9.-]+$/.test(domain)) return false;
    const row = await this.users(tenantId).where('upn_key', 'like', `%@${domain}`).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async listUsers(tenantId: string): Promise<DirectoryUser[]> {
    const rows = await this.users(tenantId).orderBy('upn_key').orderBy('user_id').execute();
    return rows.map(fromUserRow);
  }

  async deleteUser(tenantId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('directory_users')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async insertApplication(app: ApplicationRecord): Promise<void> {
    await mapDuplicates(() => this.db.insertInto('applications').values(applicationRow(app)).execute());
  }

  async putApplication(app: ApplicationRecord): Promise<void> {
    const row = applicationRow(app);
    await this.db
      .insertInto('applications')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'app_id']).doUpdateSet({
          display_name: row.display_name,
          secret_hash: row.secret_hash,
          certificate_pem: row.certificate_pem,
          roles: row.roles,
          scopes: row.scopes,
        }),
      )
      .execute();
  }

  async getApplication(tenantId: string, appId: string): Promise<ApplicationRecord | undefined> {
    const row = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .executeTakeFirst();
    return row && fromApplicationRow(row);
  }

  async listApplications(tenantId: string): Promise<ApplicationRecord[]> {
    const rows = await this.db
      .selectFrom('applications')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at')
      .orderBy('app_id')
      .execute();
    return rows.map(fromApplicationRow);
  }

  async deleteApplication(tenantId: string, appId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('applications')
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async insertPolicy(policy: AccessPolicyRecord): Promise<void> {
    await mapDuplicates(() => this.db.insertInto('access_policies').values(policyRow(policy, this.now())).execute());
  }

  async updatePolicy(policy: AccessPolicyRecord): Promise<boolean> {
    const result = await this.db
      .updateTable('access_policies')
      .set({ description: policy.description, app_ids: JSON.stringify(policy.appIds), updated_at: this.now() })
      .where('tenant_id', '=', policy.tenantId)
      .where('policy_key', '=', policyKey(policy.name))
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async putPolicy(policy: AccessPolicyRecord): Promise<void> {
    const row = policyRow(policy, this.now());
    await this.db
      .insertInto('access_policies')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'policy_key']).doUpdateSet({
          name: row.name,
          description: row.description,
          app_ids: row.app_ids,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async getPolicy(tenantId: string, name: string): Promise<AccessPolicyRecord | undefined> {
    const row = await this.db
      .selectFrom('access_policies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('policy_key', '=', policyKey(name))
      .executeTakeFirst();
    return row && fromPolicyRow(row);
  }

  async listPolicies(tenantId: string): Promise<AccessPolicyRecord[]> {
    const rows = await this.db
      .selectFrom('access_policies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('policy_key')
      .execute();
    return rows.map(fromPolicyRow);
  }

  async deletePolicy(tenantId: string, name: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('access_policies')
      .where('tenant_id', '=', tenantId)
      .where('policy_key', '=', policyKey(name))
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async putGrant(tenantId: string, target: GrantTarget, policyName: string): Promise<void> {
    const at = this.now();
    await this.db
      .insertInto('access_policy_grants')
      .values({ tenant_id: tenantId, target, policy_key: policyKey(policyName), granted_at: at })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'target']).doUpdateSet({ policy_key: policyKey(policyName), granted_at: at }),
      )
      .execute();
  }

  async deleteGrant(tenantId: string, target: GrantTarget): Promise<boolean> {
    const result = await this.db
      .deleteFrom('access_policy_grants')
      .where('tenant_id', '=', tenantId)
      .where('target', '=', target)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async deleteGrantsOfPolicy(tenantId: string, policyName: string): Promise<void> {
    await this.db
      .deleteFrom('access_policy_grants')
      .where('tenant_id', '=', tenantId)
      .where('policy_key', '=', policyKey(policyName))
      .execute();
  }

  async listGrants(tenantId: string): Promise<PolicyGrantRecord[]> {
    const rows = await this.grantsWithPolicies(tenantId)
      .select(['g.target', 'p.name'])
      .orderBy('p.policy_key')
      // The tenant-wide grant first, then users.
      .orderBy(sql`case when g.target = ${globalTarget} then 0 else 1 end`)
      .orderBy('g.target')
      .execute();
    return rows.map((r) => ({ tenantId, target: r.target, policyName: r.name }));
  }

  async effectivePolicy(
    tenantId: string,
    userId: string,
  ): Promise<{ target: GrantTarget; appIds: string[] } | undefined> {
    const { rows } = await this.q.effectivePolicy.run(this.db, [tenantId, userId, globalTarget]);
    // A user's own grant wins over the tenant-wide one, as in Teams.
    const row = rows.find((r) => r.target === userId) ?? rows.find((r) => r.target === globalTarget);
    return row && { target: row.target, appIds: JSON.parse(row.app_ids) as string[] };
  }

  private users(tenantId: string) {
    return this.db
      .selectFrom('directory_users')
      .select(['tenant_id', 'user_id', 'user_principal_name', 'display_name'])
      .where('tenant_id', '=', tenantId);
  }

  private grantsWithPolicies(tenantId: string) {
    return this.db
      .selectFrom('access_policy_grants as g')
      .innerJoin('access_policies as p', (join) =>
        join.onRef('p.tenant_id', '=', 'g.tenant_id').onRef('p.policy_key', '=', 'g.policy_key'),
      )
      .where('g.tenant_id', '=', tenantId);
  }
}

/** Unique-constraint violations of directory tables become DuplicateKey, naming what was taken. */
async function mapDuplicates<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const where = uniqueViolationText(err);
    if (where === undefined) throw err;
    if (where.includes('upn_key')) throw new DuplicateKey('userPrincipalName');
    if (where.includes('directory_users')) throw new DuplicateKey('user');
    if (where.includes('applications')) throw new DuplicateKey('application');
    if (where.includes('access_policies')) throw new DuplicateKey('policy');
    throw err;
  }
}

function userRow(user: DirectoryUser, at: string): DirectoryUsersTable {
  return {
    tenant_id: user.tenantId,
    user_id: user.id,
    user_principal_name: user.userPrincipalName,
    upn_key: upnKey(user.userPrincipalName),
    display_name: user.displayName,
    created_at: at,
    updated_at: at,
  };
}

type UserRow = Pick<Selectable<DirectoryUsersTable>, 'tenant_id' | 'user_id' | 'user_principal_name' | 'display_name'>;

function fromUserRow(r: UserRow): DirectoryUser {
  return {
    tenantId: r.tenant_id,
    id: r.user_id,
    userPrincipalName: r.user_principal_name,
    displayName: r.display_name,
  };
}

function applicationRow(app: ApplicationRecord): ApplicationsTable {
  return {
    tenant_id: app.tenantId,
    app_id: app.appId,
    display_name: app.displayName,
    secret_hash: app.secretHash,
    certificate_pem: app.certificatePem,
    roles: JSON.stringify(app.roles),
    scopes: JSON.stringify(app.scopes),
    created_at: app.createdDateTime,
  };
}

function fromApplicationRow(r: Selectable<ApplicationsTable>): ApplicationRecord {
  return {
    tenantId: r.tenant_id,
    appId: r.app_id,
    displayName: r.display_name,
    secretHash: r.secret_hash,
    certificatePem: r.certificate_pem,
    roles: JSON.parse(r.roles),
    scopes: JSON.parse(r.scopes),
    createdDateTime: r.created_at,
  };
}

function policyRow(policy: AccessPolicyRecord, at: string): AccessPoliciesTable {
  return {
    tenant_id: policy.tenantId,
    policy_key: policyKey(policy.name),
    name: policy.name,
    description: policy.description,
    app_ids: JSON.stringify(policy.appIds),
    created_at: at,
    updated_at: at,
  };
}

function fromPolicyRow(r: Selectable<AccessPoliciesTable>): AccessPolicyRecord {
  return { tenantId: r.tenant_id, name: r.name, description: r.description, appIds: JSON.parse(r.app_ids) };
}
