import type { MeetingParticipantInfo, MeetingSettings } from '../graph/online-meeting.js';

/**
 * The storage contract. Domain rules live in the domain; a store only keeps records and enforces the
 * invariants the database can guarantee across processes: one meeting per (tenant, organizer, externalId),
 * unique joinMeetingId and conferenceId across the server, one UPN per tenant, one policy grant per target.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Whether the database can be reached and written now; never throws. */
  readiness(): Promise<Readiness>;
  /** Inserts a new meeting. Throws IdentifierTaken when its id or one of its generated numbers is in use. */
  insertMeeting(meeting: MeetingRecord): Promise<void>;
  /**
   * Inserts the meeting unless one with the same (tenant, organizer, externalId) exists, atomically.
   * Returns the meeting that is stored for that key and whether this call created it.
   */
  insertMeetingUnlessExternalIdExists(meeting: MeetingRecord): Promise<{ meeting: MeetingRecord; created: boolean }>;
  /**
   * The meeting by id. `forUpdate`: the caller will write it next (an optimistic update), so the read must see the
   * latest commit at once rather than wait to share a read with others.
   */
  getMeeting(tenantId: string, meetingId: string, purpose?: 'read' | 'forUpdate'): Promise<MeetingRecord | undefined>;
  /** The organizer's meeting with this externalId (createOrGet's key). */
  findMeetingByExternalId(
    tenantId: string,
    organizerId: string,
    externalId: string,
  ): Promise<MeetingRecord | undefined>;
  /** The tenant's meeting with this joinMeetingId or videoTeleconferenceId. */
  findMeeting(
    tenantId: string,
    by: { joinMeetingId: string } | { videoTeleconferenceId: string },
  ): Promise<MeetingRecord | undefined>;
  /**
   * The meeting with this joinMeetingId or conferenceId in any tenant: both are unique across the server, and the
   * join-by-ID and dial-in pages know only the number.
   */
  findMeetingByNumber(kind: 'joinMeetingId' | 'conferenceId', number: string): Promise<MeetingRecord | undefined>;
  /**
   * Changes one meeting in one atomic step: `change` gets the meeting as stored (undefined if there is none) and
   * returns its new state, or throws to change nothing (the throw reaches the caller). Nothing another request or
   * process writes in between is lost. Resolves to the new state as stored: its version one up.
   */
  changeMeeting(tenantId: string, meetingId: string, change: MeetingChange): Promise<MeetingRecord>;
  /** Removes the meeting; its externalId, joinMeetingId and other numbers are free again. False if none. */
  deleteMeeting(tenantId: string, meetingId: string): Promise<boolean>;
  /** A page of meetings, the newest first, for the admin API and console; the filters combine. */
  listMeetings(query: MeetingQuery): Promise<{ meetings: MeetingRecord[]; more: boolean }>;
  /**
   * Forgets, in one transaction, the meetings (and what happened in them, their numbers, counters) of one tenant or of
   * all; with `directory: 'drop'` also the tenants, users, applications, policies and grants and their throttling
   * settings; with `faults: 'drop'` the fault rules (of the tenant, when one is named). Keys and secrets stay.
   */
  reset(scope: ResetScope): Promise<ResetCounts>;

  readonly directory: DirectoryStore;
  readonly keys: KeyStore;
  readonly rooms: RoomStore;
  readonly controls: ControlStore;

  /** Runs `work` in one transaction: everything it writes lands together or not at all. Not re-entrant. */
  transaction<T>(work: (store: Store) => Promise<T>): Promise<T>;

  close(): Promise<void>;
}

/**
 * Tenants, users, applications and application access policies. Every call is scoped by tenant id; nothing
 * here reads across tenants except listTenants.
 */
export interface DirectoryStore {
  /** Adds the tenant if it is missing; a given display name replaces the stored one. */
  ensureTenant(tenantId: string, displayName?: string | null): Promise<void>;
  getTenant(tenantId: string): Promise<TenantRecord | undefined>;
  listTenants(): Promise<TenantRecord[]>;

