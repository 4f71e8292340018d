import { homedir } from 'node:os';
import path from 'node:path';
import { isLoopbackHost, withTenant } from '../common/urls.js';

/**
 * The one place that knows every setting: its CLI flag, its environment variable, its default and what it
 * means. Entry points hand their parsed flags and `process.env` to `loadConfig`; nothing else reads the env.
 */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  databaseConnectTimeout: number;
  databaseStatementTimeout: number;
  databaseStartupWait: number;
  publicUrl: string | undefined;
  https: boolean;
  certFile: string | undefined;
  keyFile: string | undefined;
  issuer: string;
  logLevel: string;
  logFormat: 'auto' | 'json' | 'pretty';
  bodyLimit: number;
  headerTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  maxConcurrentRequests: number;
  maxEventLoopDelay: number;
  tollNumber: string;
  tollFreeNumber: string;
  seed: string | undefined;
  adminKeyFile: string | undefined;
  clock: { atMs: number; frozen: boolean } | 'system' | undefined;
  directory: 'open' | 'closed';
  fidelity: 'observed' | 'schema';
  joinLinkStyle: 'classic' | 'short';
  explain: boolean;
  throttle: 'graph' | 'off';
  inspectorSize: number;
  devTokens: boolean;
  trustIssuers: string[];
  trustJwksUri: string | undefined;
  trustAudiences: string[];
}

type Parser<T> = (raw: string, name: string) => T;

export interface Setting<K extends keyof Config = keyof Config> {
  key: K;
  /** commander flag spec, e.g. `--port <n>` */
  flag: string;
  env: string;
  /** Further environment variables read when `env` is not set, in this order (a convention of other tools). */
  alsoEnv?: string[];
  default: Config[K];
  /** A default that depends on the environment (e.g. the per-user data directory), shown as `default` in help. */
  defaultFrom?: (env: NodeJS.ProcessEnv) => Config[K];
  doc: string;
  parse: Parser<Config[K]>;
}

export class ConfigError extends Error {}

const text: Parser<string> = (raw) => raw;
const optionalText: Parser<string | undefined> = (raw) => (raw === '' ? undefined : raw);

const integer =
  (min: number, max: number): Parser<number> =>
  (raw, name) => {
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got '${raw}'`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
    return n;
  };

/** One of a few words, e.g. `open` or `closed`. */
const oneOf =
  <const T extends string>(...values: T[]): Parser<T> =>
  (raw, name) => {
    if (!(values as string[]).includes(raw))
      throw new ConfigError(`${name} must be ${values.join(' or ')}, got '${raw}'`);
    return raw as T;
  };

const boolean: Parser<boolean> = (raw, name) => {
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, got '${raw}'`);
};

/** `system`, or a date-time with a zone, optionally followed by ` frozen`. */
const clockStart: Parser<Config['clock']> = (raw, name) => {
  const value = raw.trim();
  if (value === '') return undefined;
  if (value.toLowerCase() === 'system') return 'system';
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d{1,7})?)?(?:Z|[+-]\d\d:\d\d))(\s+frozen)?$/i.exec(value);
  const atMs = m ? Date.parse(m[1] as string) : Number.NaN;
  if (!m || Number.isNaN(atMs)) {
    throw new ConfigError(
      `${name} must be a date-time with a zone (e.g. 2026-05-04T09:00:00Z, optionally followed by ' frozen') or 'system', got '${raw}'`,
    );
  }
  return { atMs, frozen: m[2] !== undefined };
};

const httpUrl: Parser<string | undefined> = (raw, name) => {
  if (raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http or https URL, got '${raw}'`);
  }
  if (url.search || url.hash) throw new ConfigError(`${name} must not have a query or fragment`);
  return url.href.replace(/\/+$/, '');
};

/** A PostgreSQL connection URL. It may hold a password, so a message about it never repeats it. */
const postgresUrl: Parser<string | undefined> = (raw, name) => {
  if (raw === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    throw new ConfigError(`${name} must be a postgres:// or postgresql:// URL`);
  }
  return raw;
};

const requiredHttpUrl: Parser<string> = (raw, name) => {
  const url = httpUrl(raw, name);
  if (url === undefined) throw new ConfigError(`${name} must not be empty`);
  return url;
};

