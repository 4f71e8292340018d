import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Value } from 'typebox/value';
import type { DirectoryAdmin } from '../domain/directory-admin.js';
import { type FaultRuleInput, type FaultRules, faultRuleInput } from '../domain/fault-rules.js';
import type { MeetingAdmin } from '../domain/meeting-admin.js';
import type { JournalEntry, RequestJournal } from '../domain/request-journal.js';
import type { Throttling } from '../domain/throttling.js';
import { GraphError } from '../graph/errors.js';
import type { ApiVersion } from '../graph/types.js';
import type { AdminKey } from '../identity/admin-key.js';
import type { MeetingRecord } from '../storage/store.js';
import { html, type Markup } from './html.js';
import { sendPage } from './page.js';

/** What the console needs: the admin key it signs in with and the administrator's use cases. */
export interface ConsoleDeps {
  adminKey: AdminKey;
  admin: DirectoryAdmin;
  meetingAdmin: MeetingAdmin;
  journal: RequestJournal;
  faults: FaultRules;
  throttling: Throttling;
  /** The meeting exactly as GET /{version}/users/{organizer}/onlineMeetings/{id} answers it. */
  meetingJson: (request: FastifyRequest, reply: FastifyReply, meeting: MeetingRecord, version: ApiVersion) => string;
  /** The secret the session cookie is signed with. */
  pageKey: string;
  secure: boolean;
}

export const consolePath = '/_graphmeet/console';
const cookieName = 'graphmeet_console';
/** A console session lasts 8 hours of real time (graphmeet's clock may be moved by the tests it watches). */
const sessionMs = 8 * 3_600_000;
const pageSize = 50;

/**
 * The admin console: server-rendered pages under /_graphmeet/console, signed in with the admin key (the session is an
 * HttpOnly, SameSite=Strict cookie scoped to the console's path). It shows tenants with their users, applications,
 * policies and grants; meetings (paged, searchable, each as the API answers it, deletable); the request inspector
 * (bodies side by side, linked to the meeting a request touched); and fault rules (add, remove).
 */
