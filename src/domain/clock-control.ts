import type { ClockSetting, SettableClock } from '../common/clock.js';
import { badRequest } from '../graph/errors.js';
import type { KeyStore } from '../storage/store.js';

/** The name the clock setting is kept under among the server-wide values every node reads. */
const storedName = 'clock';

/** What the clock says, as the admin API and the CLI show it. */
export interface ClockState {
  dateTime: string;
  mode: ClockSetting['mode'];
  /** graphmeet's time minus the machine's, in seconds (0 for the machine's time). */
  offsetSeconds: number;
}

/**
 * graphmeet's settable time, shared by every node of one server through the store: a change made on one node is
 * written there first, and the others pick it up when they next refresh (see `refresh`).
 */
export class ClockControl {
  constructor(
    private readonly clock: SettableClock,
    private readonly keys: KeyStore,
  ) {}

  /** Bumped by every change made here, so that a refresh read before it does not undo it. */
  private changes = 0;

  /** Reads the stored setting and applies it; a value this version cannot read leaves the clock as it is. */
  async refresh(): Promise<void> {
    const before = this.changes;
    const stored = parseClockSetting(await this.keys.getSecret(storedName));
    if (stored && before === this.changes) this.clock.apply(stored);
  }

  async set(setting: ClockSetting): Promise<ClockState> {
    this.changes += 1;
    await this.keys.putSecret(storedName, JSON.stringify(setting), 'replace');
    this.changes += 1;
    this.clock.apply(setting);
    return this.state();
  }

  /** Moves graphmeet's time on by `ms` (frozen stays frozen, at the later moment). */
  async advance(ms: number): Promise<ClockState> {
    await this.refresh();
    const current = this.clock.setting();
    if (current.mode === 'frozen') return this.set({ mode: 'frozen', atMs: current.atMs + ms });
    const offsetMs = (current.mode === 'offset' ? current.offsetMs : 0) + ms;
    return this.set(offsetMs === 0 ? { mode: 'system' } : { mode: 'offset', offsetMs });
  }

  /** Sets graphmeet's time to `atMs`, from where it flows on (or stays, when frozen). */
  setTo(atMs: number, frozen: boolean): Promise<ClockState> {
    return this.set(frozen ? { mode: 'frozen', atMs } : { mode: 'offset', offsetMs: atMs - Date.now() });
  }

  state(): ClockState {
    const setting = this.clock.setting();
    const now = this.clock.now();
    return {
      dateTime: new Date(now).toISOString(),
      mode: setting.mode,
      offsetSeconds: setting.mode === 'system' ? 0 : Math.round((now - Date.now()) / 1000),
    };
  }
}

/** The earliest and latest moments graphmeet's clock may show: what DateTimeOffset and JavaScript dates hold. */
const earliestMs = Date.UTC(1, 0, 1);
const latestMs = Date.UTC(9999, 11, 31, 23, 59, 59);

/** A moment given as an ISO 8601 date-time with a zone (Z or ±hh:mm); throws 400 otherwise. */
export function parseClockMoment(text: string): number {
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,7})?)?(Z|[+-]\d\d:\d\d)$/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms) || ms < earliestMs || ms > latestMs) {
    throw badRequest(`'${text.slice(0, 64)}' is not a date-time with a zone, such as 2026-05-04T09:00:00Z.`);
  }
  return ms;
}

/** An ISO 8601 duration of days, hours, minutes and seconds (PT90M, P1DT2H, -PT30S), in milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(-)?P(?:(\d{1,6})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,11}(?:\.\d{1,3})?)S)?)?$/i.exec(text);
  if (!m || text.toUpperCase().endsWith('T') || !/\d/.test(text)) {
    throw badRequest(`'${text.slice(0, 64)}' is not a duration such as PT90M, P1D or -PT30S.`);
  }
  const [, sign, d, h, min, s] = m;
  const ms = (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(min ?? 0) * 60 + Number(s ?? 0)) * 1000;
  if (ms > latestMs - earliestMs) throw badRequest(`The duration '${text.slice(0, 64)}' is too long.`);
  return sign ? -ms : ms;
}

function parseClockSetting(raw: string | undefined): ClockSetting | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Partial<{ mode: string; offsetMs: unknown; atMs: unknown }>;
    if (v.mode === 'system') return { mode: 'system' };
    if (v.mode === 'offset' && Number.isFinite(v.offsetMs)) return { mode: 'offset', offsetMs: Number(v.offsetMs) };
    if (v.mode === 'frozen' && Number.isFinite(v.atMs)) return { mode: 'frozen', atMs: Number(v.atMs) };
  } catch {
    // A value written by a newer graphmeet: keep the clock as it is.
  }
  return undefined;
}
