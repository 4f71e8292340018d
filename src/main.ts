import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import { SettableClock } from './common/clock.js';
import { composeApp } from './compose.js';
import { type Config, ConfigError, usesTls } from './config/config.js';
import type { ClockState } from './domain/clock-control.js';
import type { DirectoryAdmin } from './domain/directory-admin.js';
import { parseDirectorySeed } from './domain/directory-seed.js';
import type { FaultRules } from './domain/fault-rules.js';
import { GraphError } from './graph/errors.js';
import { edgeLimitsOf } from './http/edge.js';
import { type AdminKey, loadAdminKey } from './identity/admin-key.js';
import { ensureWritableDir } from './identity/data-dir.js';
import { SigningKeyRing } from './identity/signing-key.js';
import { graphAudiences } from './identity/tokens.js';
import { openConfiguredStore } from './storage/open-configured-store.js';
import { sqliteFileName } from './storage/open-store.js';
import { ensureLocalhostCertificate, readTlsFiles } from './tls/certificate.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** config -> data dir, keys and store -> composeApp -> seed -> listen. */
export async function startServer(config: Config): Promise<RunningServer> {
  const logger = await createLogger(config);
  await faultAt(config, 'data dir', () => ensureWritableDir(config.dataDir));
  // graphmeet's own time: the store's setting is applied once the store is open (composeApp), --clock after that.
  const clock = new SettableClock();
  const { store, description } = await faultAt(config, 'database', () =>
    openConfiguredStore(config, {
      clock,
      server: true,
      onRetry: (err) => logger.warn(`the database cannot be reached yet (${err.message}); trying again`),
    }),
  );
  // A database this process can read but not write would answer every create with an error: refuse to start.
  const state = await store.readiness();
  if (!state.ready) {
    await store.close();
    throw new StartupFault(`${databaseName(config)} cannot be written: ${state.reason} ${writableFix(config)}`);
  }
  let signingKeys: SigningKeyRing;
  let adminKey: AdminKey;
  try {
    signingKeys = await SigningKeyRing.open(store.keys, {
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      clock,
    });
    adminKey = await loadAdminKey(store.keys, config.dataDir, { file: config.adminKeyFile, clock });
  } catch (err) {
    await store.close();
    throw err;
  }

  let tls: { cert: string; key: string } | undefined;
  let certFile: string | undefined;
  if (config.certFile && config.keyFile) {
    tls = readTlsFiles({ certFile: config.certFile, keyFile: config.keyFile });
    certFile = config.certFile;
  } else if (usesTls(config)) {
    const files = await ensureLocalhostCertificate(config.dataDir);
    tls = readTlsFiles(files);
    certFile = files.certFile;
  }

  let origin = '';
  const { app, services, refresh } = await composeApp({
    clock,
    store,
    signingKeys,
    issuer: config.issuer,
    adminKey,
    devTokens: config.devTokens,
    directoryMode: config.directory,
    ...(config.trustIssuers.length > 0
      ? {
          trustedIssuers: {
            issuers: config.trustIssuers,
            ...(config.trustJwksUri ? { jwksUri: config.trustJwksUri } : {}),
            audiences: config.trustAudiences.length > 0 ? config.trustAudiences : graphAudiences,
          },
        }
      : {}),
    publicUrl: () => config.publicUrl ?? origin,
    bodyLimit: config.bodyLimit,
    edge: edgeLimitsOf(config),
    fidelity: config.fidelity,
    joinLinkStyle: config.joinLinkStyle,
    explain: config.explain,
    throttle: config.throttle,
    inspectorSize: config.inspectorSize,
    tollNumber: config.tollNumber,
    tollFreeNumber: config.tollFreeNumber,
    logger,
    ...(tls ? { https: tls } : {}),
  });
  // Other nodes (and `graphmeet clock`) may move the shared clock: follow them within a second. While the database
  // cannot be reached, that is said once (readiness says the rest), not every second.
  let clockUnread = false;
  const clockSync = setInterval(() => {
    refresh().then(
      () => {
        clockUnread = false;
      },
      (err: Error) => {
        if (!clockUnread)
          logger.warn(`could not read the shared settings (clock, fault rules, throttling): ${err.message}`);
        clockUnread = true;
      },
    );
  }, 1000);
  clockSync.unref();
  try {
    if (config.clock === 'system') await services.clockControl.set({ mode: 'system' });
    else if (config.clock) await services.clockControl.setTo(config.clock.atMs, config.clock.frozen);
    if (config.seed) await loadSeed(services, config.seed, logger);
    if (config.devTokens) {
      logger.warn(
        '--dev-tokens: the token endpoint gives delegated tokens for directory users to anyone. Never use it outside development.',
      );
    }
    // The one line an operator reads at start: where to connect, where the data is, and the files they need.
    const summary = [
      `data: ${config.databaseUrl ? `PostgreSQL ${description}` : `SQLite in ${config.dataDir}`}`,
      `directory: ${config.directory}`,
      `admin key: ${adminKey.file ?? 'the one the database holds the digest of (from the node that started first)'}`,
      ...(certFile ? [`certificate: ${certFile} (trust it with NODE_EXTRA_CA_CERTS)`] : []),
      ...clockLine(services.clockControl.state()),
    ].join(' · ');
    let first = true;
    await faultAt(config, 'listen', () =>
      app.listen({
        host: config.host,
        port: config.port,
        // On 0.0.0.0 Fastify names every interface's address: the first line says it all, the others where else.
        listenTextResolver: (address) => {
          const line = first
            ? `graphmeet listening on ${address} · ${summary}`
            : `graphmeet also answers on ${address}`;
          first = false;
          return line;
        },
      }),
    );
  } catch (err) {
    clearInterval(clockSync);
    await app.close();
    await store.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  origin = `${tls ? 'https' : 'http'}://${urlHost(address)}:${address.port}`;
  // Fastify wrote the listening line at info; below info the operator still needs to know where we are.
  if (!logger.isLevelEnabled('info') && config.logLevel !== 'silent') {
    logger.child({}, { level: 'info' }).info(`graphmeet listening on ${origin}`);
  }

  return {
    url: origin,
    async close() {
      clearInterval(clockSync);
      await app.close(); // lets in-flight requests finish
      await store.close();
      logger.info('graphmeet stopped');
    },
  };
}

/** Said at start when graphmeet's time is not the machine's, which otherwise surprises. */
function clockLine(state: ClockState): string[] {
  if (state.mode === 'system') return [];
  return [`clock: ${state.dateTime}${state.mode === 'frozen' ? ' (stopped)' : ''}, not the machine's time`];
}

/**
 * JSON lines for collectors, or pino-pretty's lines for a person at a terminal (loaded only then). Pretty output is
 * written synchronously: a terminal is read by a person, not by a load test.
 */
async function createLogger(config: Config): Promise<pino.Logger> {
  const options = { level: config.logLevel, base: { service: 'graphmeet' } };
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true);
  if (!pretty) return pino(options, logDestination());
  const { default: prettyStream } = await import('pino-pretty');
  return pino(
    options,
    prettyStream({
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      // The request line reads as one: "request POST /v1.0/me/onlineMeetings 201 (3.1 ms)", its id beside it.
      messageFormat: '{msg}{if method} {method} {url} {status} ({ms} ms){end}',
      ignore: 'pid,hostname,service,method,url,status,ms',
      singleLine: true,
      sync: true,
    }),
  );
}

