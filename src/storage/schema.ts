/** Table shapes as Kysely sees them (snake_case in SQL only). */
export interface Database {
  online_meetings: OnlineMeetingsTable;
  directory_users: DirectoryUsersTable;
}

export interface OnlineMeetingsTable {
  tenant_id: string;
  meeting_id: string;
  organizer_id: string;
  external_id: string | null;
  thread_id: string;
  join_meeting_id: string;
  conference_id: string;
  creation_date_time: string;
  start_date_time: string;
  end_date_time: string;
  document: string;
  version: number;
}

export interface DirectoryUsersTable {
  tenant_id: string;
  user_id: string;
  user_principal_name: string | null;
  display_name: string | null;
  created_at: string;
  updated_at: string;
}
