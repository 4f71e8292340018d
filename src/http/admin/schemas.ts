import { type TSchema, Type } from 'typebox';
import { badRequest } from '../../graph/errors.js';
import { errorResponses } from '../graph-error.js';

/**
 * Shapes of the admin API. Bodies are strict: an unknown property is an error, never ignored. The bodies that add
 * users, applications and policies are the same as in seed files (domain/directory-inputs.ts).
 */

const strict = { additionalProperties: false } as const;
const nullableString = Type.Union([Type.String(), Type.Null()]);

export const tenantParams = Type.Object({ tenantId: Type.String() });
export const userParams = Type.Object({ tenantId: Type.String(), user: Type.String() });
export const applicationParams = Type.Object({ tenantId: Type.String(), appId: Type.String() });
export const policyParams = Type.Object({ tenantId: Type.String(), name: Type.String() });
export const grantParams = Type.Object({ tenantId: Type.String(), target: Type.String() });

export const tenantBody = Type.Object({ displayName: nullableString }, strict);
export const grantBody = Type.Object({ policyName: Type.String() }, strict);

export const tenant = Type.Object({ id: Type.String(), displayName: nullableString, createdDateTime: Type.String() });
export const user = Type.Object({
  tenantId: Type.String(),
  id: Type.String(),
  userPrincipalName: nullableString,
  displayName: nullableString,
});
export const application = Type.Object({
  tenantId: Type.String(),
  appId: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  hasClientSecret: Type.Boolean(),
  certificate: Type.Union([Type.Object({ thumbprint: Type.String(), notAfter: Type.String() }), Type.Null()]),
  createdDateTime: Type.String(),
});
/** The only answer that ever carries a client secret: the one to the request that made it. */
export const createdApplication = Type.Object({ ...application.properties, clientSecret: Type.String() });
export const policy = Type.Object({
  tenantId: Type.String(),
  name: Type.String(),
  description: nullableString,
  appIds: Type.Array(Type.String()),
  global: Type.Boolean(),
  users: Type.Array(Type.String()),
});
export const grant = Type.Object({ tenantId: Type.String(), target: Type.String(), policyName: Type.String() });

export const collection = <T extends TSchema>(item: T) => Type.Object({ value: Type.Array(item) });

/** Responses of a DELETE: 204 with no body, or an error. */
export const noContent = { 204: Type.Null(), ...errorResponses };

/** `$top` and `$skip` of a paged admin list (strings, as every query value is). */
export const pageQuery = Type.Object({
  $top: Type.Optional(Type.String({ pattern: '^[0-9]{1,7}$' })),
  $skip: Type.Optional(Type.String({ pattern: '^[0-9]{1,7}$' })),
});

/** The page a list asks for: 50 unless `$top` says otherwise, at most `max`. */
export function pageOf(q: { $top?: string | undefined; $skip?: string | undefined }, max: number) {
  const top = q.$top === undefined ? 50 : Number(q.$top);
  if (top < 1 || top > max) throw badRequest(`$top must be from 1 to ${max}.`);
  return { top, skip: q.$skip === undefined ? 0 : Number(q.$skip) };
}

const optional = <T extends TSchema>(t: T) => Type.Optional(t);
const nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A fault rule as the admin API shows it (domain/fault-rules.ts). */
export const faultRule = Type.Object({
  id: Type.String(),
  operation: optional(Type.String()),
  path: optional(Type.String()),
  method: optional(Type.String()),
  tenantId: optional(Type.String()),
  appId: optional(Type.String()),
  userId: optional(Type.String()),
  status: optional(Type.Integer()),
  retryAfterSeconds: optional(Type.Integer()),
  latencyMs: optional(Type.Integer()),
  drop: optional(Type.Boolean()),
  probability: optional(Type.Number()),
  seed: optional(Type.Integer()),
  count: nullable(Type.Integer()),
  remaining: nullable(Type.Integer()),
  matched: Type.Integer(),
  createdDateTime: Type.String(),
  expiresDateTime: Type.String(),
});

const window = Type.Object({ limit: Type.Integer(), windowSeconds: Type.Integer() });
/** The throttling limits in force for a tenant, and whether they are its own or the server's. */
export const throttleLimits = Type.Object({
  mode: Type.String(),
  source: Type.String(),
  meetingsPerOrganizerPerMonth: Type.Integer(),
  requestsPerAppPerTenant: window,
  requestsPerAppAcrossTenants: window,
});

const principal = Type.Object({
  kind: Type.String(),
  tenantId: Type.String(),
  userId: nullable(Type.String()),
  appId: nullable(Type.String()),
});
/** A request the inspector holds (domain/request-journal.ts); bodies are JSON where they were, else text. */
export const journalEntry = Type.Object({
  id: Type.String(),
  clientRequestId: Type.String(),
  time: Type.String(),
  method: Type.String(),
  url: Type.String(),
  path: Type.String(),
  operation: Type.String(),
  status: Type.Integer(),
  durationMs: Type.Number(),
  principal: nullable(principal),
  meeting: nullable(Type.Object({ tenantId: Type.String(), id: Type.String() })),
  injected: nullable(Type.Object({ ruleId: Type.String(), what: Type.String() })),
  request: Type.Object({ headers: Type.Record(Type.String(), Type.String()), body: Type.Unknown() }),
  response: Type.Object({ headers: Type.Record(Type.String(), Type.String()), body: Type.Unknown() }),
});

export const nextLinkProperty = { '@odata.nextLink': Type.Optional(Type.String()) };
