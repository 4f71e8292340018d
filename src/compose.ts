import type { FastifyBaseLogger } from 'fastify';
import { type AppServices, buildApp } from './app.js';
import { SettableClock } from './common/clock.js';
import { ClockControl } from './domain/clock-control.js';
import { Directory, type DirectoryMode } from './domain/directory.js';
import { DirectoryAdmin } from './domain/directory-admin.js';
import { FaultRules } from './domain/fault-rules.js';
import { MeetingAdmin } from './domain/meeting-admin.js';
import { MeetingRooms } from './domain/meeting-rooms.js';
import { type JoinLinkStyle, MeetingService } from './domain/online-meetings.js';
import { PasscodeThrottle } from './domain/passcode-check.js';
import { RequestJournal } from './domain/request-journal.js';
import { Throttling } from './domain/throttling.js';
import type { Fidelity } from './graph/online-meeting.js';
import type { EdgeLimits } from './http/edge.js';
import { loggableUrl } from './http/loggable-url.js';
import { Metrics, operationOf } from './http/metrics.js';
import type { AdminKey } from './identity/admin-key.js';
import { LinkSigner, loadPageKey } from './identity/link-signer.js';
import type { SigningKeyRing } from './identity/signing-key.js';
import { TokenEndpoint } from './identity/token-endpoint.js';
import { TokenVerifier, type TrustedIssuers } from './identity/token-verifier.js';
import type { Store } from './storage/store.js';

export interface ComposeOptions {
  store: Store;
  signingKeys: SigningKeyRing;
  adminKey: AdminKey;
  /** Base of the issuer of graphmeet's own tokens (those `graphmeet token` mints). */
  issuer: string;
  /** Identity providers whose tokens are accepted besides graphmeet's own. */
  trustedIssuers?: TrustedIssuers;
  /** Serve the password grant, which hands out delegated tokens for directory users (development only). */
  devTokens: boolean;
  directoryMode: DirectoryMode;
  /** Origin for links in responses; called per use because the port may be known only after listen. */
  publicUrl: () => string;
  tollNumber: string;
  tollFreeNumber: string;
  /** The form of new meetings' joinWebUrl; default classic. */
  joinLinkStyle?: JoinLinkStyle;
  /** graphmeet's time; a new one on the machine's time (then set from the store) when not given. */
  clock?: SettableClock;
  bodyLimit: number;
  /** Timeouts and load shedding; default: the settings' defaults. */
  edge?: EdgeLimits;
  /** Observed fields in answers, or the schema's only; default: observed. */
  fidelity?: Fidelity;
  /** Explain mode for every request; default: only for requests that ask. */
  explain?: boolean;
  /** A pino logger; none in tests that do not look at logs. */
  logger?: FastifyBaseLogger;
  https?: { key: string; cert: string };
  /** Graph's throttling limits for every tenant without a setting of its own; default off. */
  throttle?: 'graph' | 'off';
  /** How many requests the inspector keeps (0: none); default 1,000. */
  inspectorSize?: number;
}

/** The one place the parts are wired together: used by the server process and by the tests alike. */
export async function composeApp(o: ComposeOptions) {
  const clock = o.clock ?? new SettableClock();
  const clockControl = new ClockControl(clock, o.store.keys);
  await clockControl.refresh();
  const pageKey = await loadPageKey(o.store.keys);
  const metrics = new Metrics();
  const store = metrics.timed(o.store);
  const directory = new Directory(store, clock, o.directoryMode);
  const faults = new FaultRules(store.controls, clock);
  const throttling = new Throttling(store.controls, clock, o.throttle ?? 'off');
  await Promise.all([faults.refresh(), throttling.refresh()]);
  const services: AppServices = {
    clock,
    meetings: new MeetingService({
      store,
      directory,
      clock,
      publicUrl: o.publicUrl,
      tollNumber: o.tollNumber || null,
      tollFreeNumber: o.tollFreeNumber || null,
      ...(o.joinLinkStyle ? { joinLinkStyle: o.joinLinkStyle } : {}),
      meetingQuota: (tenantId, organizerId) => throttling.countMeeting(tenantId, organizerId),
    }),
    admin: new DirectoryAdmin({ store, clock, directory }),
    rooms: new MeetingRooms({ store, directory, clock }),
    clockControl,
    links: new LinkSigner(pageKey),
    pageKey,
    passcodeThrottle: new PasscodeThrottle(clock, store.rooms),
    verifier: new TokenVerifier(o.signingKeys, () => [o.issuer, o.publicUrl()], clock, o.trustedIssuers),
    tokens: new TokenEndpoint({
      directory,
      signingKeys: o.signingKeys,
      clock,
      publicUrl: o.publicUrl,
      devTokens: o.devTokens,
    }),
    adminKey: o.adminKey,
    publicUrl: o.publicUrl,
    storage: o.store.dialect,
    readiness: () => o.store.readiness(),
    metrics,
    meetingAdmin: new MeetingAdmin(store),
    journal: new RequestJournal(o.inspectorSize ?? 1000, {
      shownUrl: loggableUrl,
      operation: (method, route) => operationOf(method, route).operation,
    }),
    faults,
    throttling,
  };
  const app = await buildApp(services, {
    bodyLimit: o.bodyLimit,
    ...(o.edge ? { edge: o.edge } : {}),
    ...(o.fidelity ? { fidelity: o.fidelity } : {}),
    ...(o.explain ? { explain: o.explain } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.https ? { https: o.https } : {}),
  });
  /** What other nodes and the CLI may change in the store: read again (main.ts does so every second). */
  const refresh = () =>
    Promise.all([clockControl.refresh(), faults.refresh(), throttling.refresh()]).then(() => undefined);
  return { app, services, refresh };
}
