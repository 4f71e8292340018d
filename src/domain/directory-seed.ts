import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { type Clock, isoNow } from '../common/clock.js';
import { badRequest, GraphError } from '../graph/errors.js';
import { DuplicateKey, globalTarget, type Store } from '../storage/store.js';
import { hashClientSecret, verifyClientSecret } from './client-secrets.js';
import type { Directory } from './directory.js';
import { applicationInput, policyInput, type UserInput, userInput } from './directory-inputs.js';
import { appIdOf, applicationOf, findUser, policyOf, tenantIdOf, userOf } from './directory-records.js';
import { faultRuleInput } from './fault-rules.js';

/**
 * A directory seed: tenants with their users, applications and application access policies, loaded by
 * `graphmeet serve --seed file.json` or POST /_graphmeet/directory/import. Loading is idempotent and
 * additive: it adds and updates what the file names and removes nothing.
 */

const strict = { additionalProperties: false } as const;
const nullableText = Type.Optional(Type.Union([Type.String(), Type.Null()]));

/** An application of a seed names its appId, and may choose its secret so that test set-ups can be repeated. */
const seedApplication = Type.Object(
  {
    ...applicationInput.properties,
    appId: Type.String(),
    clientSecret: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
  },
  strict,
);

/** A policy of a seed also says whom it is granted to. */
const seedPolicy = Type.Object(
  {
    ...policyInput.properties,
    grantedTo: Type.Optional(
      Type.Object(
        {
          global: Type.Optional(Type.Boolean()),
          /** object ids or UPNs of users of the tenant */
          users: Type.Optional(Type.Array(Type.String(), { maxItems: 10_000 })),
        },
        strict,
      ),
    ),
  },
  strict,
);

export const directorySeed = Type.Object(
  {
    tenants: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          displayName: nullableText,
          users: Type.Optional(Type.Array(userInput, { maxItems: 100_000 })),
          applications: Type.Optional(Type.Array(seedApplication, { maxItems: 1000 })),
          applicationAccessPolicies: Type.Optional(Type.Array(seedPolicy, { maxItems: 1000 })),
        },
        strict,
      ),
      { maxItems: 1000 },
    ),
    /** Fault rules to have in force (see fault-rules.ts); each is added once while one like it is. */
    faults: Type.Optional(Type.Array(faultRuleInput, { maxItems: 1000 })),
  },
  strict,
);
export type DirectorySeed = Static<typeof directorySeed>;

export interface SeedSummary {
  tenants: number;
  users: number;
  applications: number;
  applicationAccessPolicies: number;
  grants: number;
}

/** Checks a parsed seed file against the schema; the message names the first wrong place. */
export function parseDirectorySeed(value: unknown): DirectorySeed {
  const [first] = Value.Errors(directorySeed, value);
  if (first) {
    const where = first.instancePath || '(the document)';
    const extra = (first.params as { additionalProperties?: string[] }).additionalProperties;
    throw badRequest(
      `Invalid directory seed at ${where}: ${extra ? `unknown property '${extra[0]}'` : first.message}.`,
    );
  }
  return value as DirectorySeed;
}

