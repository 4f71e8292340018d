import type { TestApp } from './test-app.js';

/** POSTs JSON the way an SDK does. */
export function postJson(t: TestApp, url: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}

/** A request without a body, with the token. */
export function sendAs(
  t: TestApp,
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH' | 'PUT',
  url: string,
  token: string,
  headers: Record<string, string> = {},
) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, ...headers } });
}

export function getJson(t: TestApp, url: string, token: string, headers: Record<string, string> = {}) {
  return sendAs(t, 'GET', url, token, headers);
}

/** PATCHes JSON the way an SDK does. */
export function patchJson(t: TestApp, url: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'PATCH',
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}