/** https, or plain http to this machine only (a local identity provider, tests). */
const secureUrl = (raw: string, name: string): URL => {
  let url: URL;
  try {
    url = new URL(withTenant(raw, '00000000-0000-0000-0000-000000000000'));
  } catch {
    throw new ConfigError(`${name} must be an absolute URL, got '${raw}'`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigError(`${name} must be an https URL (plain http only for localhost), got '${raw}'`);
  }
  return url;
};

/** A list given as words separated by spaces or commas, as flags and env vars take lists. */
export const list = (raw: string) => raw.split(/[\s,]+/).filter(Boolean);

const issuerList: Parser<string[]> = (raw, name) =>
  list(raw).map((issuer) => {
    secureUrl(issuer, name);
    return issuer;
  });

function setting<K extends keyof Config>(s: Setting<K>): Setting<K> {
  return s;
}

export const settings = {
  host: setting({
    key: 'host',
    flag: '--host <address>',
    env: 'GRAPHMEET_HOST',
    default: '127.0.0.1',
    doc: 'Address to listen on. Use 0.0.0.0 to accept connections from other machines.',
    parse: text,
  }),
  port: setting({
    key: 'port',
    flag: '--port <n>',
    env: 'GRAPHMEET_PORT',
    default: 7878,
    doc: 'TCP port to listen on; 0 picks a free port (the log line shows which).',
    parse: integer(0, 65535),
  }),
  dataDir: setting({
    key: 'dataDir',
    flag: '--data-dir <dir>',
    env: 'GRAPHMEET_DATA_DIR',
    default: '$XDG_DATA_HOME/graphmeet or ~/.local/share/graphmeet',
    defaultFrom: userDataDir,
    doc: 'Directory for the SQLite database (meetings, directory, token signing keys), the admin key and the generated TLS certificate. Created on first start.',
    parse: text,
  }),
  databaseUrl: setting({
    key: 'databaseUrl',
    flag: '--database-url <url>',
    env: 'GRAPHMEET_DATABASE_URL',
    alsoEnv: ['DATABASE_URL'],
    default: undefined,
    doc: 'PostgreSQL to keep meetings and the directory in (postgres://user:password@host:5432/db), so that several nodes can share them. Default: SQLite in the data dir.',
    parse: postgresUrl,
  }),
  databasePoolSize: setting({
    key: 'databasePoolSize',
    flag: '--database-pool-size <n>',
    env: 'GRAPHMEET_DATABASE_POOL_SIZE',
    default: 10,
    doc: 'With --database-url: connections each node keeps open at most (nodes × this must stay under the server’s max_connections).',
    parse: integer(1, 1000),
  }),
  databaseConnectTimeout: setting({
    key: 'databaseConnectTimeout',
    flag: '--database-connect-timeout <ms>',
    env: 'GRAPHMEET_DATABASE_CONNECT_TIMEOUT',
    default: 2000,
    doc: 'With --database-url: how long a request waits for a database connection before it gets 503 with Retry-After.',
    parse: integer(100, 60_000),
  }),
  databaseStatementTimeout: setting({
    key: 'databaseStatementTimeout',
    flag: '--database-statement-timeout <ms>',
    env: 'GRAPHMEET_DATABASE_STATEMENT_TIMEOUT',
    default: 5000,
    doc: 'With --database-url: the longest one SQL statement may run before the database cancels it (the request gets 503).',
    parse: integer(100, 600_000),
  }),
  databaseStartupWait: setting({
    key: 'databaseStartupWait',
    flag: '--database-startup-wait <seconds>',
    env: 'GRAPHMEET_DATABASE_STARTUP_WAIT',
    default: 30,
    doc: 'With --database-url: how long a starting node keeps retrying a database it cannot reach before it gives up (0: no retry).',
    parse: integer(0, 3600),
  }),
  publicUrl: setting({
    key: 'publicUrl',
    flag: '--public-url <url>',
    env: 'GRAPHMEET_PUBLIC_URL',
    default: undefined,
    doc: "Origin used in joinWebUrl, dial-in and @odata.context links. Default: the server's own listening origin.",
    parse: httpUrl,
  }),
  https: setting({
    key: 'https',
    flag: '--https',
    env: 'GRAPHMEET_HTTPS',
    default: false,
    doc: 'Serve HTTPS with a self-signed certificate for localhost/127.0.0.1/::1, generated into <data-dir>/tls on first use.',
    parse: boolean,
  }),
  certFile: setting({
    key: 'certFile',
    flag: '--cert <file>',
    env: 'GRAPHMEET_TLS_CERT',
    default: undefined,
    doc: 'PEM certificate (chain) to serve HTTPS with; needs --key. Implies HTTPS.',
    parse: optionalText,
  }),
  keyFile: setting({
    key: 'keyFile',
    flag: '--key <file>',
    env: 'GRAPHMEET_TLS_KEY',
    default: undefined,
    doc: 'PEM private key for --cert.',
    parse: optionalText,
  }),
  issuer: setting({
    key: 'issuer',
    flag: '--issuer <url>',
    env: 'GRAPHMEET_ISSUER',
    default: 'https://login.graphmeet.local',
    doc: "Base of the issuer of graphmeet's own tokens; a token for tenant T carries iss '<issuer>/T/v2.0'. Server and `graphmeet token` must agree.",
    parse: requiredHttpUrl,
  }),
  logLevel: setting({
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'GRAPHMEET_LOG_LEVEL',
    default: 'info',
    doc: 'pino log level: fatal, error, warn, info, debug, trace or silent. One line per request is logged at info.',
    parse: (raw, name) => {
      const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
      if (!levels.includes(raw)) throw new ConfigError(`${name} must be one of ${levels.join(', ')}`);
      return raw;
    },
  }),
  logFormat: setting({
    key: 'logFormat',
    flag: '--log-format <format>',
    env: 'GRAPHMEET_LOG_FORMAT',
    default: 'auto',
    doc: 'json: one JSON object per line (for log collectors). pretty: coloured lines with local times, for a person. auto: pretty when standard output is a terminal, else json.',
    parse: oneOf('auto', 'json', 'pretty'),
  }),
  bodyLimit: setting({
    key: 'bodyLimit',
    flag: '--body-limit <bytes>',
    env: 'GRAPHMEET_BODY_LIMIT',
    default: 1_048_576,
    doc: 'Largest request body accepted, in bytes; larger bodies get 413.',
    parse: integer(1024, 100 * 1_048_576),
  }),
  headerTimeout: setting({
    key: 'headerTimeout',
    flag: '--header-timeout <seconds>',
    env: 'GRAPHMEET_HEADER_TIMEOUT',
    default: 10,
    doc: 'A client must send a request’s headers within this many seconds of connecting (or of starting the request); else it gets 408 and is disconnected.',
    parse: integer(1, 3600),
  }),
  requestTimeout: setting({
    key: 'requestTimeout',
    flag: '--request-timeout <seconds>',
    env: 'GRAPHMEET_REQUEST_TIMEOUT',
    default: 30,
    doc: 'A client must send a whole request, body included, within this many seconds; else it gets 408 and is disconnected.',
    parse: integer(1, 3600),
  }),
  keepAliveTimeout: setting({
    key: 'keepAliveTimeout',
    flag: '--keep-alive-timeout <seconds>',
    env: 'GRAPHMEET_KEEP_ALIVE_TIMEOUT',
    default: 72,
    doc: 'A kept-alive connection with no request for this many seconds is closed. Keep it above your load balancer’s idle timeout (nginx and most cloud balancers: 60 s), so that the balancer closes first.',
    parse: integer(1, 3600),
  }),
  maxConcurrentRequests: setting({
    key: 'maxConcurrentRequests',
    flag: '--max-concurrent-requests <n>',
    env: 'GRAPHMEET_MAX_CONCURRENT_REQUESTS',
    default: 256,
    doc: 'Requests served at once at most; past it, requests get 503 with Retry-After at once instead of queueing, so that the latency of those served stays bounded (0: no limit).',
    parse: integer(0, 1_000_000),
  }),
  maxEventLoopDelay: setting({
    key: 'maxEventLoopDelay',
    flag: '--max-event-loop-delay <ms>',
    env: 'GRAPHMEET_MAX_EVENT_LOOP_DELAY',
    default: 1000,
    doc: 'When the process’s event loop lags more than this (the CPU is starved), requests get 503 with Retry-After until it catches up (0: never).',
    parse: integer(0, 60_000),
  }),
  tollNumber: setting({
    key: 'tollNumber',
    flag: '--toll-number <number>',
    env: 'GRAPHMEET_TOLL_NUMBER',
    default: '+1 425-555-0100',
    doc: 'Dial-in toll number shown in audioConferencing and joinInformation.',
    parse: text,
  }),
  tollFreeNumber: setting({
    key: 'tollFreeNumber',
    flag: '--toll-free-number <number>',
    env: 'GRAPHMEET_TOLL_FREE_NUMBER',
    default: '+1 800-555-0100',
    doc: 'Dial-in toll-free number shown in audioConferencing; empty for none.',
    parse: text,
  }),
  seed: setting({
    key: 'seed',
    flag: '--seed <file>',
    env: 'GRAPHMEET_SEED',
    default: undefined,
    doc: 'Directory seed (JSON: tenants, users, applications, application access policies) loaded at start. Loading is idempotent and only adds or updates.',
    parse: optionalText,
  }),
  clock: setting({
    key: 'clock',
    flag: '--clock <dateTime>',
    env: 'GRAPHMEET_CLOCK',
    default: undefined,
    doc: "Start graphmeet's time (not the machine's) at this moment, e.g. 2026-05-04T09:00:00Z; add ' frozen' to stop it there, or say 'system' for the machine's time. Kept in the database, so every node and command follows it; the admin API (/_graphmeet/clock) and `graphmeet clock` move it later. Default: the time the database keeps (the machine's, unless set).",
    parse: clockStart,
  }),
  adminKeyFile: setting({
    key: 'adminKeyFile',
    flag: '--admin-key-file <file>',
    env: 'GRAPHMEET_ADMIN_KEY_FILE',
    default: undefined,
    doc: 'File holding the admin API key (at least 32 characters); created with a random key if missing. Default: <data-dir>/admin-key.',
    parse: optionalText,
  }),
  directory: setting({
    key: 'directory',
    flag: '--directory <mode>',
    env: 'GRAPHMEET_DIRECTORY',
    default: 'open',
    doc: 'open: a signed-in user unknown to the directory is added on first use. closed: only users an administrator added may call.',
    parse: oneOf('open', 'closed'),
  }),
  fidelity: setting({
    key: 'fidelity',
    flag: '--fidelity <mode>',
    env: 'GRAPHMEET_FIDELITY',
    default: 'observed',
    doc: 'observed: answers carry what the real service sends beyond the published schema (autoAdmittedUsers, producers and contributors, the organizer identity’s applicationInstance). schema: only what the CSDL declares.',
    parse: (raw, name) => {
      if (raw !== 'observed' && raw !== 'schema')
        throw new ConfigError(`${name} must be observed or schema, got '${raw}'`);
      return raw;
    },
  }),
  joinLinkStyle: setting({
    key: 'joinLinkStyle',
    flag: '--join-link-style <style>',
    env: 'GRAPHMEET_JOIN_LINK_STYLE',
    default: 'classic',
    doc: 'The joinWebUrl of new meetings. classic: <public-url>/l/meetup-join/{thread}/0?context=…; short: <public-url>/meet/{joinMeetingId}?p={token}, the form Teams hands out since 2026. Lookups take either form for every meeting.',
    parse: oneOf('classic', 'short'),
  }),
  explain: setting({
    key: 'explain',
    flag: '--explain',
    env: 'GRAPHMEET_EXPLAIN',
    default: false,
    doc: 'Every 4xx answer keeps Graph’s body and adds a header, x-graphmeet-explain, naming the rule that refused the request and how to satisfy it. Without it, a request asks for this with x-graphmeet-explain: true.',
    parse: boolean,
  }),
  throttle: setting({
    key: 'throttle',
    flag: '--throttle <mode>',
    env: 'GRAPHMEET_THROTTLE',
    default: 'off',
    doc: 'graph: answer 429 with Retry-After past the limits Microsoft documents (2,000 meetings per organizer each month; requests per app per tenant and per app across tenants per window), counted in the database so nodes share them. off: no limits. A tenant can have its own setting and limits through the admin API.',
    parse: oneOf('graph', 'off'),
  }),
  inspectorSize: setting({
    key: 'inspectorSize',
    flag: '--inspector-size <n>',
    env: 'GRAPHMEET_INSPECTOR_SIZE',
    default: 1000,
    doc: 'How many of the latest requests apps made each node keeps for the request inspector (admin API and console), in memory, secrets taken out when shown; 0 keeps none.',
    parse: integer(0, 100_000),
  }),
  devTokens: setting({
    key: 'devTokens',
    flag: '--dev-tokens',
    env: 'GRAPHMEET_DEV_TOKENS',
    default: false,
    doc: 'Development only: the token endpoint also serves the password grant, giving delegated tokens for directory users with any password.',
    parse: boolean,
  }),
  trustIssuers: setting({
    key: 'trustIssuers',
    flag: '--trust-issuer <urls>',
    env: 'GRAPHMEET_TRUST_ISSUER',
    default: [],
    doc: "Issuers whose tokens are accepted besides graphmeet's own, space or comma separated; {tenantid} stands for the token's tid, e.g. https://login.microsoftonline.com/{tenantid}/v2.0.",
    parse: issuerList,
  }),
  trustJwksUri: setting({
    key: 'trustJwksUri',
    flag: '--trust-jwks-uri <url>',
    env: 'GRAPHMEET_TRUST_JWKS_URI',
    default: undefined,
    doc: "JWKS of the trusted issuers. Default: the jwks_uri of each issuer's /.well-known/openid-configuration.",
    parse: (raw, name) => (raw === '' ? undefined : secureUrl(raw, name).href),
  }),
  trustAudiences: setting({
    key: 'trustAudiences',
    flag: '--trust-audience <audiences>',
    env: 'GRAPHMEET_TRUST_AUDIENCE',
    default: [],
    doc: "Audiences that tokens of trusted issuers must name, space or comma separated. Default: Graph's (https://graph.microsoft.com and its app id).",
    parse: list,
  }),
} satisfies { [K in keyof Config]: Setting<K> };

export type SettingName = keyof typeof settings;

/**
 * Resolves every setting: an explicit flag wins over the environment, which wins over the default.
 * `flags` holds raw strings (or `true` for boolean switches) as commander hands them over.
 */
export function loadConfig(
  flags: Partial<Record<keyof Config, string | boolean | undefined>>,
  env: NodeJS.ProcessEnv,
): Config {
  const out: Record<string, unknown> = {};
  for (const s of Object.values(settings) as Setting[]) {
    const flag = flags[s.key];
    // An empty variable counts as unset, as shells and compose files leave them (`GRAPHMEET_DATA_DIR=${DIR:-}`).
    const envName = [s.env, ...(s.alsoEnv ?? [])].find((name) => env[name] !== undefined && env[name] !== '') ?? s.env;
    const raw =
      flag === undefined ? env[envName] || undefined : flag === true ? 'true' : flag === false ? 'false' : flag;
    const fallback = s.defaultFrom ? s.defaultFrom(env) : s.default;
    out[s.key] =
      raw === undefined ? fallback : s.parse(raw, flag === undefined ? envName : (s.flag.split(' ')[0] as string));
  }
  const config = out as unknown as Config;
  if ((config.certFile === undefined) !== (config.keyFile === undefined)) {
    throw new ConfigError('--cert and --key must be given together');
  }
  if (config.trustIssuers.length === 0 && (config.trustJwksUri || config.trustAudiences.length > 0)) {
    throw new ConfigError('--trust-jwks-uri and --trust-audience need --trust-issuer');
  }
  if (config.headerTimeout > config.requestTimeout) {
    throw new ConfigError('--header-timeout must not be longer than --request-timeout');
  }
  config.dataDir = path.resolve(config.dataDir);
  return config;
}

/**
 * The per-user data directory of the XDG base directory spec, as other tools on Linux and macOS use it:
 * `$XDG_DATA_HOME/graphmeet` when that is an absolute path, else `~/.local/share/graphmeet`. The server then runs
 * from any directory and every command finds the same data.
 */
export function userDataDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || homedir(), '.local', 'share');
  return path.join(base, 'graphmeet');
}

export function usesTls(config: Config): boolean {
  return config.https || config.certFile !== undefined;
}