  /** Throws DuplicateKey('user') for a taken id and DuplicateKey('userPrincipalName') for a taken UPN. */
  insertUser(user: DirectoryUser): Promise<void>;
  /** Replaces the user's UPN and display name, adding the user if missing. Throws DuplicateKey on a taken UPN. */
  putUser(user: DirectoryUser): Promise<void>;
  /** Adds the user if missing; an existing user keeps their values and only gets the ones they lack. */
  addUserIfMissing(user: DirectoryUser): Promise<void>;
  getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined>;
  getUserByUpn(tenantId: string, userPrincipalName: string): Promise<DirectoryUser | undefined>;
  /** The users among the given object ids and UPNs, in one query. */
  findUsers(tenantId: string, ids: string[], userPrincipalNames: string[]): Promise<DirectoryUser[]>;
  /** Whether a user of the tenant has a UPN in `domain` (lower case): the tenant's domains are its users' ones. */
  hasUserInDomain(tenantId: string, domain: string): Promise<boolean>;
  listUsers(tenantId: string): Promise<DirectoryUser[]>;
  /** Removes the user; false when there was none. */
  deleteUser(tenantId: string, userId: string): Promise<boolean>;

  /** Throws DuplicateKey('application') when the app id is registered in the tenant. */
  insertApplication(app: ApplicationRecord): Promise<void>;
  putApplication(app: ApplicationRecord): Promise<void>;
  getApplication(tenantId: string, appId: string): Promise<ApplicationRecord | undefined>;
  listApplications(tenantId: string): Promise<ApplicationRecord[]>;
  deleteApplication(tenantId: string, appId: string): Promise<boolean>;

  /** Throws DuplicateKey('policy') when a policy of that name (in any case) exists. */
  insertPolicy(policy: AccessPolicyRecord): Promise<void>;
  /** Replaces the policy's app ids and description; false when there is no such policy. */
  updatePolicy(policy: AccessPolicyRecord): Promise<boolean>;
  putPolicy(policy: AccessPolicyRecord): Promise<void>;
  getPolicy(tenantId: string, name: string): Promise<AccessPolicyRecord | undefined>;
  listPolicies(tenantId: string): Promise<AccessPolicyRecord[]>;
  deletePolicy(tenantId: string, name: string): Promise<boolean>;

  /** Assigns the policy to the target (a user id or 'global'), replacing the target's previous grant. */
  putGrant(tenantId: string, target: GrantTarget, policyName: string): Promise<void>;
  deleteGrant(tenantId: string, target: GrantTarget): Promise<boolean>;
  deleteGrantsOfPolicy(tenantId: string, policyName: string): Promise<void>;
  listGrants(tenantId: string): Promise<PolicyGrantRecord[]>;
  /** The app ids of the policy that applies to the user: their own grant if any, else the tenant-wide one. */
  effectivePolicy(tenantId: string, userId: string): Promise<{ target: GrantTarget; appIds: string[] } | undefined>;
}

/** The keys all nodes of one server share (server-wide, not per tenant). */
export interface KeyStore {
  /** Every token signing key, oldest first. */
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  /** Adds a signing key; a key with the same kid is left as it is. */
  insertSigningKey(key: SigningKeyRecord): Promise<void>;
  /** Removes a signing key; false when there was none. */
  deleteSigningKey(kid: string): Promise<boolean>;
  getSecret(name: string): Promise<string | undefined>;
  /** Stores the value, replacing the one stored, or only when none is (`onlyIfUnset`); resolves to the value stored. */
  putSecret(name: string, value: string, mode: 'replace' | 'onlyIfUnset'): Promise<string>;
}

export interface SigningKeyRecord {
  kid: string;
  /** PKCS#8 PEM */
  privateKeyPem: string;
  createdDateTime: string;
}

/**
 * A generated identifier (the meeting id, joinMeetingId, conferenceId, videoTeleconferenceId) collided; the caller
 * draws new ones.
 */
export class IdentifierTaken extends Error {
  constructor(readonly column: string) {
    super(`identifier already in use: ${column}`);
  }
}

export type Readiness = { ready: true } | { ready: false; reason: string };

/** The database was migrated by a newer graphmeet: this one does not know all of its migrations. */
export class SchemaTooNew extends Error {
  constructor(readonly unknownMigrations: string[]) {
    super(
      `the database's schema is newer than this graphmeet knows (it has migration ${unknownMigrations.join(', ')}); run the graphmeet that migrated it, or a newer one`,
    );
  }
}

/** A directory record with that key exists already. */
export class DuplicateKey extends Error {
  constructor(readonly key: 'user' | 'userPrincipalName' | 'application' | 'policy') {
    super(`duplicate ${key}`);
  }
}

