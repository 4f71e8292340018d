/**
 * A client-supplied value cut to `max` characters for an error message or a log line, with `…` when it was cut:
 * messages name what was wrong without echoing a megabyte back.
 */
export function clip(value: string, max = 120): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text and attribute values alike, for HTML and XML. */
export const escapeMarkup = (value: string) => value.replace(/[&<>"']/g, (c) => escapes[c] as string);
