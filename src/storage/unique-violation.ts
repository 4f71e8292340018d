/**
 * For a unique-constraint violation, the text that says which constraint failed: SQLite names the columns
 * ("UNIQUE constraint failed: online_meetings.join_meeting_id"), PostgreSQL the index. Undefined otherwise.
 */
export function uniqueViolationText(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: string; message?: string; constraint?: string };
  const isUnique =
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === '23505';
  return isUnique ? `${e.constraint ?? ''} ${e.message ?? ''}` : undefined;
}
