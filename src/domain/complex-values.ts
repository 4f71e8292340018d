/**
 * Graph's complex values (lobbyBypassSettings, watermarkProtection, …) merge: a client that sends part of one
 * changes those fields and keeps the rest, on create (against the default) and on update (against the stored value).
 */

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A partial complex value merged into the current one, nested objects too; annotations are not kept. */
export function merged(current: Record<string, unknown>, partial: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(partial)) {
    if (key === '@odata.type') continue;
    out[key] = isObject(value) && isObject(out[key]) ? merged(out[key] as Record<string, unknown>, value) : value;
  }
  return out;
}
