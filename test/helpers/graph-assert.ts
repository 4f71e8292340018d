import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

/**
 * Asserts Graph's error envelope exactly: status, code, a message matching `message`, and an innerError
 * with a zone-less date and the request ids that the response headers carry. Nothing else in the body.
 */
export function assertGraphError(
  res: LightMyRequestResponse,
  status: number,
  code: string,
  message: RegExp,
): { code: string; message: string } {
  assert.equal(res.statusCode, status, `expected ${status}, got ${res.statusCode}: ${res.body}`);
  const error = assertGraphEnvelope(res);
  assert.equal(error.code, code);
  assert.match(error.message, message);
  return error;
}

/** The shape every Graph (and admin API) error has, whatever its status and code; returns its `error`. */
export function assertGraphEnvelope(res: LightMyRequestResponse): { code: string; message: string } {
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error), ['code', 'message', 'innerError']);
  assert.equal(typeof body.error.code, 'string');
  assert.equal(typeof body.error.message, 'string');
  assert.deepEqual(Object.keys(body.error.innerError).sort(), ['client-request-id', 'date', 'request-id']);
  assert.match(body.error.innerError.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  assert.equal(body.error.innerError['request-id'], res.headers['request-id']);
  assert.equal(body.error.innerError['client-request-id'], res.headers['client-request-id']);
  return body.error;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const jsonHeaders = (token: string) => ({ ...bearer(token), 'content-type': 'application/json' });

/** Decodes joinInformation.content (form-URL-encoded `data:text/html,…`) to its HTML. */
export function joinInformationHtml(content: string): string {
  const decoded = decodeURIComponent(content.replace(/\+/g, ' '));
  assert.ok(decoded.startsWith('data:text/html,'), 'joinInformation must be a data:text/html URL');
  return decoded.slice('data:text/html,'.length);
}
