import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, type JWK, SignJWT } from 'jose';

/**
 * A second identity provider on 127.0.0.1, playing Entra ID for graphmeet's trusted-issuer support: per-tenant
 * OpenID configuration and a JWKS whose keys can be rotated. It counts how often its keys are fetched.
 */
export interface IdentityProvider {
  url: string;
  /** `{url}/{tenantid}/v2.0`, the issuer template graphmeet is told to trust. */
  issuerTemplate: string;
  jwksUri: string;
  keyFetches: () => number;
  /** A new signing key; `keep` leaves the old ones published too. Returns the new kid. */
  rotate(keep?: boolean): Promise<string>;
  sign(claims: Record<string, unknown>, options?: { kid?: string; key?: KeyObject }): Promise<string>;
  close(): Promise<void>;
}

export async function startIdentityProvider(): Promise<IdentityProvider> {
  let keys: { kid: string; privateKey: KeyObject; jwk: JWK }[] = [];
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '';
    const discovery = /^\/([0-9a-f-]{36})\/v2\.0\/\.well-known\/openid-configuration$/.exec(url);
    res.setHeader('content-type', 'application/json');
    if (discovery) {
      res.end(JSON.stringify({ issuer: `${base}/${discovery[1]}/v2.0`, jwks_uri: `${base}/discovery/keys` }));
    } else if (url === '/discovery/keys') {
      fetches++;
      res.end(JSON.stringify({ keys: keys.map((k) => k.jwk) }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const rotate = async (keep = false) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomUUID();
    const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
    keys = [...(keep ? keys : []), { kid, privateKey, jwk }];
    return kid;
  };
  await rotate();

  return {
    url: base,
    issuerTemplate: `${base}/{tenantid}/v2.0`,
    jwksUri: `${base}/discovery/keys`,
    keyFetches: () => fetches,
    rotate,
    async sign(claims, options = {}) {
      const current = keys[keys.length - 1] as (typeof keys)[number];
      const kid = options.kid ?? current.kid;
      const key = options.key ?? keys.find((k) => k.kid === kid)?.privateKey ?? current.privateKey;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iat: now, nbf: now, exp: now + 3600, ver: '2.0', ...claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
        .sign(key);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
