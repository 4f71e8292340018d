import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { mintApplicationToken, mintDelegatedToken } from '../src/identity/tokens.js';
import { dataDirSigningKey, pgQuery } from '../test/helpers/database.js';
import { preloadMeetings } from './preload.js';
import { type PeakMemory, type Running, startProcess, stopAllOnExit } from './processes.js';

/**
 * `npm run bench`: graphmeet side by side with the ceiling (bare node:http on this machine) and the peer (Prism
 * mocking create), in one run, targets alternating, each measured `--repeats` times at `--connections`; the table
 * gives medians and ratios measured in this same run. Loopback only; every process it starts is stopped at the end.
 * `--smoke` runs everything for a moment, so that the test suite keeps the harness working.
 */

const root = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    preload: { type: 'string', default: '0' },
    only: { type: 'string' },
    'from-source': { type: 'boolean', default: false },
    out: { type: 'string' },
    'database-url': { type: 'string' },
  },
});
const smoke = args.smoke;
const duration = smoke ? 1 : Number(args.duration);
const warmup = smoke ? 0 : Number(args.warmup);
const repeats = smoke ? 1 : Math.max(2, Number(args.repeats));
const connections = Number(args.connections);
const preload = Number(args.preload);
const only = args.only?.split(',');
const out = args.out ?? path.join(root, 'bench/results', smoke ? 'smoke.json' : 'latest.json');
const issuer = 'https://login.graphmeet.local';
/** A PostgreSQL server to bench on too: the bench makes a database of its own there, and drops it at the end. */
const postgresServer = args['database-url'];

interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
}

interface Target {
  name: string;
  /** `withConnections`: instead of `--connections` (two nodes loaded at once share them). */
  measure(seconds: number, withConnections?: number): Promise<Measurement>;
  /** The goal for its ratio to the ceiling and to the peer, and for its p99. */
  goal?: { ceiling?: number; peer?: number; p99?: number };
}

const work = mkdtempSync(path.join(os.tmpdir(), 'graphmeet-bench-'));
const processes: Running[] = [];
stopAllOnExit(processes);

function start(name: string, command: string, argv: string[]) {
  return startProcess(command, argv, { logFile: path.join(work, `${name}.log`) }).then((p) => {
    processes.push(p);
    return p;
  });
}

