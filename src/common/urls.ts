/** Plain http is acceptable only to this machine (tests, a local identity provider). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || hostname === '::1';
}

/**
 * Entra's multi-tenant issuers name the tenant with `{tenantid}`, e.g.
 * `https://login.microsoftonline.com/{tenantid}/v2.0`; this fills it in.
 */
export const tenantPlaceholder = '{tenantid}';

export function withTenant(template: string, tenantId: string): string {
  return template.replaceAll(tenantPlaceholder, tenantId);
}