/**
 * The log is written asynchronously, so that a slow terminal or pipe never holds up requests, and in blocks of
 * 4 KB: a write per line went through libuv's thread pool and, measured under load, cost as much CPU as serving
 * the request. Lines wait at most half a second, and what is buffered is written when the process exits.
 */
function logDestination() {
  const destination = pino.destination({ sync: false, minLength: 4096 });
  setInterval(() => destination.flush(), 500).unref();
  return destination;
}

/** Applies the seed file before the server takes requests; a bad seed stops the start with its reason. */
async function loadSeed(
  { admin, faults }: { admin: DirectoryAdmin; faults: FaultRules },
  file: string,
  logger: pino.Logger,
): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`--seed ${file}: ${(err as Error).message}`);
  }
  try {
    const seed = parseDirectorySeed(parsed);
    const summary = await admin.importSeed(seed);
    const faultRules = await faults.seed(seed.faults ?? []);
    logger.info({ seed: file, ...summary, faultRules }, `directory seed ${file} loaded`);
  } catch (err) {
    if (err instanceof GraphError) throw new ConfigError(`--seed ${file}: ${err.message}`);
    throw err;
  }
}

/** A URL host for the address listened on; the wildcard addresses are reached through loopback. */
function urlHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/**
 * A start that cannot succeed until the operator changes something: the message names the cause and the fix, in one
 * line, for the terminal or the service log.
 */