function graphmeetCommand(dataDir: string, databaseUrl?: string): [string, string[]] {
  const serve = [
    'serve',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    ...(databaseUrl ? ['--database-url', databaseUrl] : []),
  ];
  return smoke || args['from-source']
    ? [process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/run.ts'), ...serve]]
    : [process.execPath, [path.join(root, 'dist/cli/run.js'), ...serve]];
}

/** One autocannon run; throughput counts 2xx answers only. */
async function load(options: autocannon.Options, seconds: number, withConnections = connections): Promise<Measurement> {
  const result = await autocannon({ connections: withConnections, duration: seconds, ...options });
  const ok = result['2xx'];
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

function httpTarget(name: string, options: () => autocannon.Options, goal?: Target['goal']): Target {
  return {
    name,
    ...(goal ? { goal } : {}),
    async measure(seconds, withConnections) {
      if (warmup > 0) await load(options(), warmup, withConnections);
      return load(options(), seconds, withConnections);
    },
  };
}

/** Round-robin over `items`, for requests that each need another meeting. */
function rotating<T>(items: T[]) {
  let i = 0;
  return () => items[i++ % items.length] as T;
}

const createBody = JSON.stringify({
  subject: 'Design review',
  startDateTime: '2026-12-01T10:00:00-08:00',
  endDateTime: '2026-12-01T11:00:00-08:00',
});

interface Graphmeet {
  server: Running;
  dataDir: string;
  user: { tenantId: string; id: string };
  userToken: string;
  appToken: string;
  meetings: { id: string; joinWebUrl: string }[];
  createAnswerBytes: number;
}

/** A graphmeet with a user, an app allowed to act for the user, and meetings to read and change. */
async function startGraphmeet(dataDir: string, databaseUrl?: string): Promise<Graphmeet> {
  const [command, argv] = graphmeetCommand(dataDir, databaseUrl);
  const server = await start(`graphmeet-${path.basename(dataDir)}`, command, argv);
  const key = await dataDirSigningKey(dataDir, databaseUrl);
  const user = { tenantId: randomUUID(), id: randomUUID() };
  const userToken = await mintDelegatedToken(
    {
      ...user,
      userId: user.id,
      userPrincipalName: 'ada@contoso.test',
      scopes: ['OnlineMeetings.ReadWrite'],
      lifetimeSeconds: 86_400,
    },
    key,
    issuer,
  );
  const post = async (url: string, token: string, body: unknown, method = 'POST') => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const first = await fetch(`${server.url}/v1.0/me/onlineMeetings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${userToken}`, 'content-type': 'application/json' },
    body: createBody,
  });
  const createAnswerBytes = (await first.text()).length;

  const adminKey = readFileSync(path.join(dataDir, 'admin-key'), 'utf8').trim();
  const tenant = `/_graphmeet/tenants/${user.tenantId}`;
  const app = await post(`${tenant}/applications`, adminKey, { displayName: 'bench' });
  await post(`${tenant}/applicationAccessPolicies`, adminKey, { name: 'bench', appIds: [app.appId] });
  await post(`${tenant}/applicationAccessPolicyGrants/${user.id}`, adminKey, { policyName: 'bench' }, 'PUT');
  const appToken = await mintApplicationToken(
    {
      tenantId: user.tenantId,
      appId: app.appId as string,
      roles: ['OnlineMeetings.ReadWrite.All'],
      lifetimeSeconds: 86_400,
    },
    key,
    issuer,
  );
  const meetings: Graphmeet['meetings'] = [];
  for (let i = 0; i < (smoke ? 100 : 500); i++) {
    const m = await post('/v1.0/me/onlineMeetings', userToken, { subject: `pool ${i}` });
    meetings.push({ id: m.id as string, joinWebUrl: m.joinWebUrl as string });
  }
  await post('/v1.0/me/onlineMeetings/createOrGet', userToken, { externalId: 'bench-existing' });
  return { server, dataDir, user, userToken, appToken, meetings, createAnswerBytes };
}

function graphmeetTargets(g: Graphmeet, suffix = ''): Target[] {
  const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
  const byId = rotating(g.meetings);
  const byLink = rotating(g.meetings);
  const toPatch = rotating(g.meetings);
  const meetingsUrl = `${g.server.url}/v1.0/me/onlineMeetings`;
  return [
    httpTarget(
      `graphmeet create${suffix}`,
      () => ({ url: meetingsUrl, method: 'POST', headers: json(g.userToken), body: createBody }),
      { ceiling: 0.15, peer: 4, p99: 10 },
    ),
    httpTarget(
      `graphmeet createOrGet, new key${suffix}`,
      () => ({
        url: `${meetingsUrl}/createOrGet`,
        method: 'POST',
        headers: json(g.userToken),
        requests: [
          { setupRequest: (req) => ({ ...req, body: JSON.stringify({ externalId: randomUUID(), subject: 'x' }) }) },
        ],
      }),
      { p99: 10 },
    ),
    httpTarget(
      `graphmeet createOrGet, existing key${suffix}`,
      () => ({
        url: `${meetingsUrl}/createOrGet`,
        method: 'POST',
        headers: json(g.userToken),
        body: JSON.stringify({ externalId: 'bench-existing' }),
      }),
      { ceiling: 0.3, p99: 10 },
    ),
    httpTarget(
      `graphmeet GET by id${suffix}`,
      () => ({
        url: meetingsUrl,
        headers: json(g.userToken),
        requests: [
          { setupRequest: (req) => ({ ...req, path: `/v1.0/me/onlineMeetings/${encodeURIComponent(byId().id)}` }) },
        ],
      }),
      { ceiling: 0.35, p99: 10 },
    ),
    httpTarget(
      `graphmeet GET by JoinWebUrl${suffix}`,
      () => ({
        url: meetingsUrl,
        headers: json(g.userToken),
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              path: `/v1.0/me/onlineMeetings?$filter=${encodeURIComponent(`JoinWebUrl eq '${byLink().joinWebUrl}'`)}`,
            }),
          },
        ],
      }),
      { ceiling: 0.35, p99: 10 },
    ),
    httpTarget(
      `graphmeet PATCH${suffix}`,
      () => ({
        url: meetingsUrl,
        method: 'PATCH',
        headers: json(g.userToken),
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              path: `/v1.0/me/onlineMeetings/${encodeURIComponent(toPatch().id)}`,
              body: JSON.stringify({ subject: `changed ${randomUUID().slice(0, 8)}` }),
            }),
          },
        ],
      }),
      { ceiling: 0.12, p99: 10 },
    ),
    httpTarget(
      `graphmeet create, app token${suffix}`,
      () => ({
        url: `${g.server.url}/v1.0/users/${g.user.id}/onlineMeetings`,
        method: 'POST',
        headers: json(g.appToken),
        body: createBody,
      }),
      { p99: 10 },
    ),
  ];
}

