import { createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import selfsigned from 'selfsigned';
import { parseClientCertificate } from '../../src/domain/client-certificates.js';

/** A certificate an app would upload to its registration, with the private key it keeps. */
export interface AppCertificate {
  certPem: string;
  keyPem: string;
  x5t: string;
  x5tS256: string;
  thumbprint: string;
}

export async function newAppCertificate(validity: { notBefore?: Date; notAfter?: Date } = {}): Promise<AppCertificate> {
  const notBeforeDate = validity.notBefore ?? new Date(Date.now() - 60_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'graphmeet test app' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: validity.notAfter ?? new Date(notBeforeDate.getTime() + 365 * 86_400_000),
  });
  const parsed = parseClientCertificate(pems.cert);
  return { certPem: pems.cert, keyPem: pems.private, ...parsed };
}

/**
 * A client assertion as MSAL builds one: PS256 with the certificate's SHA-256 thumbprint (`x5t#S256`), or the
 * older RS256 with `x5t`; issuer and subject the app, audience the token endpoint, ten minutes of validity.
 */
export function clientAssertion(
  cert: AppCertificate,
  claims: { appId: string; audience: string },
  options: { alg?: 'PS256' | 'RS256'; signWith?: AppCertificate; expiresAt?: number; issuer?: string } = {},
): Promise<string> {
  const alg = options.alg ?? 'PS256';
  const now = Math.floor(Date.now() / 1000);
  const header = alg === 'PS256' ? { alg, typ: 'JWT', 'x5t#S256': cert.x5tS256 } : { alg, typ: 'JWT', x5t: cert.x5t };
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader(header)
    .setIssuer(options.issuer ?? claims.appId)
    .setSubject(options.issuer ?? claims.appId)
    .setAudience(claims.audience)
    .setNotBefore(now)
    .setExpirationTime(options.expiresAt ?? now + 600)
    .sign(createPrivateKey((options.signWith ?? cert).keyPem));
}