export interface TenantRecord {
  id: string;
  displayName: string | null;
  createdDateTime: string;
}

export interface DirectoryUser {
  tenantId: string;
  /** Entra object id (GUID), lower-case. */
  id: string;
  userPrincipalName: string | null;
  displayName: string | null;
}

export interface ApplicationRecord {
  tenantId: string;
  /** lower-case GUID */
  appId: string;
  displayName: string;
  /** See domain/client-secrets.ts; null for an app without a secret (tokens only from the CLI). */
  secretHash: string | null;
  /** The public certificate (PEM) its client assertions are signed for; see domain/client-certificates.ts. */
  certificatePem: string | null;
  /** Application permissions (app roles) an admin granted: what client-credentials tokens carry. */
  roles: string[];
  /** Delegated permissions consented for the app: what user tokens for it may carry. */
  scopes: string[];
  createdDateTime: string;
}

export interface AccessPolicyRecord {
  tenantId: string;
  name: string;
  description: string | null;
  /** lower-case GUIDs */
  appIds: string[];
}

/** The tenant-wide grant, which applies to users without a grant of their own. */
export const globalTarget = 'global';
export type GrantTarget = string;

export interface PolicyGrantRecord {
  tenantId: string;
  target: GrantTarget;
  policyName: string;
}

/** The new state of a meeting, from the state it is in; throws to leave it as it is. */
export type MeetingChange = (current: MeetingRecord | undefined) => MeetingRecord;

export interface MeetingRecord {
  tenantId: string;
  id: string;
  organizerId: string;
  externalId: string | null;
  threadId: string;
  joinMeetingId: string;
  conferenceId: string;
  videoTeleconferenceId: string | null;
  creationDateTime: string;
  startDateTime: string;
  endDateTime: string;
  document: MeetingDocument;
  /** Bumped by every update; new records start at 1. */
  version: number;
}

/** Everything else needed to answer for the meeting, kept as one JSON document. */
export interface MeetingDocument {
  organizer: { id: string; displayName: string | null; userPrincipalName: string | null };
  /** The chat message a channel meeting belongs to; private meetings (and older records) have '0'. */
  chatMessageId?: string;
  expiryDateTime: string;
  joinWebUrl: string;
  meetingOptionsWebUrl: string;
  dialinUrl: string;
  tollNumber: string | null;
  tollFreeNumber: string | null;
  isPasscodeRequired: boolean;
  passcode: string | null;
  settings: MeetingSettings;
  attendees: MeetingParticipantInfo[];
}

/**
 * A meeting as it happens: its session (while one is going on) and the people in it or in its lobby. Written in one
 * atomic step per change (see RoomStore.changeRoom), so joins on several nodes never lose one another.
 */
export interface RoomRecord {
  tenantId: string;
  meetingId: string;
  /** Bumped by every change; 0 before the first. */
  version: number;
  session: { id: string; startedDateTime: string } | null;
  participants: RoomParticipant[];
}

export interface RoomParticipant {
  id: string;
  /** The same person joining again finds their record by this (users, guests); null for anonymous and callers. */
  identityKey: string | null;
  joiner: Joiner;
  role: RoomRole;
  state: 'lobby' | 'inMeeting' | 'left' | 'denied';
  lobbySince: string | null;
  intervals: { joinDateTime: string; leaveDateTime: string | null }[];
}

/** What one session of a meeting left behind: the attendance report made when it ended. */
export interface AttendanceReportRecord {
  tenantId: string;
  meetingId: string;
  id: string;
  meetingStartDateTime: string;
  meetingEndDateTime: string;
  totalParticipantCount: number;
  records: AttendanceRecordData[];
}

export interface AttendanceRecordData {
  id: string;
  emailAddress: string | null;
  identity: { id: string | null; displayName: string | null; tenantId: string | null; kind: JoinerKind };
  role: 'Organizer' | 'Presenter' | 'Attendee';
  totalAttendanceInSeconds: number;
  attendanceIntervals: { joinDateTime: string; leaveDateTime: string; durationInSeconds: number }[];
}