export class StartupFault extends Error {}

type Stage = 'data dir' | 'database' | 'listen';

/** Runs one stage of the start; what it throws that has a known cause becomes a StartupFault. */
async function faultAt<T>(config: Config, stage: Stage, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asStartupFault(err, config, stage);
  }
}

const databaseName = (config: Config) =>
  config.databaseUrl ? 'the database' : `the database file ${path.join(config.dataDir, sqliteFileName)}`;

const writableFix = (config: Config) =>
  config.databaseUrl
    ? 'Point --database-url at a primary that accepts writes.'
    : `Make it and the data dir writable for this user, or choose another data dir with --data-dir.`;

/** The known ways a start fails, each as one line with its fix; anything else stays as it was thrown. */
function asStartupFault(err: unknown, config: Config, stage: Stage): unknown {
  const code = (err as { code?: unknown }).code;
  const dir = config.dataDir;
  const fault = (line: string) => new StartupFault(line, { cause: err });
  if (stage === 'data dir') {
    switch (code) {
      case 'ENOTDIR':
        return fault(`the data dir ${dir} cannot be made: part of its path is a file. Choose another with --data-dir.`);
      case 'EEXIST':
        return fault(`the data dir ${dir} is a file, not a directory. Choose another with --data-dir.`);
      case 'EACCES':
      case 'EPERM':
      case 'EROFS':
      case 'ENOENT':
        return fault(
          `the data dir ${dir} cannot be made or written (${code}). Make it writable for this user, or choose another with --data-dir.`,
        );
    }
  }
  if (stage === 'database' && typeof code === 'string') {
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      return fault(
        `${databaseName(config)} is not a SQLite database or is damaged (${code}). Move it away to start with an empty one, or restore it from a backup.`,
      );
    }
    const cannotWrite = ['SQLITE_CANTOPEN', 'SQLITE_PERM', 'EACCES', 'EPERM', 'EROFS'];
    if (code.startsWith('SQLITE_READONLY') || cannotWrite.includes(code)) {
      return fault(`${databaseName(config)} cannot be opened for writing (${code}). ${writableFix(config)}`);
    }
  }
  if (stage === 'listen') {
    const where = `port ${config.port} on ${config.host}`;
    switch (code) {
      case 'EADDRINUSE':
        return fault(
          `${where} is in use by another process. Stop it, or choose another port with --port (0 picks a free one).`,
        );
      case 'EACCES':
        return fault(`${where} needs privileges this process does not have. Choose a port above 1023 with --port.`);
      case 'EADDRNOTAVAIL':
        return fault(
          `${config.host} is not an address of this machine. Choose another with --host (0.0.0.0: all of them).`,
        );
    }
  }
  return err;
}

/**
 * Runs until SIGINT or SIGTERM, then shuts down gracefully. A repeated SIGTERM changes nothing (supervisors
 * resend it); a second Ctrl-C is a person asking to quit now.
 */
export async function runServer(config: Config): Promise<void> {
  const server = await startServer(config);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      if (signal === 'SIGINT') process.exit(130);
      return;
    }
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error(`graphmeet: shutdown after ${signal} failed:`, err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
