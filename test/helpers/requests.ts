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

export function getJson(t: TestApp, url: string, token: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}`, ...headers } });
}
