import { createHash, randomUUID } from 'node:crypto';
import { type Static, Type } from 'typebox';
import { type Clock, isoNow } from '../common/clock.js';
import { guidSource } from '../common/guid.js';
import { clip } from '../common/text.js';
import { badRequest, notFound } from '../graph/errors.js';
import type { ControlStore, FaultRuleRecord } from '../storage/store.js';
import { parseClockMoment, parseDuration } from './clock-control.js';

/**
 * Fault injection: rules that make graphmeet answer some requests as Graph does on a bad day (429 with Retry-After,
 * 500, 502, 503, 504), slowly, or not at all (the connection dropped). A rule matches an operation or a path pattern,
 * optionally one tenant, app or user; it applies to every matching request, to each with a probability drawn from a
 * seeded sequence (the same seed gives the same answers in the same order, so a run can be replayed), or to the next N.
 * Every rule expires. Rules are kept in the store, so every node applies them and counts them together.
 */

const strict = { additionalProperties: false } as const;
const guid = `^${guidSource}$`;

/** What an administrator sends to add a rule (admin API, CLI, seed file). */
export const faultRuleInput = Type.Object(
  {
    /** An operation as graphmeet names it (create, createOrGet, get, update, delete, getByFilter, token, …). */
    operation: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** A path pattern: `*` stands for any run of characters, e.g. /v1.0/users/*\/onlineMeetings. No query. */
    path: Type.Optional(Type.String({ minLength: 1, maxLength: 512, pattern: '^/' })),
    method: Type.Optional(Type.Union(['GET', 'POST', 'PATCH', 'PUT', 'DELETE'].map((m) => Type.Literal(m)))),
    tenantId: Type.Optional(Type.String({ pattern: guid })),
    appId: Type.Optional(Type.String({ pattern: guid })),
    userId: Type.Optional(Type.String({ pattern: guid })),
    /** The answer given instead of the real one. */
    status: Type.Optional(Type.Union([429, 500, 502, 503, 504].map((s) => Type.Literal(s)))),
    /** Retry-After of a 429 or 503 (default 2 seconds). */
    retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    /** Wait this long before answering (really, or before the injected status). */
    latencyMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
    /** Close the connection without an answer. */
    drop: Type.Optional(Type.Boolean()),
    /** Apply to each matching request with this probability. */
    probability: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    /** The seed of the probability draws (default: one drawn at random, shown in the rule). */
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
    /** Apply to the next N matching requests only. */
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    /** When the rule ends: a duration from now (default PT1H, at most P7D) … */
    expiresIn: Type.Optional(Type.String({ maxLength: 64 })),
    /** … or a moment. */
    expiresDateTime: Type.Optional(Type.String({ maxLength: 64 })),
  },
  strict,
);
export type FaultRuleInput = Static<typeof faultRuleInput>;

/** What a rule matches and does, as stored. */
export interface FaultRuleSpec {
  operation?: string;
  path?: string;
  method?: string;
  tenantId?: string;
  appId?: string;
  userId?: string;
  status?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  drop?: boolean;
  probability?: number;
  seed?: number;
}

/** A rule as the admin API shows it. */
export type FaultRule = FaultRuleSpec & {
  id: string;
  count: number | null;
  remaining: number | null;
  matched: number;
  createdDateTime: string;
  expiresDateTime: string;
};

/** What a request is, as far as rules can tell. */
export interface RequestFacts {
  method: string;
  /** Without the query. */
  path: string;
  operation: string;
  tenantId: string | undefined;
  appId: string | undefined;
  userId: string | undefined;
}

/** What a matching rule does to the request. */
export interface FaultAction {
  ruleId: string;
  status?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  drop?: boolean;
}

const defaultLifetime = 'PT1H';
const longestLifetimeMs = 7 * 86_400_000;
const defaultRetryAfterSeconds = 2;

interface LoadedRule {
  record: FaultRuleRecord;
  /** Used up (its count reached 0, on this node or another): not asked again until it is read anew. */
  spent: boolean;
  spec: FaultRuleSpec;
  expiresMs: number;
  path: RegExp | undefined;
}

export class FaultRules {
  private rules: LoadedRule[] = [];

  constructor(
    private readonly store: ControlStore,
    private readonly clock: Clock,
  ) {}

  /** Reads the rules again (every node does so every second; a change made here is seen here at once). */
  async refresh(): Promise<void> {
    this.rules = (await this.store.listFaultRules()).map(loaded);
  }

  /** Whether any rule is in force: the hot path asks this first, and nothing else when there is none. */
  get any(): boolean {
    return this.rules.length > 0;
  }

  async add(input: FaultRuleInput): Promise<FaultRule> {
    const now = this.clock.now();
    const record = recordOf(input, now, randomUUID());
    await this.store.insertFaultRule(record);
    await this.refresh();
    return view(record);
  }

  /**
   * The rules of a seed file: each is added unless one made from the same text is in force, so a server started again
   * with the same seed (or several nodes starting with it) does not double them. Resolves to how many were added.
   */
  async seed(inputs: FaultRuleInput[]): Promise<number> {
    const present = new Set((await this.list()).map((r) => r.id));
    let added = 0;
    for (const input of inputs) {
      const id = `seed-${createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 32)}`;
      if (present.has(id)) continue;
      try {
        await this.store.insertFaultRule(recordOf(input, this.clock.now(), id));
        added++;
      } catch (err) {
        // Another node starting with the same seed added it first.
        if (!(await this.store.listFaultRules()).some((r) => r.id === id)) throw err;
      }
    }
    await this.refresh();
    return added;
  }

  async list(): Promise<FaultRule[]> {
    await this.store.deleteExpiredFaultRules(isoNow(this.clock));
    await this.refresh();
    return this.rules.map((r) => view(r.record));
  }