/** Meetings as they happen, and their attendance reports. */
export interface RoomStore {
  getRoom(tenantId: string, meetingId: string): Promise<RoomRecord | undefined>;
  /**
   * Changes the meeting's room in one atomic step: `change` gets the room as stored (an empty one, version 0, before
   * the first change) and returns its new state, and the attendance report when the change ended a session; both are written
   * together. A throw changes nothing and reaches the caller.
   */
  changeRoom<T extends { room: RoomRecord; report?: AttendanceReportRecord }>(
    tenantId: string,
    meetingId: string,
    change: (room: RoomRecord) => T,
  ): Promise<T>;
  /** The meeting's reports, the latest session first, at most `limit`. */
  listAttendanceReports(tenantId: string, meetingId: string, limit: number): Promise<AttendanceReportRecord[]>;
  getAttendanceReport(
    tenantId: string,
    meetingId: string,
    reportId: string,
  ): Promise<AttendanceReportRecord | undefined>;
  /** Wrong passcodes typed for the meeting ID in its current window (none when the window began before `since`). */
  passcodeFailures(
    joinMeetingId: string,
    since: string,
  ): Promise<{ windowStart: string; failures: number } | undefined>;
  /** Counts one more wrong passcode, atomically; a window that began before `since` starts again at `now`. */
  addPasscodeFailure(joinMeetingId: string, now: string, since: string): Promise<void>;
  clearPasscodeFailures(joinMeetingId: string): Promise<void>;
}

/**
 * Who is joining, as the join page or the admin API names them: a user of the meeting's tenant, a user of another
 * tenant (federated), a guest account of the tenant, someone who is not signed in (anonymous, with the name they
 * type), or a phone caller.
 */
export type Joiner =
  | { kind: 'user'; userId: string; displayName: string | null; email: string | null }
  | { kind: 'federated'; tenantId: string; userId: string; displayName: string; email: string | null }
  | { kind: 'guest'; displayName: string; email: string }
  | { kind: 'anonymous'; displayName: string }
  | { kind: 'phone'; phoneNumber: string };

export type JoinerKind = Joiner['kind'];

/** The role a participant has in the meeting (co-organizers have the organizer's powers but not the meeting). */
export type RoomRole = 'organizer' | 'coorganizer' | 'presenter' | 'attendee';

export interface MeetingQuery {
  tenantId?: string;
  organizerId?: string;
  externalId?: string;
  joinMeetingId?: string;
  /** Part of the subject, in any case. */
  subject?: string;
  skip: number;
  top: number;
}

export interface ResetScope {
  tenantId?: string;
  directory: 'keep' | 'drop';
  faults: 'keep' | 'drop';
}

/** What a reset removed, by kind. */
export type ResetCounts = Record<'meetings' | 'tenants' | 'users' | 'applications' | 'faultRules', number>;

/** A fault rule as stored: what it matches and does (`rule`, JSON the domain reads), and its counters. */
export interface FaultRuleRecord {
  id: string;
  rule: Record<string, unknown>;
  expiresDateTime: string;
  /** How many more matching requests it answers; null when it is not bounded by a count. */
  remaining: number | null;
  /** How many requests matched it so far. */
  matched: number;
  createdDateTime: string;
}

/** Fault rules, throttling settings and throttling counters: shared by every node of the server. */
export interface ControlStore {
  listFaultRules(): Promise<FaultRuleRecord[]>;
  insertFaultRule(rule: FaultRuleRecord): Promise<void>;
  deleteFaultRule(id: string): Promise<boolean>;
  /** Removes every rule (of the tenant, when one is named); resolves to how many. */
  deleteFaultRules(tenantId?: string): Promise<number>;
  /** Removes the rules that expired before `now`. */
  deleteExpiredFaultRules(now: string): Promise<void>;
  /**
   * Counts one more request that matched the rule, atomically across nodes, and takes one from `remaining` when it is
   * bounded. Undefined when the rule is gone or used up (then it does not apply).
   */
  takeFaultRuleMatch(id: string): Promise<{ matched: number } | undefined>;

  /** Per-tenant throttling settings (JSON the domain reads). */
  listThrottleSettings(): Promise<{ tenantId: string; setting: Record<string, unknown> }[]>;
  putThrottleSetting(tenantId: string, setting: Record<string, unknown> | null): Promise<void>;
  /**
   * Counts one more event in each scope for the window that starts at its `windowStart` (a window that began earlier
   * starts again at 1), atomically across nodes and all together; resolves to the counts now, in order.
   */
  countInWindows(counts: { scope: string; tenantId: string; windowStart: string }[]): Promise<number[]>;
}