function storageProbe(): Target[] {
  let last: Promise<{ insertPerSecond: number; selectPerSecond: number }> | undefined;
  const probe = (seconds: number) => {
    last = (async () => {
      const { execFile } = await import('node:child_process');
      const { promisify } = await import('node:util');
      const { stdout } = await promisify(execFile)(process.execPath, [
        '--import',
        'tsx',
        path.join(root, 'bench/storage-probe.ts'),
        String(seconds),
      ]);
      return JSON.parse(stdout);
    })();
    return last;
  };
  const row = (rps: number): Measurement => ({ rps, p50: 0, p99: 0, max: 0, errors: 0 });
  return [
    { name: 'storage probe: insert (no HTTP)', measure: async (s) => row((await probe(s)).insertPerSecond) },
    // The same probe run measured both; the select figure is read from it.
    {
      name: 'storage probe: select by key (no HTTP)',
      measure: async () => row((await (last as Promise<{ selectPerSecond: number }>)).selectPerSecond),
    },
  ];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

async function main() {
  const began = Date.now();
  const gm = await startGraphmeet(path.join(work, 'empty'));
  const postgres = postgresServer ? await startPostgresNodes(postgresServer) : undefined;
  const ceiling = await start('ceiling', process.execPath, [
    '--import',
    'tsx',
    path.join(root, 'bench/ceiling-server.ts'),
    String(gm.createAnswerBytes),
  ]);
  const prism = await start('prism', path.join(root, 'node_modules/.bin/prism'), [
    'mock',
    '-h',
    '127.0.0.1',
    '-p',
    String(20_000 + Math.floor(Math.random() * 20_000)),
    path.join(root, 'bench/peer/onlinemeetings.openapi.json'),
  ]);

  const targets: Target[] = [
    httpTarget('ceiling: bare node:http', () => ({
      url: `${ceiling.url}/`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: createBody,
    })),
    ...storageProbe(),
    httpTarget('peer: Prism 5.14.2 mock of create', () => ({
      url: `${prism.url}/me/onlineMeetings`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: createBody,
    })),
    ...graphmeetTargets(gm),
    ...(postgres ? postgresTargets(postgres) : []),
  ].filter(
    (t) => !only || t.name.startsWith('ceiling') || t.name.startsWith('peer') || only.some((o) => t.name.includes(o)),
  );

  const runs = new Map<string, Measurement[]>();
  for (let r = 0; r < repeats; r++) {
    for (const target of targets) {
      const m = await target.measure(duration);
      runs.set(target.name, [...(runs.get(target.name) ?? []), m]);
      process.stderr.write(
        `  ${target.name}: ${Math.round(m.rps)} req/s, p99 ${m.p99} ms${m.errors ? `, ${m.errors} errors` : ''}\n`,
      );
    }
  }
  const memory = await gm.server.memory();
  await gm.server.stop();
  if (postgres) await postgres.stop();

  let scale: Record<string, unknown> | undefined;
  if (preload > 0) scale = await measureAtScale(runs);

  await ceiling.stop();
  await prism.stop();
  const rows = summarize(targets, runs);
  const result = {
    date: new Date().toISOString(),
    command: `npm run bench --${smoke ? ' --smoke' : ''}${preload ? ` --preload ${preload}` : ''}${postgresServer ? ' --database-url <postgres>' : ''}`,
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.type()} ${os.release()}`,
    },
    settings: { connections, duration, warmup, repeats, server: smoke || args['from-source'] ? 'src via tsx' : 'dist' },
    rows,
    server: memory ?? { peakRssBytes: null },
    ...(scale ? { scale } : {}),
    seconds: Math.round((Date.now() - began) / 1000),
  };
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${table(rows)}\n`);
  process.stdout.write(`\nserver peak memory: ${memoryText(memory)}`);
  if (scale) process.stdout.write(`; at scale: ${memoryText(scale as Partial<PeakMemory>)}`);
  process.stdout.write('\n');
  process.stdout.write(`\nwrote ${path.relative(root, out)}\n`);
  rmSync(work, { recursive: true, force: true });
}

