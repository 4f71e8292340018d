import {
  createRemoteJWKSet,
  decodeJwt,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  type KeyObject,
} from 'jose';
import type { Clock } from '../common/clock.js';
import { isGuid } from '../common/guid.js';
import { isLoopbackHost, withTenant } from '../common/urls.js';
import type { Principal } from '../domain/principal.js';
import { GraphError, invalidToken } from '../graph/errors.js';
import type { SigningKeyRing } from './signing-key.js';
import { graphAudiences, issuerFor } from './tokens.js';

/** Microsoft.IdentityModel's default clock skew, which Graph uses. */
export const clockToleranceSeconds = 300;

/**
 * Another identity provider whose tokens graphmeet accepts besides its own, e.g. Entra ID with issuer
 * `https://login.microsoftonline.com/{tenantid}/v2.0`. Its keys come from `jwksUri`, or else from the
 * `jwks_uri` of the issuer's OpenID configuration.
 */
export interface TrustedIssuers {
  issuers: string[];
  jwksUri?: string;
  /** The audiences its tokens must be for. */
  audiences: string[];
  /** Least time between two fetches of the key set when a token names a key it lacks (key rotation). */
  jwksCooldownMs?: number;
}

export interface VerifiedToken {
  principal: Principal;
  /** Seconds since the epoch after which verification would fail: exp plus the clock tolerance. */
  acceptedUntil: number;
}

interface KeySource {
  key: Promise<KeyObject | JWTVerifyGetKey>;
  issuer: string;
  audiences: string[];
}

/**
 * Verifies signature (RS256 only), issuer, audience, exp and nbf, then reads the caller from the claims.
 * The unverified `iss` only chooses which keys to check against; everything is then verified with those.
 * Every failure is a 401 InvalidAuthenticationToken whose message says what was wrong, never the token.
 */
export class TokenVerifier {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private readonly discovered = new Map<string, Promise<string>>();

  /**
   * `ownIssuerBases` are the bases of graphmeet's own issuers, all signing with `own`: the configured issuer
   * (tokens from `graphmeet token`) and the server's public URL (tokens from its token endpoint, whose OpenID
   * configuration must name an issuer on the same origin as the authority clients talk to).
   */
  constructor(
    private readonly own: SigningKeyRing,
    private readonly ownIssuerBases: () => string[],
    private readonly clock: Clock,
    private readonly trusted?: TrustedIssuers,
  ) {}

  async verify(token: string): Promise<VerifiedToken> {
    const source = this.keySourceFor(token);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await source.key, {
        algorithms: ['RS256'],
        issuer: source.issuer,
        audience: source.audiences,
        clockTolerance: clockToleranceSeconds,
        currentDate: new Date(this.clock.now()),
        requiredClaims: ['exp', 'tid', 'iss'],
      }));
    } catch (err) {
      if (err instanceof GraphError) throw err;
      throw invalidToken(describeJoseError(err)).explained(`token: ${explainJoseError(err, this.clock.now())}`);
    }
    return { principal: principalOf(payload), acceptedUntil: (payload.exp as number) + clockToleranceSeconds };
  }

  private keySourceFor(token: string): KeySource {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw invalidToken('Access token validation failure. The token is not a well-formed JWT.');
    }
    const { tid, iss } = claims;
    if (!isGuid(tid)) throw invalidToken('Access token validation failure. The tid claim must be a tenant GUID.');
    if (typeof iss === 'string' && this.ownIssuerBases().some((base) => issuerFor(base, tid) === iss)) {
      return { key: Promise.resolve(this.ownKey), issuer: iss, audiences: graphAudiences };
    }
    const trusted = this.trusted;
    const template = trusted?.issuers.find((t) => withTenant(t, tid) === iss);
    if (!trusted || !template || typeof iss !== 'string') {
      throw invalidToken('Access token validation failure. Invalid issuer.').explained(
        `token: its issuer ${JSON.stringify(iss)} is neither this server's own (${this.ownIssuerBases()
          .map((base) => issuerFor(base, tid))
          .join(' or ')}; --issuer must match graphmeet token's) nor a trusted one (--trust-issuer).`,
      );
    }
    return { key: this.remoteKeys(iss), issuer: iss, audiences: trusted.audiences };
  }

  /** graphmeet's own key that the token's header names (keys rotate; every node shares them). */
  private readonly ownKey: JWTVerifyGetKey = async (header) => {
    const key = await this.own.verificationKey(header.kid);
    if (!key)
      throw invalidToken(
        'Access token validation failure. The token is signed with a key the server does not know.',
      ).explained(
        `token: it was signed with key ${header.kid ?? '(no kid)'}, which this server does not have (graphmeet keys list shows its keys). It was likely minted with another data dir or database: use graphmeet token with this server's --data-dir or --database-url.`,
      );
    return key.publicKey;
  };

  private async remoteKeys(issuer: string): Promise<JWTVerifyGetKey> {
    const jwksUri = this.trusted?.jwksUri ?? (await this.discoverJwksUri(issuer));
    let keySet = this.keySets.get(jwksUri);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(jwksUri), {
        cooldownDuration: this.trusted?.jwksCooldownMs ?? 30_000,
        cacheMaxAge: 10 * 60_000,
        timeoutDuration: 5_000,
      });
      this.keySets.set(jwksUri, keySet);
    }
    return keySet;
  }

  /** The jwks_uri of the issuer's OpenID configuration, asked once per issuer (again after a failure). */
  private discoverJwksUri(issuer: string): Promise<string> {
    let found = this.discovered.get(issuer);
    if (!found) {
      found = fetchJwksUri(issuer);
      this.discovered.set(issuer, found);
      found.catch(() => this.discovered.delete(issuer));
    }
    return found;
  }
}

