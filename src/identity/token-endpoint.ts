import { decodeProtectedHeader, type JWK, errors as joseErrors, jwtVerify } from 'jose';
import type { Clock } from '../common/clock.js';
import { isGuid } from '../common/guid.js';
import { clip } from '../common/text.js';
import { parseClientCertificate } from '../domain/client-certificates.js';
import { verifyClientSecret } from '../domain/client-secrets.js';
import type { Directory } from '../domain/directory.js';
import type { ApplicationRecord } from '../storage/store.js';
import type { SigningKeyRing } from './signing-key.js';
import { clockToleranceSeconds } from './token-verifier.js';
import { graphAudiences, issuerFor, mintApplicationToken, mintDelegatedToken } from './tokens.js';

/**
 * The parts of the Microsoft identity platform that clients of Graph need: per-tenant OpenID configuration,
 * the signing keys, and the v2.0 token endpoint with the client-credentials grant, authenticated by a client
 * secret (@azure/identity's ClientSecretCredential) or by a client assertion signed with the app's registered
 * certificate (ClientCertificateCredential). The password grant (ROPC) hands out delegated
 * tokens for a chosen directory user, and only on a server started with --dev-tokens.
 */

/** An OAuth 2.0 error as Entra writes it: `error`, an AADSTS-numbered description, and trace fields. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401 | 429 | 500 | 502 | 503 | 504,
    readonly error: string,
    readonly aadsts: number,
    description: string,
  ) {
    super(`AADSTS${aadsts}: ${description}`);
  }

  /** Its timestamp is wall-clock time, like the server's logs it is matched against. */
  body(traceId: string, correlationId: string) {
    const timestamp = `${new Date().toISOString().slice(0, 19).replace('T', ' ')}Z`;
    return {
      error: this.error,
      error_description: `${this.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [this.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.aadsts}`,
    };
  }
}

const missing = (parameter: string) =>
  new OAuthError(
    400,
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${parameter}'.`,
  );

const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Seconds a token from the endpoint is valid; Entra answers expires_in 3599 for its one-hour tokens. */
const tokenLifetimeSeconds = 3600;

/** Scopes of OpenID Connect itself, which ask for no Graph permission. */
const oidcScopes = new Set(['openid', 'profile', 'email', 'offline_access']);

export interface TokenResponse {
  token_type: 'Bearer';
  scope?: string;
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
}

export interface TokenEndpointOptions {
  directory: Directory;
  signingKeys: SigningKeyRing;
  clock: Clock;
  /** The server's public URL: its tokens' issuer is `{publicUrl}/{tenant}/v2.0`, on the authority's own origin. */
  publicUrl: () => string;
  /** Serve the password grant for delegated tokens (development only). */
  devTokens: boolean;
}

export class TokenEndpoint {
  constructor(private readonly o: TokenEndpointOptions) {}

  /** The tenant named in the path, which must be a GUID the directory knows (Entra: AADSTS90002). */
  async tenant(raw: string): Promise<string> {
    const tenantId = raw.toLowerCase();
    if (!isGuid(tenantId) || !(await this.o.directory.findTenant(tenantId))) {
      throw new OAuthError(
        400,
        'invalid_tenant',
        90002,
        `Tenant '${clip(raw, 80)}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    return tenantId;
  }

  openIdConfiguration(tenantId: string) {
    const base = `${this.o.publicUrl()}/${tenantId}`;
    return {
      issuer: issuerFor(this.o.publicUrl(), tenantId),
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      // graphmeet has no interactive sign-in; the endpoint is listed because OpenID configuration requires it.
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
      grant_types_supported: this.o.devTokens ? ['client_credentials', 'password'] : ['client_credentials'],
      response_types_supported: ['token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid', 'upn', 'name', 'preferred_username'],
      tenant_region_scope: null,
      cloud_instance_name: 'graphmeet',
    };
  }

  async keys(): Promise<{ keys: JWK[] }> {
    return { keys: await this.o.signingKeys.publicJwks() };
  }

  /**
   * POST /{tenant}/oauth2/v2.0/token. `form` holds the form fields; `basic` the client credentials of an
   * `Authorization: Basic` header (client_secret_basic), which take the place of client_id/client_secret.
   */
  async token(
    tenantId: string,
    form: Record<string, string>,
    basic?: { clientId: string; clientSecret: string },
  ): Promise<TokenResponse> {
    const grantType = form.grant_type;
    if (!grantType) throw missing('grant_type');
    if (grantType !== 'client_credentials' && !(grantType === 'password' && this.o.devTokens)) {
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        70003,
        grantType === 'password'
          ? "The app requested an unsupported grant type 'password'. graphmeet issues delegated tokens through the password grant only when started with --dev-tokens."
          : `The app requested an unsupported grant type '${grantType.slice(0, 80)}'.`,
      );
    }
    const clientId = basic?.clientId ?? form.client_id;
    if (!clientId) throw missing('client_id');
    const app = await this.o.directory.findApplication(tenantId, clientId);
    if (!app) {
      throw new OAuthError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId.slice(0, 80)}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant.`,
      );
    }
    const clientSecret = basic?.clientSecret ?? form.client_secret;
    if (grantType === 'client_credentials') {
      if (form.client_assertion_type !== undefined || form.client_assertion !== undefined) {
        if (clientSecret !== undefined) {
          throw new OAuthError(
            400,
            'invalid_request',
            90023,
            'The request carries both a client secret and a client assertion; send one of them.',
          );
        }
        await this.authenticateByAssertion(tenantId, app, form);
      } else {
        await authenticateClient(app, clientSecret, true);
      }
      return this.clientCredentials(tenantId, app, form.scope);
    }
    await authenticateClient(app, clientSecret, false);
    return this.password(tenantId, app, form);
  }

