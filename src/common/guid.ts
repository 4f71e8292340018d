/** The GUID of Entra object ids, tenant ids and app ids, as a pattern to embed in larger ones. */
export const guidSource = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

const guidPattern = new RegExp(`^${guidSource}$`);

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && guidPattern.test(value);
}
