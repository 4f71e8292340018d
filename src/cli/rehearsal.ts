import { type Command, InvalidArgumentError } from 'commander';
import { Value } from 'typebox/value';
import { type FaultRuleInput, FaultRules, faultRuleInput } from '../domain/fault-rules.js';
import { MeetingAdmin } from '../domain/meeting-admin.js';
import { badRequest } from '../graph/errors.js';
import type { SqlStore } from '../storage/sql-store.js';
import { cliClock, nonEmpty, printJson, saying, subcommand, withStore } from './directory-kit.js';

const integer = (text: string) => {
  if (!/^\d{1,9}$/.test(text)) throw new InvalidArgumentError('a whole number is expected.');
  return Number(text);
};
const fraction = (text: string) => {
  const n = Number(text);
  if (!/^(0|1)?(\.\d+)?$/.test(text) || !(n > 0 && n <= 1))
    throw new InvalidArgumentError('a number above 0, at most 1, is expected.');
  return n;
};

/**
 * `graphmeet reset` and `graphmeet faults …`: what the admin API's /_graphmeet/reset and /_graphmeet/faults do, on the
 * database directly (running servers see fault rules within a second, and a reset at once).
 */
export function addRehearsalCommands(program: Command): void {
  subcommand(
    program,
    'reset',
    "forget meetings (all tenants' or one's), keeping the directory and fault rules unless told",
  )
    .option('--tenant <tenantId>', 'only this tenant', nonEmpty)
    .option('--drop-directory', "also forget the tenants' users, applications and policies")
    .option('--drop-faults', 'also remove the fault rules')
    .action(
      withStore(
        saying(async (store: SqlStore, opts: { tenant?: string; dropDirectory?: boolean; dropFaults?: boolean }) => {
          const removed = await new MeetingAdmin(store).reset({
            ...(opts.tenant ? { tenantId: opts.tenant } : {}),
            directory: opts.dropDirectory ? 'drop' : 'keep',
            faults: opts.dropFaults ? 'drop' : 'keep',
          });
          printJson({ removed });
        }),
      ),
    );

  const faults = program
    .command('faults')
    .description('fault rules: make graphmeet answer some requests with 429, 5xx, latency or a dropped connection');
  const run = <A extends unknown[]>(work: (rules: FaultRules, ...args: A) => Promise<unknown>) =>
    withStore(
      saying(async (store: SqlStore, ...args: A) =>
        printJson(await work(new FaultRules(store.controls, cliClock), ...args)),
      ),
    );

  subcommand(faults, 'list', 'the rules in force').action(run((rules) => rules.list()));
  subcommand(faults, 'add', 'add a rule (every rule expires: --expires-in, default PT1H)')
    .option(
      '--operation <name>',
      'create, createOrGet, get, update, delete, getByFilter, getByVideoTeleconferenceId, token, …',
    )
    .option(
      '--path <pattern>',
      'a path pattern instead, * for any run of characters, e.g. /v1.0/users/*/onlineMeetings',
    )
    .option('--method <method>', 'only this HTTP method')
    .option('--tenant <tenantId>', 'only requests of this tenant')
    .option('--app <appId>', 'only requests of this app')
    .option('--user <userId>', 'only requests of this user')
    .option('--status <status>', 'answer 429, 500, 502, 503 or 504', integer)
    .option('--retry-after <seconds>', 'Retry-After of a 429 or 503 (default 2)', integer)
    .option('--latency <ms>', 'wait this long first', integer)
    .option('--drop', 'close the connection without an answer')
    .option('--count <n>', 'only the next n matching requests', integer)
    .option('--probability <p>', 'each matching request with this probability', fraction)
    .option('--seed <n>', 'the seed of the draws, to replay a run', integer)
    .option('--expires-in <duration>', 'ISO 8601, e.g. PT30M (at most P7D)')
    .action(
      run(async (rules, opts: Record<string, unknown>) => {
        const rule = Object.fromEntries(
          Object.entries({
            operation: opts.operation,
            path: opts.path,
            method: typeof opts.method === 'string' ? opts.method.toUpperCase() : undefined,
            tenantId: opts.tenant,
            appId: opts.app,
            userId: opts.user,
            status: opts.status,
            retryAfterSeconds: opts.retryAfter,
            latencyMs: opts.latency,
            drop: opts.drop,
            count: opts.count,
            probability: opts.probability,
            seed: opts.seed,
            expiresIn: opts.expiresIn,
          }).filter(([, v]) => v !== undefined),
        );
        if (!Value.Check(faultRuleInput, rule)) {
          const first = [...Value.Errors(faultRuleInput, rule)][0];
          throw badRequest(`The rule is not valid: ${first?.instancePath || 'a value'} ${first?.message ?? ''}`.trim());
        }
        return rules.add(rule as FaultRuleInput);
      }),
    );
  subcommand(faults, 'remove', 'remove one rule')
    .argument('<ruleId>')
    .action(run(async (rules, id: string) => rules.remove(id).then(() => ({ removed: id }))));
  subcommand(faults, 'clear', 'remove every rule (or a tenant’s)')
    .option('--tenant <tenantId>', "only this tenant's rules", nonEmpty)
    .action(
      run(async (rules, opts: { tenant?: string }) => ({ removed: await rules.clear(opts.tenant?.toLowerCase()) })),
    );
}
