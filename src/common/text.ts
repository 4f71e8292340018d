/**
 * A client-supplied value cut to `max` characters for an error message or a log line, with `…` when it was cut:
 * messages name what was wrong without echoing a megabyte back.
 */
export function clip(value: string, max = 120): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
