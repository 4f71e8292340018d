import { type Static, Type } from 'typebox';

/**
 * What an administrator sends to add a user, register an application or create a policy: one schema each, used by
 * the admin API's bodies and by directory seed files alike. Strict: an unknown property is an error, never ignored.
 * The rules these shapes cannot say (GUIDs, UPN form, permission names) are the use cases' (directory-admin.ts).
 */

const strict = { additionalProperties: false } as const;
const nullableText = Type.Union([Type.String(), Type.Null()]);
const permissionList = Type.Array(Type.String(), { maxItems: 100 });
const appIdList = Type.Array(Type.String(), { maxItems: 1000 });

export const userInput = Type.Object(
  { id: Type.Optional(Type.String()), userPrincipalName: Type.String(), displayName: Type.Optional(nullableText) },
  strict,
);
export type UserInput = Static<typeof userInput>;

export const applicationInput = Type.Object(
  {
    appId: Type.Optional(Type.String()),
    displayName: Type.String(),
    roles: Type.Optional(permissionList),
    scopes: Type.Optional(permissionList),
    /** A public certificate (PEM) for client assertions. */
    certificate: Type.Optional(Type.String({ maxLength: 16_384 })),
  },
  strict,
);
export type ApplicationInput = Static<typeof applicationInput>;

export const policyInput = Type.Object(
  { name: Type.String(), appIds: appIdList, description: Type.Optional(nullableText) },
  strict,
);
export type PolicyInput = Static<typeof policyInput>;

/** Set-CsApplicationAccessPolicy: the app ids, the description, or both. */
export const policyChange = Type.Object(
  { appIds: Type.Optional(appIdList), description: Type.Optional(nullableText) },
  strict,
);
export type PolicyChange = Static<typeof policyChange>;