type Row = ReturnType<typeof summarize>[number];

const megabytes = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
function memoryText(m: Partial<PeakMemory> | undefined): string {
  if (!m?.peakRssBytes) return 'not measured (needs /proc)';
  return `RSS ${megabytes(m.peakRssBytes)} (own memory ${megabytes(m.peakAnonBytes ?? 0)}, mapped files ${megabytes(m.peakFileBytes ?? 0)})`;
}

function summarize(targets: Target[], runs: Map<string, Measurement[]>) {
  const med = (name: string) => median((runs.get(name) ?? []).map((m) => m.rps));
  const ceilingRps = med('ceiling: bare node:http');
  const peerRps = med('peer: Prism 5.14.2 mock of create');
  return [...runs.keys()].map((name) => {
    const list = runs.get(name) as Measurement[];
    const rps = median(list.map((m) => m.rps));
    const goal = targets.find((t) => t.name === name)?.goal;
    const p99 = median(list.map((m) => m.p99));
    const toCeiling = rps / ceilingRps;
    const toPeer = rps / peerRps;
    const met =
      goal === undefined
        ? null
        : (goal.ceiling === undefined || toCeiling >= goal.ceiling) &&
          (goal.peer === undefined || toPeer >= goal.peer) &&
          (goal.p99 === undefined || p99 <= goal.p99);
    return {
      name,
      rps,
      p50: median(list.map((m) => m.p50)),
      p99,
      max: Math.max(...list.map((m) => m.max)),
      errors: list.reduce((n, m) => n + m.errors, 0),
      runs: list.map((m) => Math.round(m.rps)),
      toCeiling,
      toPeer,
      goal: goal ?? null,
      met,
    };
  });
}

function table(rows: Row[]): string {
  const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
  const goalText = (r: Row) => {
    if (!r.goal) return '';
    const parts = [
      r.goal.ceiling === undefined ? '' : `≥${r.goal.ceiling}x`,
      r.goal.peer === undefined ? '' : `≥${r.goal.peer}x peer`,
      r.goal.p99 === undefined ? '' : `p99≤${r.goal.p99}`,
    ].filter(Boolean);
    return `${parts.join(', ')} ${r.met ? '✓' : '✗'}`;
  };
  const lines = [
    '| target | req/s (runs) | p50 ms | p99 ms | max ms | errors | × ceiling | × peer | goal |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => {
      const http = r.p99 > 0 || r.max > 0;
      return `| ${r.name} | ${f(r.rps)} (${r.runs.join(', ')}) | ${http ? f(r.p50) : ''} | ${http ? f(r.p99) : ''} | ${http ? f(r.max) : ''} | ${r.errors} | ${f(r.toCeiling, 3)} | ${f(r.toPeer, 2)} | ${goalText(r)} |`;
    }),
  ];
  return lines.join('\n');
}

interface PostgresNodes {
  first: Graphmeet;
  second: Running;
  stop(): Promise<void>;
}