async function fetchJwksUri(issuer: string): Promise<string> {
  const unavailable = () =>
    invalidToken("Access token validation failure. The issuer's signing keys could not be retrieved.");
  try {
    const res = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(5_000),
      redirect: 'error',
    });
    if (!res.ok) throw unavailable();
    const { jwks_uri } = (await res.json()) as { jwks_uri?: unknown };
    if (typeof jwks_uri !== 'string') throw unavailable();
    const url = new URL(jwks_uri);
    if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) throw unavailable();
    return url.href;
  } catch {
    throw unavailable();
  }
}

/** Entra v2 tokens carry the client in `azp`, v1 tokens in `appid`; delegated tokens have `scp`. */
function principalOf(payload: JWTPayload): Principal {
  const tenantId = (payload.tid as string).toLowerCase();
  const appId = stringClaim(payload.appid) ?? stringClaim(payload.azp);
  if (typeof payload.scp === 'string') {
    const oid = payload.oid;
    if (!isGuid(oid)) throw invalidToken('Access token validation failure. The oid claim must be a user object id.');
    return {
      kind: 'delegated',
      tenantId,
      userId: oid.toLowerCase(),
      userPrincipalName: stringClaim(payload.upn) ?? stringClaim(payload.preferred_username),
      displayName: stringClaim(payload.name),
      appId,
      scopes: new Set(payload.scp.split(' ').filter(Boolean)),
    };
  }
  if (Array.isArray(payload.roles) && appId) {
    return {
      kind: 'application',
      tenantId,
      appId: appId.toLowerCase(),
      roles: new Set(payload.roles.filter((r): r is string => typeof r === 'string')),
    };
  }
  // Graph's own words for a token that grants nothing.
  throw invalidToken('Either scp or roles claim need to be present in the token.');
}

function stringClaim(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** What exactly failed, with the values involved, for explain mode. */
function explainJoseError(err: unknown, now: number): string {
  const at = (seconds: unknown) => (typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : 'unknown');
  if (err instanceof joseErrors.JWTExpired) {
    return `it expired at ${at(err.payload.exp)}; it is now ${new Date(now).toISOString()}. Get a new token.`;
  }
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return `it is valid from ${at(err.payload.nbf)} only (nbf).`;
    if (err.claim === 'aud') {
      return `its audience ${JSON.stringify(err.payload.aud)} is not one this server accepts (${graphAudiences.join(', ')}, or --trust-audience for trusted issuers).`;
    }
    return `its '${err.claim}' claim is missing or not accepted.`;
  }
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
    return 'its signature does not match the key its header names: the token was changed after it was signed.';
  }
  return describeJoseError(err);
}

function describeJoseError(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'Lifetime validation failed, the token is expired.';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'Lifetime validation failed, the token is not yet valid.';
    if (err.claim === 'aud') return 'Access token validation failure. Invalid audience.';
    if (err.claim === 'iss') return 'Access token validation failure. Invalid issuer.';
    return `Access token validation failure. Invalid or missing '${err.claim}' claim.`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed)
    return 'Access token validation failure. Unsupported signing algorithm.';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'Access token validation failure. Invalid signature.';
  if (err instanceof joseErrors.JWKSNoMatchingKey)
    return "Access token validation failure. The key the token names is not among the issuer's signing keys.";
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid)
    return "Access token validation failure. The issuer's signing keys could not be retrieved.";
  if (err instanceof joseErrors.JOSEError)
    return 'Access token validation failure. The token is not a well-formed JWT.';
  // Anything else came from fetching a trusted issuer's key set (network, DNS, TLS).
  return "Access token validation failure. The issuer's signing keys could not be retrieved.";
}