export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  const page = (reply: FastifyReply, title: string, body: Markup, status = 200) =>
    sendPage(reply, { locale: 'en', title, body: html`${nav()}${body}`, status, wide: true });

  // A session is the moment it began, signed with the key in force named in it (see AdminKey.fingerprint).
  const sign = (began: string) =>
    createHmac('sha256', deps.pageKey).update(`${began}.${deps.adminKey.fingerprint}`).digest('base64url');
  const sessionValid = (request: FastifyRequest) => {
    const raw = request.cookies[cookieName];
    if (!raw) return false;
    const [began, mac] = raw.split('.');
    if (!began || !mac || !/^\d{1,15}$/.test(began)) return false;
    const expected = Buffer.from(sign(began));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    const age = Date.now() - Number(began);
    return age >= -60_000 && age < sessionMs;
  };

  const signIn = (reply: FastifyReply, error?: string, status = 200) =>
    sendPage(reply, {
      locale: 'en',
      title: 'Sign in to the console',
      status,
      body: html`<h1>graphmeet console</h1>
<p>Sign in with the admin key: the one in <code>&lt;data-dir&gt;/admin-key</code>, or the file given with <code>--admin-key-file</code>.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="${consolePath}/login">
<label for="key">Admin key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required>
<p><button type="submit">Sign in</button></p>
</form>`,
    });

  app.get(`${consolePath}/login`, (_request, reply) => signIn(reply));

  app.post<{ Body: { key?: unknown } }>(`${consolePath}/login`, async (request, reply) => {
    const key = request.body?.key;
    if (typeof key !== 'string' || !(await deps.adminKey.matches(key))) {
      return signIn(reply, 'That is not the admin key.', 401);
    }
    const began = String(Date.now());
    reply.setCookie(cookieName, `${began}.${sign(began)}`, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secure,
      path: consolePath,
      maxAge: sessionMs / 1000,
    });
    return reply.redirect(consolePath, 303);
  });

  app.post(`${consolePath}/logout`, (_request, reply) => {
    reply.clearCookie(cookieName, { path: consolePath });
    return reply.redirect(`${consolePath}/login`, 303);
  });

  // Everything else needs a session; without one a browser is sent to sign in.
  app.register(async (scope) => {
    scope.addHook('onRequest', async (request, reply) => {
      if (!sessionValid(request)) return reply.redirect(`${consolePath}/login`, 303);
    });
    // A refusal of a use case (a bad filter, a meeting that is gone) is a page, not a crash.
    scope.setErrorHandler((err, _request, reply) => {
      if (err instanceof GraphError && err.status < 500)
        return page(
          reply,
          'Not possible',
          html`<h1>Not possible</h1><p class="error" role="alert">${err.message}</p>`,
          err.status,
        );
      throw err;
    });

    scope.get(consolePath, async (_request, reply) => {
      const tenants = await deps.admin.listTenants();
      const recent = deps.journal.search({ skip: 0, top: 10 });
      return page(
        reply,
        'Console',
        html`<h1>Tenants</h1>
${tenants.length === 0 ? html`<p class="muted">No tenant yet: seed one, or let an app call with a token.</p>` : ''}
<table><caption class="muted">${tenants.length === 1 ? '1 tenant' : `${tenants.length} tenants`}</caption><thead><tr><th scope="col">Tenant</th><th scope="col">Name</th><th scope="col">Since</th><th scope="col">Meetings</th></tr></thead><tbody>
${tenants.map(
  (t) =>
    html`<tr><td><a href="${consolePath}/tenants/${t.id}">${t.id}</a></td><td>${t.displayName ?? ''}</td><td>${t.createdDateTime}</td><td><a href="${consolePath}/meetings?tenantId=${t.id}">meetings</a></td></tr>`,
)}
</tbody></table>
<h2>Latest requests</h2>
${requestTable(recent.entries)}
<p><a href="${consolePath}/requests">All requests</a></p>`,
      );
    });

    scope.get<{ Params: { tenantId: string } }>(`${consolePath}/tenants/:tenantId`, async (request, reply) => {
      const tenantId = request.params.tenantId;
      const [tenant, users, apps, policies] = await Promise.all([
        deps.admin.getTenant(tenantId),
        deps.admin.listUsers(tenantId),
        deps.admin.listApplications(tenantId),
        deps.admin.listPolicies(tenantId),
      ]);
      return page(
        reply,
        `Tenant ${tenant.id}`,
        html`<h1>Tenant ${tenant.displayName ?? tenant.id}</h1>
<p class="muted">${tenant.id} · <a href="${consolePath}/meetings?tenantId=${tenant.id}">its meetings</a> · <a href="${consolePath}/requests?principal=${tenant.id}">its requests</a></p>
<h2>Throttling</h2>
${throttlingOf(deps.throttling, tenant.id)}
<h2>Users</h2>
<table><thead><tr><th scope="col">Object id</th><th scope="col">User principal name</th><th scope="col">Name</th><th scope="col">Meetings</th></tr></thead><tbody>
${users.map((u) => html`<tr><td>${u.id}</td><td>${u.userPrincipalName ?? ''}</td><td>${u.displayName ?? ''}</td><td><a href="${consolePath}/meetings?tenantId=${tenantId}&amp;organizer=${u.id}">organized</a></td></tr>`)}
</tbody></table>
<h2>Applications</h2>
<table><thead><tr><th scope="col">App id</th><th scope="col">Name</th><th scope="col">Application permissions</th><th scope="col">Delegated permissions</th><th scope="col">Credentials</th></tr></thead><tbody>
${apps.map((a) => html`<tr><td>${a.appId}</td><td>${a.displayName}</td><td>${a.roles.join(', ')}</td><td>${a.scopes.join(', ')}</td><td>${[a.hasClientSecret ? 'client secret' : '', a.certificate ? `certificate ${a.certificate.thumbprint}` : ''].filter(Boolean).join(', ')}</td></tr>`)}
</tbody></table>
<h2>Application access policies and grants</h2>
<table><thead><tr><th scope="col">Policy</th><th scope="col">App ids</th><th scope="col">Granted to</th></tr></thead><tbody>
${policies.map((p) => html`<tr><td>${p.name}</td><td>${p.appIds.join(', ')}</td><td>${[p.global ? 'the whole tenant' : '', ...p.users].filter(Boolean).join(', ')}</td></tr>`)}
</tbody></table>`,
      );
    });

    const meetingFilters = {
      subject: 'Subject contains',
      organizer: 'Organizer (id or UPN)',
      externalId: 'externalId',
      joinMeetingId: 'Meeting ID',
      tenantId: 'Tenant',
    };
    scope.get<{ Querystring: Record<string, unknown> }>(`${consolePath}/meetings`, async (request, reply) => {
      const filters = filtersOf(request.query, meetingFilters);
      const skip = pageStart(request.query.skip);
      const { meetings, more } = await deps.meetingAdmin.search({ ...filters, skip, top: pageSize });
      return page(
        reply,
        'Meetings',
        html`<h1>Meetings</h1>
${filterForm(`${consolePath}/meetings`, meetingFilters, filters)}
<table><caption class="muted">${meetings.length === 0 ? 'No meeting matches.' : `Meetings ${skip + 1}–${skip + meetings.length}, the newest first`}</caption>
<thead><tr><th scope="col">Subject</th><th scope="col">Organizer</th><th scope="col">externalId</th><th scope="col">Meeting ID</th><th scope="col">Created</th></tr></thead><tbody>
${meetings.map(
  (m) =>
    html`<tr><td><a href="${meetingPath(m.tenantId, m.id)}">${m.subject || '(no subject)'}</a></td><td>${m.organizer.userPrincipalName ?? m.organizer.id}</td><td>${m.externalId ?? ''}</td><td>${m.joinMeetingId}</td><td>${m.creationDateTime}</td></tr>`,
)}
</tbody></table>
${pager(`${consolePath}/meetings`, filters, skip, more)}`,
      );
    });

    scope.get<{ Params: { tenantId: string; meetingId: string }; Querystring: { version?: string } }>(
      `${consolePath}/tenants/:tenantId/meetings/:meetingId`,
      async (request, reply) => {
        const { tenantId, meetingId } = request.params;
        const version: ApiVersion = request.query.version === 'beta' ? 'beta' : 'v1.0';
        const meeting = await deps.meetingAdmin.get(tenantId, meetingId);
        const json = JSON.stringify(JSON.parse(deps.meetingJson(request, reply, meeting, version)), null, 2);
        const touched = deps.journal.search({ meetingId, skip: 0, top: 20 });
        const here = meetingPath(tenantId, meetingId);
        return page(
          reply,
          meeting.document.settings.subject ?? 'Meeting',
          html`<h1>${meeting.document.settings.subject || '(no subject)'}</h1>
<p class="muted">Organizer ${meeting.document.organizer.userPrincipalName ?? meeting.organizerId} · tenant <a href="${consolePath}/tenants/${tenantId}">${tenantId}</a></p>
<h2>Requests that touched it</h2>
${requestTable(touched.entries)}
<h2>As GET ${version}/users/${meeting.organizerId}/onlineMeetings/{id} answers it</h2>
<p>${version === 'v1.0' ? html`v1.0 · <a href="${here}?version=beta">beta</a>` : html`<a href="${here}">v1.0</a> · beta`}</p>
<pre aria-label="The meeting as JSON">${json}</pre>
<form method="post" action="${here}/delete"><button class="danger" type="submit">Delete this meeting</button></form>`,
        );
      },
    );

    scope.post<{ Params: { tenantId: string; meetingId: string } }>(
      `${consolePath}/tenants/:tenantId/meetings/:meetingId/delete`,
      async (request, reply) => {
        await deps.meetingAdmin.delete(request.params.tenantId, request.params.meetingId);
        return reply.redirect(`${consolePath}/meetings?tenantId=${encodeURIComponent(request.params.tenantId)}`, 303);
      },
    );

    const requestFilters = {
      requestId: 'request-id or client-request-id',
      status: 'Status (429 or 4xx)',
      path: 'Path contains',
      principal: 'Tenant, user or app id',
      meetingId: 'Meeting id',
    };
    scope.get<{ Querystring: Record<string, unknown> }>(`${consolePath}/requests`, async (request, reply) => {
      const filters = filtersOf(request.query, requestFilters);
      const skip = pageStart(request.query.skip);
      const { entries, more } = deps.journal.search({ ...filters, skip, top: pageSize });
      return page(
        reply,
        'Requests',
        html`<h1>Requests</h1>
<p class="muted">The last ${deps.journal.capacity} requests apps made to this node; tokens, secrets and passcodes are taken out.</p>
${filterForm(`${consolePath}/requests`, requestFilters, filters)}
${requestTable(entries)}
${pager(`${consolePath}/requests`, filters, skip, more)}`,
      );
    });

    scope.get<{ Params: { requestId: string } }>(`${consolePath}/requests/:requestId`, async (request, reply) => {
      const entry = deps.journal.get(request.params.requestId);
      if (!entry) {
        return page(
          reply,
          'Request not found',
          html`<h1>Request not found</h1><p>The inspector no longer holds it.</p>`,
          404,
        );
      }
      const side = (title: string, headers: Record<string, string>, body: unknown) =>
        html`<section aria-label="${title}"><h2>${title}</h2>
<pre>${Object.entries(headers).map(([k, v]) => `${k}: ${v}\n`)}</pre>
<pre>${body === null ? '(no body)' : typeof body === 'string' ? body : JSON.stringify(body, null, 2)}</pre></section>`;
      return page(
        reply,
        `${entry.method} ${entry.path}`,
        html`<h1>${entry.method} ${entry.path}</h1>
<dl>
<dt>Status</dt><dd class="status-${String(entry.status)[0]}">${entry.status === 0 ? 'no answer (connection dropped)' : entry.status}</dd>
<dt>When</dt><dd>${entry.time} · ${entry.durationMs} ms</dd>
<dt>request-id</dt><dd>${entry.id}</dd>
<dt>client-request-id</dt><dd>${entry.clientRequestId}</dd>
<dt>Operation</dt><dd>${entry.operation}</dd>
<dt>Caller</dt><dd>${entry.principal ? `${entry.principal.kind} · tenant ${entry.principal.tenantId}${entry.principal.userId ? ` · user ${entry.principal.userId}` : ''}${entry.principal.appId ? ` · app ${entry.principal.appId}` : ''}` : 'no token'}</dd>
${entry.meeting ? html`<dt>Meeting</dt><dd><a href="${meetingPath(entry.meeting.tenantId, entry.meeting.id)}">${entry.meeting.id}</a></dd>` : ''}
${entry.injected ? html`<dt>Fault rule</dt><dd>${entry.injected.what} (rule ${entry.injected.ruleId})</dd>` : ''}
</dl>
<div class="sides">${side('Request', entry.request.headers, entry.request.body)}${side('Response', entry.response.headers, entry.response.body)}</div>`,
      );
    });

    scope.get(`${consolePath}/faults`, async (_request, reply) => faultsPage(reply));

    const faultsPage = async (reply: FastifyReply, error?: string) => {
      const rules = await deps.faults.list();
      const select = (name: string, label: string, options: string[]) =>
        html`<div><label for="x-${name}">${label}</label><select id="x-${name}" name="${name}">${options.map((o) => html`<option value="${o}">${o || '(any)'}</option>`)}</select></div>`;
      const input = (name: string, label: string, type = 'text') =>
        html`<div><label for="x-${name}">${label}</label><input id="x-${name}" name="${name}" type="${type}"></div>`;
      return page(
        reply,
        'Fault rules',
        html`<h1>Fault rules</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<table><caption class="muted">${rules.length === 1 ? '1 rule' : `${rules.length} rules`} in force</caption><thead><tr><th scope="col">Matches</th><th scope="col">Does</th><th scope="col">Applies</th><th scope="col">Matched</th><th scope="col">Expires</th><th scope="col"><span class="muted">Remove</span></th></tr></thead><tbody>
${rules.map(
  (
    r,
  ) => html`<tr><td>${[r.operation, r.method, r.path, r.tenantId && `tenant ${r.tenantId}`, r.appId && `app ${r.appId}`, r.userId && `user ${r.userId}`].filter(Boolean).join(' · ')}</td>
<td>${[r.status && `${r.status}${r.retryAfterSeconds !== undefined ? `, Retry-After ${r.retryAfterSeconds}` : ''}`, r.latencyMs && `+${r.latencyMs} ms`, r.drop && 'drop'].filter(Boolean).join(' · ')}</td>
<td>${r.count !== null ? `next ${r.count} (${r.remaining} left)` : r.probability !== undefined ? `p=${r.probability}, seed ${r.seed}` : 'every match'}</td><td>${r.matched}</td><td>${r.expiresDateTime}</td>
<td><form method="post" action="${consolePath}/faults/${r.id}/delete"><button class="secondary" type="submit" aria-label="Remove rule ${r.id}">Remove</button></form></td></tr>`,
)}
</tbody></table>
<h2>Add a rule</h2>
<form class="filters" method="post" action="${consolePath}/faults">
${select('operation', 'Operation', operations)}
${input('path', 'or path pattern (* = anything)')}
${input('tenantId', 'Tenant (optional)')}
${select('status', 'Answer', ['429', '503', '500', '502', '504', ''])}
${input('retryAfterSeconds', 'Retry-After seconds', 'number')}
${input('latencyMs', 'Added latency (ms)', 'number')}
${input('count', 'For the next N requests', 'number')}
${input('probability', 'or with probability (0–1)', 'text')}
${input('expiresIn', 'Expires in (e.g. PT1H)')}
<div><button type="submit">Add rule</button></div>
</form>`,
      );
    };

    scope.post<{ Body: Record<string, unknown> }>(`${consolePath}/faults`, async (request, reply) => {
      const rule = faultRuleFromForm(request.body ?? {});
      if (!Value.Check(faultRuleInput, rule)) {
        return faultsPage(reply.code(400), 'The rule is not valid: check the numbers and the path (it starts with /).');
      }
      try {
        await deps.faults.add(rule);
      } catch (err) {
        if (err instanceof GraphError && err.status < 500) return faultsPage(reply.code(400), err.message);
        throw err;
      }
      return reply.redirect(`${consolePath}/faults`, 303);
    });

    scope.post<{ Params: { ruleId: string } }>(`${consolePath}/faults/:ruleId/delete`, async (request, reply) => {
      await deps.faults.remove(request.params.ruleId);
      return reply.redirect(`${consolePath}/faults`, 303);
    });
  });
}