  async get(id: string): Promise<FaultRule> {
    const found = (await this.list()).find((r) => r.id === id);
    if (!found) throw noSuchRule(id);
    return found;
  }

  async remove(id: string): Promise<void> {
    const removed = await this.store.deleteFaultRule(id);
    await this.refresh();
    if (!removed) throw noSuchRule(id);
  }

  async clear(tenantId?: string): Promise<number> {
    const removed = await this.store.deleteFaultRules(tenantId);
    await this.refresh();
    return removed;
  }

  /**
   * What the first rule in force that matches the request and applies to it (by its count or its draw) does, if one
   * does. Each matching rule counts the request in the store, so counts and draws hold across nodes.
   */
  async decide(facts: RequestFacts): Promise<FaultAction | undefined> {
    const now = this.clock.now();
    for (const rule of this.rules) {
      if (rule.spent || rule.expiresMs <= now || !matches(rule, facts)) continue;
      const taken = await this.store.takeFaultRuleMatch(rule.record.id);
      if (!taken) {
        rule.spent = true;
        continue;
      }
      const { probability, seed } = rule.spec;
      if (probability !== undefined && draw(seed ?? 0, taken.matched) >= probability) continue;
      const { status, latencyMs, drop } = rule.spec;
      const retryAfterSeconds =
        status === 429 || status === 503 ? (rule.spec.retryAfterSeconds ?? defaultRetryAfterSeconds) : undefined;
      return {
        ruleId: rule.record.id,
        ...(status !== undefined ? { status } : {}),
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        ...(latencyMs !== undefined ? { latencyMs } : {}),
        ...(drop ? { drop } : {}),
      };
    }
    return undefined;
  }
}

const noSuchRule = (id: string) => notFound(`There is no fault rule '${clip(id, 64)}'.`);

/** The stored record of a new rule; throws 400 for what the input's shape cannot say. */
function recordOf(input: FaultRuleInput, nowMs: number, id: string): FaultRuleRecord {
  const { count, expiresIn, expiresDateTime, ...spec } = input;
  if (spec.status === undefined && spec.latencyMs === undefined && !spec.drop) {
    throw badRequest('A fault rule needs something to do: a status, latencyMs or drop.');
  }
  if (spec.drop && spec.status !== undefined) throw badRequest('A dropped connection has no status: give one of them.');
  if (spec.retryAfterSeconds !== undefined && spec.status !== 429 && spec.status !== 503) {
    throw badRequest('retryAfterSeconds goes with status 429 or 503.');
  }
  if (spec.probability !== undefined && count !== undefined) {
    throw badRequest('A rule applies with a probability or to the next count requests, not both.');
  }
  if (spec.seed !== undefined && spec.probability === undefined) throw badRequest('A seed goes with a probability.');
  if (spec.operation === undefined && spec.path === undefined) {
    throw badRequest('A fault rule matches an operation or a path pattern: give one.');
  }
  if (spec.probability !== undefined && spec.seed === undefined) spec.seed = Math.floor(Math.random() * 2 ** 31);
  if (expiresIn !== undefined && expiresDateTime !== undefined) {
    throw badRequest('Give expiresIn or expiresDateTime, not both.');
  }
  const expiresMs =
    expiresDateTime !== undefined
      ? parseClockMoment(expiresDateTime)
      : nowMs + parseDuration(expiresIn ?? defaultLifetime);
  if (expiresMs <= nowMs) throw badRequest('The rule would expire before it starts: give a later expiry.');
  if (expiresMs - nowMs > longestLifetimeMs) throw badRequest('A fault rule lasts at most 7 days (P7D).');
  return {
    id,
    rule: { ...spec, ...(count !== undefined ? { count } : {}) },
    expiresDateTime: new Date(expiresMs).toISOString(),
    remaining: count ?? null,
    matched: 0,
    createdDateTime: new Date(nowMs).toISOString(),
  };
}

function loaded(record: FaultRuleRecord): LoadedRule {
  const spec = record.rule as FaultRuleSpec;
  return {
    record,
    spent: record.remaining === 0,
    spec,
    expiresMs: Date.parse(record.expiresDateTime),
    path: spec.path === undefined ? undefined : globPattern(spec.path),
  };
}

function view(record: FaultRuleRecord): FaultRule {
  const { count, ...spec } = record.rule as FaultRuleSpec & { count?: number };
  return {
    id: record.id,
    ...spec,
    count: count ?? null,
    remaining: record.remaining,
    matched: record.matched,
    createdDateTime: record.createdDateTime,
    expiresDateTime: record.expiresDateTime,
  };
}

/** `*` is any run of characters; the rest is literal; case does not matter (nor do Graph's paths). */
function globPattern(glob: string): RegExp {
  const literal = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}/?$`, 'i');
}

function matches({ spec, path }: LoadedRule, facts: RequestFacts): boolean {
  if (spec.operation !== undefined && spec.operation.toLowerCase() !== facts.operation.toLowerCase()) return false;
  if (path && !path.test(facts.path)) return false;
  if (spec.method !== undefined && spec.method !== facts.method) return false;
  if (spec.tenantId !== undefined && spec.tenantId.toLowerCase() !== facts.tenantId) return false;
  if (spec.appId !== undefined && spec.appId.toLowerCase() !== facts.appId) return false;
  if (spec.userId !== undefined && spec.userId.toLowerCase() !== facts.userId) return false;
  return true;
}

/**
 * The n-th draw of a seed, in [0, 1): a hash of both, so the answer depends only on the seed and how many requests
 * matched before (on any node), never on timing.
 */
export function draw(seed: number, n: number): number {
  return createHash('sha256').update(`${seed}:${n}`).digest().readUInt32BE(0) / 2 ** 32;
}
