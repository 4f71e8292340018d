import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { meetingIdFor } from '../domain/identifiers.js';
import type { DelegatedPrincipal } from '../domain/principal.js';
import { GraphError } from '../graph/errors.js';
import type { UpdateOnlineMeetingBody } from '../graph/online-meeting.js';
import { type Locale, negotiateLocale } from '../i18n/negotiate.js';
import { type PageText, pageText } from '../i18n/pages.js';
import type { MeetingRecord } from '../storage/store.js';
import type { WebDeps } from './deps.js';
import { html } from './html.js';
import { field, meetingCard } from './join.js';
import { sendNotice, sendPage } from './page.js';
import { readSession, writeSession } from './session.js';

type Query = { organizerId?: string; tenantId?: string; threadId?: string; messageId?: string; language?: string };

const scopes = [
  'organizer',
  'organization',
  'organizationAndFederated',
  'organizationExcludingGuests',
  'invited',
  'everyone',
] as const;
const presenters = ['everyone', 'organization', 'roleIsPresenter', 'organizer'] as const;
const admitters = ['organizerAndCoOrganizersAndPresenters', 'organizerAndCoOrganizers'] as const;
const chatModes = ['enabled', 'disabled', 'limited'] as const;
const switches = [
  ['allowRecording', 'allowRecording'],
  ['allowTranscription', 'allowTranscription'],
  ['allowAttendeeToEnableCamera', 'allowCamera'],
  ['allowAttendeeToEnableMic', 'allowMic'],
  ['isEntryExitAnnounced', 'announce'],
  ['recordAutomatically', 'recordAutomatically'],
] as const;

/** The page's language: the link's `language` (as Teams writes it, e.g. en-US) when graphmeet speaks it. */
function localeOf(request: FastifyRequest<{ Querystring: Query }>): Locale {
  const asked = typeof request.query.language === 'string' ? request.query.language : '';
  const fromLink = asked ? negotiateLocale(asked) : undefined;
  return fromLink && (fromLink !== 'en' || /^en\b/i.test(asked))
    ? fromLink
    : negotiateLocale(request.headers['accept-language']);
}

/**
 * The meeting's meetingOptionsWebUrl: the organizer signs in (dev sign-in by name) and changes who bypasses the lobby,
 * who presents and admits, chat, recording and the rest. The change is made by the same update use case as
 * PATCH /me/onlineMeetings/{id}, acting as the organizer, so the page can do nothing PATCH forbids.
 */
