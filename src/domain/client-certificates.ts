import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import { badRequest } from '../graph/errors.js';

/**
 * Certificate credentials, as an Entra app registration keeps them: only the public certificate is uploaded, and
 * the app proves itself with a client assertion (a JWT signed with the private key) whose header names the
 * certificate by thumbprint. graphmeet stores the PEM of the certificate and nothing private.
 */

export interface ClientCertificate {
  /** The certificate alone, as PEM. */
  pem: string;
  /** SHA-1 of the DER, upper-case hex: the thumbprint the Entra portal shows. */
  thumbprint: string;
  /** The same SHA-1, base64url: the `x5t` header of assertions signed with RS256. */
  x5t: string;
  /** SHA-256 of the DER, base64url: the `x5t#S256` header MSAL sends with PS256. */
  x5tS256: string;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
}

const pemCertificate = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/;

/** Reads a public certificate an administrator registers; refuses anything private or not an RSA certificate. */
export function parseClientCertificate(text: string): ClientCertificate {
  if (/PRIVATE KEY/.test(text)) {
    throw badRequest(
      'The certificate contains a private key. Register only the public certificate (the .cer/.pem); the private key stays with the app.',
    );
  }
  const pem = pemCertificate.exec(text)?.[0];
  let cert: X509Certificate | undefined;
  try {
    cert = pem === undefined ? undefined : new X509Certificate(pem);
  } catch {
    cert = undefined;
  }
  if (!pem || !cert) {
    throw badRequest('The certificate is not a PEM X.509 certificate (-----BEGIN CERTIFICATE----- ...).');
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    throw badRequest('The certificate must hold an RSA key: client assertions are signed with RS256 or PS256.');
  }
  const sha1 = createHash('sha1').update(cert.raw).digest();
  return {
    pem,
    thumbprint: sha1.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: createHash('sha256').update(cert.raw).digest('base64url'),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    publicKey: cert.publicKey,
  };
}