  /**
   * private_key_jwt (RFC 7523), as Entra checks it: the assertion names a registered certificate by its `x5t#S256`
   * (PS256, what MSAL sends) or `x5t` (RS256) thumbprint, is signed by that certificate's key, is addressed to
   * this token endpoint, has the app as issuer and subject, and is within its time range.
   */
  private async authenticateByAssertion(tenantId: string, app: ApplicationRecord, form: Record<string, string>) {
    if (form.client_assertion_type !== jwtBearer) {
      throw new OAuthError(
        400,
        'invalid_request',
        900144,
        `The request body must contain the parameter 'client_assertion_type' with the value '${jwtBearer}'.`,
      );
    }
    const assertion = form.client_assertion;
    if (!assertion) throw missing('client_assertion');
    const invalidAssertion = (aadsts: number, description: string) =>
      new OAuthError(401, 'invalid_client', aadsts, description);
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(assertion);
    } catch {
      throw new OAuthError(400, 'invalid_request', 50027, 'The client assertion is not a well-formed JWT.');
    }
    const cert = app.certificatePem === null ? undefined : parseClientCertificate(app.certificatePem);
    const byThumbprint =
      header.alg === 'PS256'
        ? header['x5t#S256'] === cert?.x5tS256
        : header.alg === 'RS256' && header.x5t === cert?.x5t;
    if (!cert || !byThumbprint) {
      const named = String(header['x5t#S256'] ?? header.x5t ?? 'none').slice(0, 64);
      throw invalidAssertion(
        700027,
        `The certificate with identifier used to sign the client assertion is not registered on application '${app.appId}'. [Reason - The key was not found., Thumbprint of key used by client: '${named}', algorithm: '${String(header.alg).slice(0, 16)}'.] Register the public certificate with graphmeet apps add --certificate.`,
      );
    }
    const tokenEndpoint = `${this.o.publicUrl()}/${tenantId}/oauth2/v2.0/token`;
    try {
      const { payload } = await jwtVerify(assertion, cert.publicKey, {
        algorithms: [header.alg as string],
        clockTolerance: clockToleranceSeconds, // as on the tokens graphmeet verifies
        currentDate: new Date(this.o.clock.now()),
        requiredClaims: ['aud', 'exp', 'iss', 'sub'],
      });
      if (payload.iss !== app.appId || payload.sub !== app.appId) {
        throw invalidAssertion(
          700021,
          `Client assertion application identifier doesn't match 'client_id' parameter: its iss and sub must both be '${app.appId}'.`,
        );
      }
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!audiences.includes(tokenEndpoint)) {
        throw invalidAssertion(
          700023,
          `Client assertion audience claim does not match Realm issuer: the audience must be the token endpoint ${tokenEndpoint}.`,
        );
      }
    } catch (err) {
      if (err instanceof OAuthError) throw err;
      if (err instanceof joseErrors.JWTExpired || (err as { claim?: string }).claim === 'nbf') {
        throw invalidAssertion(700024, 'Client assertion is not within its valid time range.');
      }
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) {
        throw invalidAssertion(700027, 'Client assertion contains an invalid signature.');
      }
      throw invalidAssertion(700027, `Client assertion failed validation: ${(err as Error).message.slice(0, 200)}`);
    }
    const now = this.o.clock.now();
    if (cert.notAfter.getTime() < now || cert.notBefore.getTime() > now) {
      throw invalidAssertion(
        700027,
        `The certificate used to sign the client assertion is not valid now (valid ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}). Register a current certificate.`,
      );
    }
  }

  private async clientCredentials(tenantId: string, app: ApplicationRecord, scope: string | undefined) {
    if (!scope) throw missing('scope');
    const [resource, ...rest] = scope.split(' ').filter(Boolean);
    if (!resource?.endsWith('/.default') || rest.length > 0) {
      throw new OAuthError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope.slice(0, 200)} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    assertGraph(resource.slice(0, -'/.default'.length), tenantId);
    const access_token = await mintApplicationToken(
      {
        tenantId,
        appId: app.appId,
        roles: app.roles.length ? app.roles : undefined,
        lifetimeSeconds: tokenLifetimeSeconds,
      },
      await this.o.signingKeys.signingKey(),
      this.o.publicUrl(),
      this.o.clock,
    );
    return bearer(access_token);
  }

  /** Resource owner password credentials: a delegated token for a directory user, for development only. */
  private async password(tenantId: string, app: ApplicationRecord, form: Record<string, string>) {
    const { username, password } = form;
    if (!username) throw missing('username');
    if (!password) throw missing('password');
    const user = await this.o.directory.findUserByIdOrUpn(tenantId, username);
    if (!user) {
      throw new OAuthError(
        400,
        'invalid_grant',
        50034,
        `The user account ${username.slice(0, 120)} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory.`,
      );
    }
    const scopes = delegatedScopes(form.scope ?? '', app, tenantId);
    const access_token = await mintDelegatedToken(
      {
        tenantId,
        userId: user.id,
        ...(user.userPrincipalName ? { userPrincipalName: user.userPrincipalName } : {}),
        ...(user.displayName ? { displayName: user.displayName } : {}),
        scopes,
        appId: app.appId,
        lifetimeSeconds: tokenLifetimeSeconds,
      },
      await this.o.signingKeys.signingKey(),
      this.o.publicUrl(),
      this.o.clock,
    );
    return { ...bearer(access_token), scope: scopes.map((s) => `https://graph.microsoft.com/${s}`).join(' ') };
  }
}

