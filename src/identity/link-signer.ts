import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { KeyStore } from '../storage/store.js';

/** The name the key is kept under among the server's shared secrets, so every node signs and checks alike. */
const keyName = 'page-signing-key';

/** The key that signs download links and page sessions: made once per server, kept in the store. */
export async function loadPageKey(keys: KeyStore): Promise<string> {
  return keys.putSecret(keyName, randomBytes(32).toString('base64url'), 'onlyIfUnset');
}

/**
 * Short-lived links that carry what they grant, signed with HMAC-SHA256: `{base64url JSON}.{base64url MAC}`. Used for
 * the pre-authorized download links the live-event streams redirect to, which clients fetch without a token.
 */
export class LinkSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(secret, 'base64url');
  }

  sign(payload: Record<string, unknown>, expiresAtMs: number): string {
    const body = Buffer.from(JSON.stringify({ ...payload, exp: expiresAtMs })).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The payload, or undefined when the link is malformed, forged or expired. */
  verify(token: string, nowMs: number): Record<string, unknown> | undefined {
    const dot = token.indexOf('.');
    if (dot < 1 || token.length > 4096) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!payload || typeof payload !== 'object') return undefined;
    const exp = (payload as { exp?: unknown }).exp;
    return typeof exp === 'number' && exp > nowMs ? (payload as Record<string, unknown>) : undefined;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