/** The operations a rule can name, as graphmeet names them (http/metrics.ts operationOf). */
const operations = [
  'create',
  'createOrGet',
  'get',
  'update',
  'delete',
  'getByFilter',
  'getByVideoTeleconferenceId',
  'listAttendanceReports',
  'getAttendanceReport',
  'listAttendanceRecords',
  'getMeetingAttendanceReport',
  'getLiveEventStream',
  'download',
  'token',
];

function nav(): Markup {
  return html`<nav class="console" aria-label="Console"><a href="${consolePath}">Tenants</a><a href="${consolePath}/meetings">Meetings</a><a href="${consolePath}/requests">Requests</a><a href="${consolePath}/faults">Fault rules</a>
<form method="post" action="${consolePath}/logout"><button class="secondary" type="submit">Sign out</button></form></nav>`;
}

const meetingPath = (tenantId: string, meetingId: string) =>
  `${consolePath}/tenants/${encodeURIComponent(tenantId)}/meetings/${encodeURIComponent(meetingId)}`;

function throttlingOf(throttling: Throttling, tenantId: string): Markup {
  const l = throttling.limitsFor(tenantId);
  const whose = l.source === 'tenant' ? 'its own setting' : 'the server’s setting (--throttle)';
  if (l.mode === 'off') return html`<p>Off (${whose}).</p>`;
  return html`<p>Graph’s limits (${whose}): ${l.meetingsPerOrganizerPerMonth} meetings per organizer each month; ${l.requestsPerAppPerTenant.limit} requests per ${l.requestsPerAppPerTenant.windowSeconds} s per app in the tenant; ${l.requestsPerAppAcrossTenants.limit} per ${l.requestsPerAppAcrossTenants.windowSeconds} s per app across tenants.</p>`;
}

