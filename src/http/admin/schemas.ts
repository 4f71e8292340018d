import { type TSchema, Type } from 'typebox';
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
