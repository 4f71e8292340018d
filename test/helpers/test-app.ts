import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { composeApp } from '../../src/compose.js';
import type { DirectoryMode } from '../../src/domain/directory.js';
import type { DirectoryAdmin, GrantTargetInput } from '../../src/domain/directory-admin.js';
import type { JoinLinkStyle } from '../../src/domain/online-meetings.js';
import type { Fidelity } from '../../src/graph/online-meeting.js';
import { defaultEdgeLimits } from '../../src/http/edge.js';
import { adminKeyFileName, loadAdminKey } from '../../src/identity/admin-key.js';
import { type SigningKey, SigningKeyRing } from '../../src/identity/signing-key.js';
import type { TrustedIssuers } from '../../src/identity/token-verifier.js';
import { mintApplicationToken, mintDelegatedToken } from '../../src/identity/tokens.js';
import type { Store } from '../../src/storage/store.js';
import { openTestDatabase, type TestDatabase } from './database.js';

export const issuer = 'https://login.graphmeet.local';

export interface TestUser {
  tenantId: string;
  id: string;
  upn: string;
  displayName: string;
}

export interface TestApp {
  app: Awaited<ReturnType<typeof composeApp>>['app'];
  store: Store;
  /** The database under the store, to check what really was written. */
  database: TestDatabase;
  key: SigningKey;
  dataDir: string;
  /** Origin the app writes into links (a fake one unless listening). */
  publicUrl: () => string;
  /** Base URL of the listening socket, after listen(). */
  listen(): Promise<string>;
  userToken(user: TestUser, scopes?: string[]): Promise<string>;
  appToken(tenantId: string, appId: string, roles?: string[]): Promise<string>;
  /** A request to the admin API (/_graphmeet/…) with the admin key; a body is sent as JSON. */
  adminRequest(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
  /** The admin API key, as an operator reads it from <data-dir>/admin-key. */
  adminKey: string;
  /** The administrator's use cases on the same database (what the CLI runs). */
  admin: DirectoryAdmin;
  /** Adds the user to their tenant's directory, as `graphmeet users add` would. */
  addUser(user: TestUser): Promise<void>;
  /** A new application access policy for the app, granted to one user (by default) or tenant-wide. */
  allowApp(tenantId: string, appId: string, to: GrantTargetInput): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  https?: { key: string; cert: string };
  devTokens?: boolean;
  directoryMode?: DirectoryMode;
  trustedIssuers?: TrustedIssuers;
  /** Default: the server's default (observed). */
  fidelity?: Fidelity;
  joinLinkStyle?: JoinLinkStyle;
  explain?: boolean;
  throttle?: 'graph' | 'off';
  inspectorSize?: number;
}

/** A new tenant and a user in it, so that each test works on its own data. */
export function newUser(tenantId: string = randomUUID()): TestUser {
  const id = randomUUID();
  return { tenantId, id, upn: `user-${id.slice(0, 8)}@contoso.test`, displayName: `Test User ${id.slice(0, 4)}` };
}

/** The real app on a real temporary SQLite database and signing key, as `graphmeet serve` builds it. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'graphmeet-test-'));
  const database = await openTestDatabase(dataDir);
  const { store } = database;
  const signingKeys = await SigningKeyRing.open(store.keys);
  const key = await signingKeys.signingKey();
  const adminKey = await loadAdminKey(store.keys, dataDir);
  let origin = 'http://graphmeet.test';
  const { app, services } = await composeApp({
    store,
    signingKeys,
    issuer,
    adminKey,
    devTokens: options.devTokens ?? false,
    directoryMode: options.directoryMode ?? 'open',
    ...(options.trustedIssuers ? { trustedIssuers: options.trustedIssuers } : {}),
    publicUrl: () => origin,
    bodyLimit: 1_048_576,
    // The app shares its event loop with the tests (key generation, other files' servers): lag measured here is the
    // test run's, not the server's. The process-level tests (edge.*.test.ts) exercise load shedding.
    edge: { ...defaultEdgeLimits, maxEventLoopDelayMs: 0 },
    ...(options.fidelity ? { fidelity: options.fidelity } : {}),
    ...(options.joinLinkStyle ? { joinLinkStyle: options.joinLinkStyle } : {}),
    ...(options.explain ? { explain: options.explain } : {}),
    ...(options.throttle ? { throttle: options.throttle } : {}),
    ...(options.inspectorSize !== undefined ? { inspectorSize: options.inspectorSize } : {}),
    tollNumber: '+1 425-555-0100',
    tollFreeNumber: '+1 800-555-0100',
    ...(options.https ? { https: options.https } : {}),
  });
  return {
    app,
    store,
    database,
    key,
    dataDir,
    publicUrl: () => origin,
    async listen() {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as AddressInfo;
      origin = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;
      return origin;
    },
    userToken: (user, scopes = ['OnlineMeetings.ReadWrite']) =>
      mintDelegatedToken(
        {
          tenantId: user.tenantId,
          userId: user.id,
          userPrincipalName: user.upn,
          displayName: user.displayName,
          scopes,
          lifetimeSeconds: 3600,
        },
        key,
        issuer,
        services.clock,
      ),
    appToken: (tenantId, appId, roles = ['OnlineMeetings.ReadWrite.All']) =>
      mintApplicationToken({ tenantId, appId, roles, lifetimeSeconds: 3600 }, key, issuer, services.clock),
    adminRequest: (method, url, body) =>
      app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${readFileSync(path.join(dataDir, adminKeyFileName), 'utf8').trim()}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      }),
    adminKey: readFileSync(path.join(dataDir, adminKeyFileName), 'utf8').trim(),
    admin: services.admin,
    async addUser(user) {
      await services.admin.addUser(user.tenantId, {
        id: user.id,
        userPrincipalName: user.upn,
        displayName: user.displayName,
      });
    },
    async allowApp(tenantId, appId, to) {
      const name = `allow-${randomUUID().slice(0, 8)}`;
      await services.admin.createPolicy(tenantId, { name, appIds: [appId] });
      await services.admin.grantPolicy(tenantId, name, to);
      return name;
    },
    async close() {
      await app.close();
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
