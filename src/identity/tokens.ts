import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { type Clock, systemClock } from '../common/clock.js';
import type { SigningKey } from './signing-key.js';

/** Audiences Graph accepts: its resource URI and its application id. */
export const graphAudiences = [
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  '00000003-0000-0000-c000-000000000000',
];

/** Entra v2 style issuer of graphmeet's own tokens for one tenant. */
export const issuerFor = (issuerBase: string, tenantId: string) => `${issuerBase}/${tenantId}/v2.0`;

/** The client id delegated tokens name when the caller does not say (Graph Explorer's, as in many samples). */
export const defaultClientAppId = 'de8bc8b5-d9f9-48b1-a8ad-b748da725064';

export interface DelegatedTokenRequest {
  tenantId: string;
  userId: string;
  userPrincipalName?: string;
  displayName?: string;
  scopes: string[];
  appId?: string;
  lifetimeSeconds: number;
}

export interface ApplicationTokenRequest {
  tenantId: string;
  appId: string;
  roles: string[] | undefined;
  lifetimeSeconds: number;
}

/** A deterministic object id for an app's service principal in a tenant (what `oid` holds in app tokens). */
export function servicePrincipalId(tenantId: string, appId: string): string {
  const h = createHash('sha256').update(`${tenantId}/${appId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface Signer {
  key: SigningKey;
  issuer: string;
  clock: Clock;
}

async function sign(claims: Record<string, unknown>, { key, issuer, clock }: Signer, lifetimeSeconds: number) {
  const now = Math.floor(clock.now() / 1000);
  return new SignJWT({ ...claims, ver: '2.0', uti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(issuer)
    .setAudience(graphAudiences[0] as string)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + lifetimeSeconds)
    .sign(key.privateKey);
}

export function mintDelegatedToken(
  req: DelegatedTokenRequest,
  key: SigningKey,
  issuerBase: string,
  clock: Clock = systemClock,
) {
  const appId = req.appId ?? defaultClientAppId;
  return sign(
    {
      tid: req.tenantId,
      oid: req.userId,
      sub: req.userId,
      scp: req.scopes.join(' '),
      ...(req.userPrincipalName ? { upn: req.userPrincipalName, preferred_username: req.userPrincipalName } : {}),
      ...(req.displayName ? { name: req.displayName } : {}),
      appid: appId,
      azp: appId,
      idtyp: 'user',
    },
    { key, issuer: issuerFor(issuerBase, req.tenantId), clock },
    req.lifetimeSeconds,
  );
}

/** `roles: undefined` leaves the claim out, as Entra does for an app that was granted no application permission. */
export function mintApplicationToken(
  req: ApplicationTokenRequest,
  key: SigningKey,
  issuerBase: string,
  clock: Clock = systemClock,
) {
  const spId = servicePrincipalId(req.tenantId, req.appId);
  return sign(
    {
      tid: req.tenantId,
      oid: spId,
      sub: spId,
      ...(req.roles ? { roles: req.roles } : {}),
      appid: req.appId,
      azp: req.appId,
      idtyp: 'app',
    },
    { key, issuer: issuerFor(issuerBase, req.tenantId), clock },
    req.lifetimeSeconds,
  );
}
