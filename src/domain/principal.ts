/** Who is calling, as proven by a verified access token. */
export type Principal = DelegatedPrincipal | ApplicationPrincipal;

export interface DelegatedPrincipal {
  kind: 'delegated';
  tenantId: string;
  userId: string;
  userPrincipalName: string | null;
  displayName: string | null;
  appId: string | null;
  scopes: ReadonlySet<string>;
}

export interface ApplicationPrincipal {
  kind: 'application';
  tenantId: string;
  /** lower-case, as stored in policies */
  appId: string;
  roles: ReadonlySet<string>;
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && guidPattern.test(value);
}