export function registerMeetingOptionsPage(app: FastifyInstance, deps: WebDeps): void {
  async function meetingOf(request: FastifyRequest<{ Querystring: Query }>) {
    const q = request.query;
    if (typeof q.organizerId !== 'string' || typeof q.tenantId !== 'string' || typeof q.threadId !== 'string')
      return undefined;
    const threadId = q.threadId.replace('_', ':');
    const id = meetingIdFor(q.organizerId.toLowerCase(), threadId, typeof q.messageId === 'string' ? q.messageId : '0');
    try {
      return await deps.rooms.meeting(q.tenantId, id);
    } catch (err) {
      if (err instanceof GraphError && err.status === 404) return undefined;
      throw err;
    }
  }

  const show = (
    reply: FastifyReply,
    locale: Locale,
    t: PageText,
    meeting: MeetingRecord,
    signedIn: boolean,
    note?: { ok: boolean; text: string },
    status = 200,
  ) => {
    const s = meeting.document.settings;
    const select = (
      name: string,
      label: string,
      values: readonly string[],
      labels: Record<string, string>,
      current: string | null | undefined,
    ) =>
      html`<label for="opt-${name}">${label}</label><select id="opt-${name}" name="${name}">${values.map(
        (v) => html`<option value="${v}"${v === current ? html` selected` : ''}>${labels[v] ?? v}</option>`,
      )}</select>`;
    const toggle = (name: string, label: string, on: boolean | null | undefined) =>
      html`<div class="choice"><input type="checkbox" id="opt-${name}" name="${name}" value="true"${on ? html` checked` : ''}><label for="opt-${name}">${label}</label></div>`;
    const body = signedIn
      ? html`
<form method="post">
${note ? html`<p class="${note.ok ? 'ok' : 'error'}" role="${note.ok ? 'status' : 'alert'}">${note.text}</p>` : ''}
<div class="card">
${select('lobbyScope', t.whoBypass, scopes, t.scopes, s.lobbyBypassSettings?.scope)}
${toggle('isDialInBypassEnabled', t.dialInBypass, s.lobbyBypassSettings?.isDialInBypassEnabled)}
${select('allowedLobbyAdmitters', t.whoAdmit, admitters, t.admitters, s.allowedLobbyAdmitters)}
</div>
<div class="card">
${select('allowedPresenters', t.whoPresent, presenters, t.presenters, s.allowedPresenters)}
${select('allowMeetingChat', t.chat, chatModes, t.chatModes, s.allowMeetingChat)}
${switches.map(([name, label]) => toggle(name, t[label], s[name] as boolean | null | undefined))}
</div>
<button type="submit">${t.save}</button>
</form>`
      : html`
<form method="post">
${note ? html`<p class="error" role="alert" id="signin-error">${note.text}</p>` : ''}
<p>${t.optionsSignIn}</p>
<label for="signin-upn">${t.signInName}</label>
<input type="email" id="signin-upn" name="signin" autocomplete="username" maxlength="256" required${note ? html` aria-describedby="signin-error"` : ''}>
<p><button type="submit">${t.signIn}</button></p>
</form>`;
    return sendPage(reply, {
      locale,
      title: t.optionsTitle,
      status,
      body: html`<h1>${t.optionsTitle}</h1><p>${meeting.document.settings.subject ?? ''}</p>${meetingCard(locale, t, meeting)}${body}`,
    });
  };

  app.get<{ Querystring: Query }>('/meetingOptions/', async (request, reply) => {
    const locale = localeOf(request);
    const t = pageText(locale);
    const meeting = await meetingOf(request);
    if (!meeting) return sendNotice(reply, locale, 404, t.notFoundTitle, t.notFoundText);
    const session = readSession(request, deps.clock);
    return show(reply, locale, t, meeting, session.options[meeting.id] === meeting.organizerId);
  });

  app.post<{ Querystring: Query }>('/meetingOptions/', async (request, reply) => {
    const locale = localeOf(request);
    const t = pageText(locale);
    const meeting = await meetingOf(request);
    if (!meeting) return sendNotice(reply, locale, 404, t.notFoundTitle, t.notFoundText);
    const session = readSession(request, deps.clock);
    const signin = field(request, 'signin');
    if (signin) {
      const user = await deps.rooms.toJoiner(meeting, { kind: 'user', user: signin }).catch(() => undefined);
      const isOrganizer = user?.kind === 'user' && user.userId === meeting.organizerId;
      if (!isOrganizer)
        return show(reply, locale, t, meeting, false, { ok: false, text: user ? t.notOrganizer : t.noSuchUser }, 403);
      session.options[meeting.id] = meeting.organizerId;
      writeSession(reply, session, deps.secure);
      return show(reply, locale, t, meeting, true);
    }
    if (session.options[meeting.id] !== meeting.organizerId)
      return show(reply, locale, t, meeting, false, undefined, 401);

    const chosen = <T extends string>(name: string, values: readonly T[]): T | undefined => {
      const v = field(request, name);
      return (values as readonly string[]).includes(v) ? (v as T) : undefined;
    };
    const scope = chosen('lobbyScope', scopes);
    const allowedPresenters = chosen('allowedPresenters', presenters);
    const allowedLobbyAdmitters = chosen('allowedLobbyAdmitters', admitters);
    const allowMeetingChat = chosen('allowMeetingChat', chatModes);
    if (!scope || !allowedPresenters || !allowedLobbyAdmitters || !allowMeetingChat) {
      return show(reply, locale, t, meeting, true, { ok: false, text: t.notFoundText }, 400);
    }
    const body: Record<string, unknown> = {
      lobbyBypassSettings: { scope, isDialInBypassEnabled: field(request, 'isDialInBypassEnabled') === 'true' },
      allowedPresenters,
      allowedLobbyAdmitters,
      allowMeetingChat,
    };
    for (const [name] of switches) body[name] = field(request, name) === 'true';
    const organizer = meeting.document.organizer;
    const principal: DelegatedPrincipal = {
      kind: 'delegated',
      tenantId: meeting.tenantId,
      userId: organizer.id,
      userPrincipalName: organizer.userPrincipalName,
      displayName: organizer.displayName,
      appId: null,
      scopes: new Set(['OnlineMeetings.ReadWrite']),
    };
    try {
      const updated = await deps.meetings.update(
        principal,
        undefined,
        meeting.id,
        body as UpdateOnlineMeetingBody,
        'v1.0',
      );
      return show(reply, locale, t, updated, true, { ok: true, text: t.saved });
    } catch (err) {
      if (err instanceof GraphError && err.status < 500) {
        return show(reply, locale, t, meeting, true, { ok: false, text: err.message }, err.status);
      }
      throw err;
    }
  });
}