function requestTable(entries: JournalEntry[]): Markup {
  if (entries.length === 0) return html`<p class="muted">No request recorded.</p>`;
  return html`<table><thead><tr><th scope="col">Time</th><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Operation</th><th scope="col">ms</th><th scope="col">Fault</th></tr></thead><tbody>
${entries.map(
  (e) =>
    html`<tr><td>${e.time}</td><td><a href="${consolePath}/requests/${e.id}">${e.method} ${e.path}</a></td><td class="status-${String(e.status)[0]}">${e.status === 0 ? 'dropped' : e.status}</td><td>${e.operation}</td><td>${e.durationMs}</td><td>${e.injected ? e.injected.what : ''}</td></tr>`,
)}
</tbody></table>`;
}

function pager(path: string, filters: Record<string, string>, skip: number, more: boolean): Markup {
  const link = (to: number, label: string) => {
    const params = new URLSearchParams(filters);
    params.set('skip', String(to));
    return html`<a href="${path}?${params.toString()}">${label}</a>`;
  };
  const links = [
    skip > 0 ? link(Math.max(0, skip - pageSize), 'Newer') : '',
    more ? link(skip + pageSize, 'Older') : '',
  ];
  return html`<nav aria-label="Pages">${links.filter(Boolean).map((l) => html`${l} `)}</nav>`;
}

