import { createHash, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { invalidToken } from '../domain/errors.js';
import { isGuid, type Principal } from '../domain/principal.js';
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
  roles: string[];
  lifetimeSeconds: number;
}

/** A deterministic object id for an app's service principal in a tenant (what `oid` holds in app tokens). */
export function servicePrincipalId(tenantId: string, appId: string): string {
  const h = createHash('sha256').update(`${tenantId}/${appId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

async function sign(claims: Record<string, unknown>, key: SigningKey, issuer: string, lifetimeSeconds: number) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, ver: '2.0', uti: randomUUID() })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
    .setIssuer(issuer)
    .setAudience(graphAudiences[0] as string)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + lifetimeSeconds)
    .sign(key.privateKey);
}

export function mintDelegatedToken(req: DelegatedTokenRequest, key: SigningKey, issuerBase: string) {
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
    key,
    issuerFor(issuerBase, req.tenantId),
    req.lifetimeSeconds,
  );
}

export function mintApplicationToken(req: ApplicationTokenRequest, key: SigningKey, issuerBase: string) {
  const spId = servicePrincipalId(req.tenantId, req.appId);
  return sign(
    { tid: req.tenantId, oid: spId, sub: spId, roles: req.roles, appid: req.appId, azp: req.appId, idtyp: 'app' },
    key,
    issuerFor(issuerBase, req.tenantId),
    req.lifetimeSeconds,
  );
}

/** Microsoft.IdentityModel's default clock skew, which Graph uses. */
const clockToleranceSeconds = 300;

export interface VerifiedToken {
  principal: Principal;
  /** Seconds since the epoch after which verification would fail: exp plus the clock tolerance. */
  acceptedUntil: number;
}

/**
 * Verifies signature (RS256 only), issuer, audience, exp and nbf, then reads the caller from the claims.
 * Every failure is a 401 InvalidAuthenticationToken whose message says what was wrong, never the token.
 */
export async function verifyAccessToken(token: string, key: SigningKey, issuerBase: string): Promise<VerifiedToken> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ['RS256'],
      audience: graphAudiences,
      clockTolerance: clockToleranceSeconds,
      requiredClaims: ['exp', 'tid', 'iss'],
    }));
  } catch (err) {
    throw invalidToken(describeJoseError(err));
  }
  const tid = payload.tid;
  if (!isGuid(tid)) throw invalidToken('Access token validation failure. The tid claim must be a tenant GUID.');
  if (payload.iss !== issuerFor(issuerBase, tid))
    throw invalidToken('Access token validation failure. Invalid issuer.');
  const tenantId = tid.toLowerCase();
  const acceptedUntil = (payload.exp as number) + clockToleranceSeconds;

  if (typeof payload.scp === 'string') {
    const oid = payload.oid;
    if (!isGuid(oid)) throw invalidToken('Access token validation failure. The oid claim must be a user object id.');
    const upn = stringClaim(payload.upn) ?? stringClaim(payload.preferred_username);
    return {
      acceptedUntil,
      principal: {
        kind: 'delegated',
        tenantId,
        userId: oid.toLowerCase(),
        userPrincipalName: upn,
        displayName: stringClaim(payload.name),
        appId: stringClaim(payload.appid) ?? stringClaim(payload.azp),
        scopes: new Set(payload.scp.split(' ').filter(Boolean)),
      },
    };
  }
  const appId = stringClaim(payload.appid) ?? stringClaim(payload.azp);
  if (Array.isArray(payload.roles) && appId) {
    return {
      acceptedUntil,
      principal: {
        kind: 'application',
        tenantId,
        appId,
        roles: new Set(payload.roles.filter((r): r is string => typeof r === 'string')),
      },
    };
  }
  throw invalidToken(
    'Access token validation failure. The token has neither delegated scopes (scp) nor application roles.',
  );
}

function stringClaim(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'Lifetime validation failed, the token is expired.';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'Lifetime validation failed, the token is not yet valid.';
    if (err.claim === 'aud') return 'Access token validation failure. Invalid audience.';
    return `Access token validation failure. Invalid or missing '${err.claim}' claim.`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return 'Access token validation failure. Unsupported signing algorithm.';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'Access token validation failure. Invalid signature.';
  return 'Access token validation failure. The token is not a well-formed JWT.';
}
