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
