import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export const tlsDirName = 'tls';

/**
 * A self-signed certificate for localhost, 127.0.0.1 and ::1, made once into <data-dir>/tls. Clients trust it
 * with NODE_EXTRA_CA_CERTS=<certFile>. The pair is written into a temporary directory and renamed into place,
 * so processes starting together never pair one's key with another's certificate.
 */
export async function ensureLocalhostCertificate(dataDir: string): Promise<TlsFiles> {
  const dir = path.join(dataDir, tlsDirName);
  const files = { certFile: path.join(dir, 'localhost-cert.pem'), keyFile: path.join(dir, 'localhost-key.pem') };
  if (existsSync(files.certFile) && existsSync(files.keyFile)) return files;

  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 825 * 86_400_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(tmp, 'localhost-key.pem'), pems.private, { mode: 0o600 });
  writeFileSync(path.join(tmp, 'localhost-cert.pem'), pems.cert, { mode: 0o644 });
  try {
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
  return files;
}

export function readTlsFiles(files: TlsFiles): { cert: string; key: string } {
  return { cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8') };
}