/** The search fields of a list page as given: trimmed, empty ones (and repeated ones) left out. */
function filtersOf<K extends string>(
  query: Record<string, unknown>,
  fields: Record<K, string>,
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const name of Object.keys(fields) as K[]) {
    const value = query[name];
    if (typeof value === 'string' && value.trim() !== '') out[name] = value.trim();
  }
  return out;
}

function filterForm(
  action: string,
  fields: Record<string, string>,
  values: Record<string, string | undefined>,
): Markup {
  return html`<form class="filters" method="get" action="${action}">
${Object.entries(fields).map(
  ([name, label]) =>
    html`<div><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" type="text" value="${values[name] ?? ''}"></div>`,
)}
<div><button type="submit">Search</button></div>
</form>`;
}

function pageStart(raw: unknown): number {
  return typeof raw === 'string' && /^\d{1,7}$/.test(raw) ? Number(raw) : 0;
}

/** A rule from the console's form: empty fields are left out, numbers are read as numbers. */
function faultRuleFromForm(form: Record<string, unknown>): FaultRuleInput {
  const out: Record<string, unknown> = {};
  const textOf = (name: string) => {
    const v = form[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const path = textOf('path');
  if (path) out.path = path;
  else if (textOf('operation')) out.operation = textOf('operation');
  for (const name of ['tenantId', 'expiresIn']) if (textOf(name)) out[name] = textOf(name);
  for (const name of ['status', 'retryAfterSeconds', 'latencyMs', 'count', 'probability']) {
    const v = textOf(name);
    if (v !== undefined) out[name] = Number(v);
  }
  if (out.retryAfterSeconds !== undefined && out.status !== 429 && out.status !== 503) delete out.retryAfterSeconds;
  return out as FaultRuleInput;
}
