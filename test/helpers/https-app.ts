import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureLocalhostCertificate, readTlsFiles } from '../../src/tls/certificate.js';
import { startTestApp, type TestApp } from './test-app.js';

export interface HttpsTestApp {
  t: TestApp;
  baseUrl: string;
  /** The server's certificate, for NODE_EXTRA_CA_CERTS. */
  certFile: string;
  close(): Promise<void>;
}

/** The test app listening over https with a certificate generated as `serve --https` makes it. */
export async function startHttpsTestApp(): Promise<HttpsTestApp> {
  const certDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-tls-'));
  const files = await ensureLocalhostCertificate(certDir);
  const t = await startTestApp({ https: readTlsFiles(files) });
  const baseUrl = await t.listen();
  return {
    t,
    baseUrl,
    certFile: files.certFile,
    async close() {
      await t.close();
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a script of test/sdk/fixtures in its own process, as an app using an SDK would run: environment
 * variables such as NODE_EXTRA_CA_CERTS are only read when Node starts.
 */
export function runFixture(
  name: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = path.resolve(import.meta.dirname, '../sdk/fixtures', name);
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  // A fixture that hangs is killed, so the test fails instead of the whole run waiting.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}