function bearer(access_token: string): TokenResponse {
  return {
    token_type: 'Bearer',
    expires_in: tokenLifetimeSeconds - 1,
    ext_expires_in: tokenLifetimeSeconds - 1,
    access_token,
  };
}

/**
 * A confidential client must present its secret; in the password grant the secret is optional (a public
 * client) but must be right when sent. A wrong secret says so without echoing it.
 */
async function authenticateClient(app: ApplicationRecord, secret: string | undefined, required: boolean) {
  if (secret === undefined || secret === '') {
    if (!required) return;
    throw new OAuthError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (!app.secretHash || !(await verifyClientSecret(secret, app.secretHash))) {
    throw new OAuthError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
    );
  }
}

/** graphmeet serves Graph only: `https://graph.microsoft.com` (with or without `/`) or Graph's app id. */
function assertGraph(resource: string, tenantId: string): void {
  if (!graphAudiences.includes(resource)) {
    throw new OAuthError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource.slice(0, 200)} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
}

/**
 * The Graph permissions a delegated token asks for: `https://graph.microsoft.com/X` or bare `X` (Entra reads a
 * bare scope as Graph's); `.default` means every scope consented for the app. Unconsented ones are refused.
 */
function delegatedScopes(scope: string, app: ApplicationRecord, tenantId: string): string[] {
  const wanted = new Set<string>();
  for (const s of scope.split(' ').filter(Boolean)) {
    if (oidcScopes.has(s)) continue;
    const slash = s.lastIndexOf('/');
    const name = slash === -1 ? s : s.slice(slash + 1);
    if (slash !== -1) assertGraph(s.slice(0, slash), tenantId);
    for (const granted of name === '.default' ? app.scopes : [name]) wanted.add(granted);
  }
  if (wanted.size === 0) throw missing('scope');
  const unconsented = [...wanted].filter((s) => !app.scopes.includes(s));
  if (unconsented.length > 0) {
    throw new OAuthError(
      400,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${app.appId}' for ${unconsented.join(', ').slice(0, 200)}. Consent the scope for the app (graphmeet apps add --scopes) and try again.`,
    );
  }
  return [...wanted];
}
