import { type Static, Type } from 'typebox';
import type { Clock } from '../common/clock.js';
import { tooManyRequests } from '../graph/errors.js';
import type { ControlStore } from '../storage/store.js';

/**
 * Throttling as Microsoft Graph documents it for online meetings (https://learn.microsoft.com/graph/throttling-limits):
 * - 2,000 meetings per user each month (cloud communication service limits, "Meeting information"): every create and
 *   createOrGet request counts against its organizer's calendar month;
 * - 130,000 requests per 10 seconds per app across all tenants (the global limit);
 * - 50,000 requests per 15 seconds per app per tenant (the cloud communications request limit).
 * Past a limit the answer is 429 with Retry-After (the seconds until the window ends) and Graph's error body. Off
 * unless the server runs with --throttle graph or a tenant has it turned on; every limit can be changed, per tenant.
 * The counts are kept in the store, so several nodes share them, and windows follow graphmeet's clock.
 */

const strict = { additionalProperties: false } as const;
const window = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100_000_000 }),
    windowSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
  },
  strict,
);

export const throttleSettingInput = Type.Object(
  {
    mode: Type.Union([Type.Literal('graph'), Type.Literal('off')]),
    meetingsPerOrganizerPerMonth: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    requestsPerAppPerTenant: Type.Optional(window),
    requestsPerAppAcrossTenants: Type.Optional(window),
  },
  strict,
);
export type ThrottleSettingInput = Static<typeof throttleSettingInput>;

/** The limits in force for a tenant. */
export interface ThrottleLimits {
  mode: 'graph' | 'off';
  meetingsPerOrganizerPerMonth: number;
  requestsPerAppPerTenant: { limit: number; windowSeconds: number };
  requestsPerAppAcrossTenants: { limit: number; windowSeconds: number };
}

/** Graph's documented limits. */
export const graphLimits: Omit<ThrottleLimits, 'mode'> = {
  meetingsPerOrganizerPerMonth: 2000,
  requestsPerAppPerTenant: { limit: 50_000, windowSeconds: 15 },
  requestsPerAppAcrossTenants: { limit: 130_000, windowSeconds: 10 },
};

export class Throttling {
  private byTenant = new Map<string, ThrottleSettingInput>();

  constructor(
    private readonly store: ControlStore,
    private readonly clock: Clock,
    /** The server's own setting (--throttle), for tenants without one. */
    private readonly serverMode: 'graph' | 'off',
  ) {}

  /** Reads the tenants' settings again (every node does so every second; a change made here is seen here at once). */
  async refresh(): Promise<void> {
    const settings = await this.store.listThrottleSettings();
    this.byTenant = new Map(settings.map((s) => [s.tenantId, s.setting as ThrottleSettingInput]));
  }

  /** Whether throttling may apply to anyone: the hot path asks this first, and nothing else when it is off. */
  get any(): boolean {
    return this.serverMode === 'graph' || this.byTenant.size > 0;
  }

  limitsFor(tenantId: string): ThrottleLimits & { source: 'tenant' | 'server' } {
    const own = this.byTenant.get(tenantId);
    return {
      ...graphLimits,
      mode: this.serverMode,
      ...own,
      source: own ? 'tenant' : 'server',
    };
  }

  async setFor(tenantId: string, setting: ThrottleSettingInput | null): Promise<void> {
    await this.store.putThrottleSetting(tenantId, setting);
    await this.refresh();
  }

  /** Counts a Graph request of the app in the tenant; throws 429 past the app's window limits. */
  async countRequest(tenantId: string, appId: string | null): Promise<void> {
    const limits = this.limitsFor(tenantId);
    if (limits.mode !== 'graph') return;
    const app = appId ?? 'none';
    const now = this.clock.now();
    const windows = [
      {
        scope: `app:${app}:tenant:${tenantId}`,
        tenantId,
        ...limits.requestsPerAppPerTenant,
        what: 'per app per tenant',
      },
      { scope: `app:${app}`, tenantId: '', ...limits.requestsPerAppAcrossTenants, what: 'per app across all tenants' },
    ].map((w) => ({ ...w, startMs: Math.floor(now / (w.windowSeconds * 1000)) * w.windowSeconds * 1000 }));
    const counts = await this.store.countInWindows(
      windows.map((w) => ({ scope: w.scope, tenantId: w.tenantId, windowStart: new Date(w.startMs).toISOString() })),
    );
    windows.forEach((w, i) => {
      if ((counts[i] ?? 0) > w.limit) {
        throw tooManyRequests(
          `Too many requests: the limit of ${w.limit} requests per ${w.windowSeconds} seconds ${w.what} was reached.`,
          Math.max(1, Math.ceil((w.startMs + w.windowSeconds * 1000 - now) / 1000)),
        );
      }
    });
  }

  /** Counts a meeting request of the organizer this calendar month (UTC); throws 429 past the monthly quota. */
  async countMeeting(tenantId: string, organizerId: string): Promise<void> {
    const limits = this.limitsFor(tenantId);
    if (limits.mode !== 'graph') return;
    const now = new Date(this.clock.now());
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    const [count = 0] = await this.store.countInWindows([
      { scope: `meetings:${tenantId}:${organizerId}`, tenantId, windowStart: new Date(start).toISOString() },
    ]);
    if (count > limits.meetingsPerOrganizerPerMonth) {
      throw tooManyRequests(
        `The organizer has reached the limit of ${limits.meetingsPerOrganizerPerMonth} meetings this month.`,
        Math.max(1, Math.ceil((next - now.getTime()) / 1000)),
      );
    }
  }
}
