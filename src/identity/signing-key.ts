import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { readOrCreateFile } from './data-dir.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
}

export const signingKeyFileName = 'signing-key.pem';

/** The RSA key graphmeet signs its tokens with, kept in the data dir so the CLI and the server share it. */
export async function loadSigningKey(dataDir: string): Promise<SigningKey> {
  const pem = await readOrCreateFile(path.join(dataDir, signingKeyFileName), async () => {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    return privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  });
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, use: 'sig', alg: 'RS256' } };
}