/** Two nodes on a new database on the given PostgreSQL server, as behind a load balancer. */
async function startPostgresNodes(serverUrl: string): Promise<PostgresNodes> {
  const database = `graphmeet_bench_${randomUUID().slice(0, 8)}`;
  const admin = (statement: string) => pgQuery(serverUrl, statement);
  await admin(`create database ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const first = await startGraphmeet(path.join(work, 'pg-1'), url.href);
  const [command, argv] = graphmeetCommand(path.join(work, 'pg-2'), url.href);
  const second = await start('graphmeet-pg-2', command, argv);
  return {
    first,
    second,
    async stop() {
      await first.server.stop();
      await second.stop();
      await admin(`drop database if exists ${database} with (force)`);
    },
  };
}

/**
 * One node's rows on PostgreSQL (with the goals issue 10 sets: create ≥ 0.1x the ceiling, GET ≥ 0.25x, p99 ≤ 15 ms),
 * and create and GET through both nodes at once, each with half the connections: the total two nodes serve.
 */
function postgresTargets({ first, second }: PostgresNodes): Target[] {
  const suffix = ' (PostgreSQL)';
  const goals: Record<string, Target['goal']> = {
    'graphmeet create': { ceiling: 0.1, p99: 15 },
    'graphmeet GET by id': { ceiling: 0.25, p99: 15 },
  };
  const oneNode = graphmeetTargets(first, suffix).map((t) => ({
    ...t,
    goal: goals[t.name.replace(suffix, '')] ?? { p99: 15 },
  }));
  const onSecond = graphmeetTargets({ ...first, server: second }, suffix);
  const bothNodes = (name: string): Target => {
    const pick = (list: Target[]) => list.find((t) => t.name === `${name}${suffix}`) as Target;
    const nodes = [pick(oneNode), pick(onSecond)];
    return {
      name: `${name}, 2 nodes${suffix}`,
      async measure(seconds) {
        const half = Math.max(1, Math.floor(connections / 2));
        const both = await Promise.all(nodes.map((t) => t.measure(seconds, half)));
        const sum = (f: (m: Measurement) => number) => both.reduce((n, m) => n + f(m), 0);
        const worst = (f: (m: Measurement) => number) => Math.max(...both.map(f));
        return {
          rps: sum((m) => m.rps),
          p50: worst((m) => m.p50),
          p99: worst((m) => m.p99),
          max: worst((m) => m.max),
          errors: sum((m) => m.errors),
        };
      },
    };
  };
  return [...oneNode, bothNodes('graphmeet create'), bothNodes('graphmeet GET by id')];
}

/** Bulk-loads `preload` meetings into a second data dir and measures create and GET there again. */
async function measureAtScale(runs: Map<string, Measurement[]>) {
  const dataDir = path.join(work, 'preloaded');
  const loaded = await preloadMeetings(dataDir, preload, (line) => process.stderr.write(`  ${line}\n`));
  const gm = await startGraphmeet(dataDir);
  const suffix = `, at ${preload.toLocaleString('en-US')} meetings`;
  const targets = graphmeetTargets(gm, suffix).filter((t) =>
    ['graphmeet create', 'graphmeet GET by id'].includes(t.name.replace(suffix, '')),
  );
  for (let r = 0; r < repeats; r++) {
    for (const target of targets) {
      const m = await target.measure(duration);
      runs.set(target.name, [...(runs.get(target.name) ?? []), m]);
      process.stderr.write(`  ${target.name}: ${Math.round(m.rps)} req/s, p99 ${m.p99} ms\n`);
    }
  }
  const memory = await gm.server.memory();
  await gm.server.stop();
  const file = path.join(dataDir, 'graphmeet.sqlite');
  const bytes = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  return {
    meetings: loaded.meetings,
    loadSeconds: loaded.seconds,
    databaseBytes: bytes,
    bytesPerMeeting: Math.round(bytes / loaded.meetings),
    ...(memory ?? { peakRssBytes: null }),
  };
}

main().then(
  async () => {
    for (const p of processes) await p.stop();
    process.exit(0);
  },
  async (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    for (const p of processes) await p.stop();
    process.exit(1);
  },
);
