/** Query parameters that carry a credential when a client puts one in a URL (OAuth, SAS-style keys, logins). */
const credentialParameter = /^(access_token|key|client_secret|code|password|assertion|client_assertion)$/i;

/**
 * The URL as the log shows it. On Graph URLs the query says what was asked (e.g. $filter) and is kept, except the
 * value of any parameter that carries a credential. Elsewhere (token endpoint, admin API) the query is left out
 * whole: a client that wrongly puts a secret there must not have it logged under any name.
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  if (!/^\/(v1\.0|beta)\//i.test(url)) return `${url.slice(0, q)}?…`;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      return credentialParameter.test(decodedSegment(name)) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${query.join('&')}`;
}

/** A percent-encoded segment decoded, or as it is when it cannot be. */
export function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