/** Applies the whole seed in one transaction: a seed with a mistake anywhere changes nothing. */
export async function importDirectorySeed(
  store: Store,
  seed: DirectorySeed,
  { clock, directory }: { clock: Clock; directory?: Directory },
): Promise<SeedSummary> {
  const summary: SeedSummary = { tenants: 0, users: 0, applications: 0, applicationAccessPolicies: 0, grants: 0 };
  const touchedUsers: [string, string][] = [];
  const secretHashes = await hashSeedSecrets(store, seed);
  await store.transaction(async (tx) => {
    for (const [t, tenant] of seed.tenants.entries()) {
      const at = `tenants/${t}`;
      const tenantId = await atPlace(at, async () => tenantIdOf(tenant.id));
      await tx.directory.ensureTenant(tenantId, tenant.displayName);
      summary.tenants++;

      for (const [u, input] of (tenant.users ?? []).entries()) {
        const user = await atPlace(`${at}/users/${u}`, () => seedUserRecord(tx, tenantId, input));
        touchedUsers.push([tenantId, user.id]);
        summary.users++;
      }

      for (const [a, input] of (tenant.applications ?? []).entries()) {
        await atPlace(`${at}/applications/${a}`, async () => {
          const existing = await tx.directory.getApplication(tenantId, appIdOf(input.appId));
          const secretHash =
            input.clientSecret === undefined
              ? (existing?.secretHash ?? null)
              : (secretHashes.get(`${tenantId}/${appIdOf(input.appId)}`) as string);
          const record = applicationOf(tenantId, input, secretHash, isoNow(clock));
          await tx.directory.putApplication({
            ...record,
            // Like the secret, a certificate the seed does not mention stays as it is.
            certificatePem:
              input.certificate === undefined ? (existing?.certificatePem ?? null) : record.certificatePem,
            createdDateTime: existing?.createdDateTime ?? record.createdDateTime,
          });
        });
        summary.applications++;
      }

      for (const [p, input] of (tenant.applicationAccessPolicies ?? []).entries()) {
        await atPlace(`${at}/applicationAccessPolicies/${p}`, async () => {
          const policy = policyOf(tenantId, input);
          await tx.directory.putPolicy(policy);
          if (input.grantedTo?.global) {
            await tx.directory.putGrant(tenantId, globalTarget, policy.name);
            summary.grants++;
          }
          for (const who of input.grantedTo?.users ?? []) {
            await tx.directory.putGrant(tenantId, (await findUser(tx, tenantId, who)).id, policy.name);
            summary.grants++;
          }
        });
        summary.applicationAccessPolicies++;
      }
    }
  });
  for (const [tenantId, userId] of touchedUsers) directory?.forget(tenantId, userId);
  return summary;
}

/**
 * The hashes of the seed's client secrets, made before the import's transaction: scrypt is slow on purpose,
 * and a transaction holds the database for the whole server meanwhile. A secret the app already has keeps
 * its stored hash, so applying a seed again writes the same row.
 */
async function hashSeedSecrets(store: Store, seed: DirectorySeed): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const [t, tenant] of seed.tenants.entries()) {
    for (const [a, input] of (tenant.applications ?? []).entries()) {
      const secret = input.clientSecret;
      if (secret === undefined) continue;
      const [tenantId, appId] = await atPlace(`tenants/${t}/applications/${a}`, async () => [
        tenantIdOf(tenant.id),
        appIdOf(input.appId),
      ]);
      const stored = (await store.directory.getApplication(tenantId, appId))?.secretHash;
      const keep = stored && (await verifyClientSecret(secret, stored));
      hashes.set(`${tenantId}/${appId}`, keep ? stored : await hashClientSecret(secret));
    }
  }
  return hashes;
}

/** A user with an id is put under that id; without one, the UPN finds them or a new id is drawn. */
async function seedUserRecord(store: Store, tenantId: string, input: UserInput) {
  const existing =
    input.id === undefined ? await store.directory.getUserByUpn(tenantId, input.userPrincipalName) : undefined;
  const user = userOf(tenantId, { ...input, id: input.id ?? existing?.id });
  try {
    await store.directory.putUser(user);
  } catch (err) {
    if (err instanceof DuplicateKey) {
      throw badRequest(`the userPrincipalName '${user.userPrincipalName}' belongs to another user of the tenant.`);
    }
    throw err;
  }
  return user;
}

/** Runs one step of the import, naming its place in the seed in any error it raises. */
async function atPlace<T>(where: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw located(where, err);
  }
}

/** Names the place in the seed where a rule failed, keeping the rule's own status. */
function located(where: string, err: unknown): unknown {
  if (!(err instanceof GraphError)) return err;
  const status = err.status === 404 ? 400 : err.status;
  return new GraphError(
    status,
    err.code === 'NotFound' ? 'BadRequest' : err.code,
    `Invalid directory seed at /${where}: ${err.message}`,
  );
}
