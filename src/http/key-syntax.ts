/**
 * OData's key syntax, `onlineMeetings('{id}')` (quotes doubled inside, possibly percent-encoded), is served
 * like `onlineMeetings/{id}`, which is what the routes know.
 */
export function keyAsSegment(url: string): string {
  return url.replace(
    /(\/onlineMeetings)\((?:'|%27)((?:[^'%]|%(?!27)|''|%27%27)*)(?:'|%27)\)(?=[/?]|$)/i,
    (_, segment, key) => {
      let id = key as string;
      try {
        id = decodeURIComponent(id);
      } catch {
        return `${segment}/${id}`;
      }
      return `${segment}/${encodeURIComponent(id.replaceAll("''", "'"))}`;
    },
  );
}
