/** The token of an `Authorization: Bearer <token>` header (scheme in any case); undefined for anything else. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  return /^Bearer +(\S+) *$/i.exec(header)?.[1];
}
