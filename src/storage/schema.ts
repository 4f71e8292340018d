/** Table shapes as Kysely sees them (snake_case in SQL only), and the one column list code needs at run time. */
export interface Database {
  online_meetings: OnlineMeetingsTable;
  directory_users: DirectoryUsersTable;
  tenants: TenantsTable;
  applications: ApplicationsTable;
  access_policies: AccessPoliciesTable;
  access_policy_grants: AccessPolicyGrantsTable;
  meeting_numbers: MeetingNumbersTable;
  signing_keys: SigningKeysTable;
  server_secrets: ServerSecretsTable;
  meeting_rooms: MeetingRoomsTable;
  attendance_reports: AttendanceReportsTable;
  passcode_failures: PasscodeFailuresTable;
  fault_rules: FaultRulesTable;
  throttle_settings: ThrottleSettingsTable;
  throttle_counters: ThrottleCountersTable;
}

export interface OnlineMeetingsTable {
  tenant_id: string;
  meeting_id: string;
  organizer_id: string;
  external_id: string | null;
  thread_id: string;
  join_meeting_id: string;
  conference_id: string;
  video_teleconference_id: string | null;
  creation_date_time: string;
  start_date_time: string;
  end_date_time: string;
  document: string;
  version: number;
}

/** online_meetings' columns, in the order the store's queries bind them. */
export const onlineMeetingColumns: readonly (keyof OnlineMeetingsTable)[] = [
  'tenant_id',
  'meeting_id',
  'organizer_id',
  'external_id',
  'thread_id',
  'join_meeting_id',
  'conference_id',
  'video_teleconference_id',
  'creation_date_time',
  'start_date_time',
  'end_date_time',
  'document',
  'version',
];

export interface DirectoryUsersTable {
  tenant_id: string;
  user_id: string;
  user_principal_name: string | null;
  display_name: string | null;
  /** lower(user_principal_name): unique per tenant */
  upn_key: string | null;
  created_at: string;
  updated_at: string;
}

export interface TenantsTable {
  tenant_id: string;
  display_name: string | null;
  created_at: string;
}

export interface ApplicationsTable {
  tenant_id: string;
  app_id: string;
  display_name: string;
  secret_hash: string | null;
  /** the public certificate for client assertions, PEM */
  certificate_pem: string | null;
  /** JSON array of application permissions granted to the app */
  roles: string;
  /** JSON array of delegated permissions consented for the app */
  scopes: string;
  created_at: string;
}

export interface AccessPoliciesTable {
  tenant_id: string;
  policy_key: string;
  name: string;
  description: string | null;
  /** JSON array of lower-case app ids */
  app_ids: string;
  created_at: string;
  updated_at: string;
}

export interface AccessPolicyGrantsTable {
  tenant_id: string;
  /** a user object id, or 'global' for the tenant-wide grant */
  target: string;
  policy_key: string;
  granted_at: string;
}

export interface SigningKeysTable {
  /** the JWK thumbprint of the public key */
  kid: string;
  /** PKCS#8 PEM */
  private_key_pem: string;
  created_at: string;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  updated_at: string;
}

/** The numbers unique across the server, keyed by the number itself (see migration 006). */
export interface MeetingNumbersTable {
  kind: 'joinMeetingId' | 'conferenceId' | 'videoTeleconferenceId';
  number: string;
  tenant_id: string;
  meeting_id: string;
}

export interface MeetingRoomsTable {
  tenant_id: string;
  meeting_id: string;
  version: number;
  /** JSON: the session and participants of RoomRecord */
  state: string;
  updated_at: string;
}

export interface AttendanceReportsTable {
  tenant_id: string;
  meeting_id: string;
  report_id: string;
  meeting_start: string;
  meeting_end: string;
  /** JSON: AttendanceReportRecord without its keys */
  report: string;
}

export interface PasscodeFailuresTable {
  join_meeting_id: string;
  /** ISO 8601, graphmeet's clock */
  window_start: string;
  failures: number;
}

export interface FaultRulesTable {
  rule_id: string;
  /** JSON: FaultRule without its counters */
  rule: string;
  expires_at: string;
  /** how many more matching requests it answers; null: no such bound */
  remaining: number | null;
  /** how many requests matched it so far (the index its seeded draws use) */
  matched: number;
  created_at: string;
}

export interface ThrottleSettingsTable {
  tenant_id: string;
  /** JSON: ThrottleSetting */
  setting: string;
  updated_at: string;
}

export interface ThrottleCountersTable {
  scope: string;
  tenant_id: string;
  /** ISO 8601 start of the window counted, graphmeet's clock */
  window_start: string;
  count: number;
}
