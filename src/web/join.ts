import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mayAdmit, participantName } from '../domain/meeting-room.js';
import { GraphError } from '../graph/errors.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import type { PageText } from '../i18n/pages.js';
import { pageText } from '../i18n/pages.js';
import type { Joiner, MeetingRecord, RoomParticipant, RoomRecord } from '../storage/store.js';
import type { WebDeps } from './deps.js';
import { html, type Markup } from './html.js';
import { moment, sendNotice, sendPage } from './page.js';
import { readSession, writeSession } from './session.js';

type Kind = 'member' | 'federated' | 'guest' | 'anonymous';
const kinds: Kind[] = ['member', 'federated', 'guest', 'anonymous'];

/** A form field as text: a missing or repeated field is empty. */
export function field(request: FastifyRequest, name: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim().slice(0, 256) : '';
}

const emailPattern = /^[^\s@<>"]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,}$/;

/** A stable GUID for a person or organization graphmeet does not know, from their email (or its domain). */
function guidOf(text: string): string {
  const h = createHash('sha256').update(text.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 17), 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The pages behind a meeting's joinWebUrl (classic and short form): the meeting, the question "who are you?", the
 * lobby and the meeting itself, where the organizer, co-organizers and presenters admit or deny people. The same use
 * cases as the admin API decide, so the page follows the meeting's lobby and presenter settings exactly.
 */
export function registerJoinPages(app: FastifyInstance, deps: WebDeps): void {
  const { rooms, clock } = deps;

  const landing = async (request: FastifyRequest, reply: FastifyReply, classic: boolean) => {
    const locale = negotiateLocale(request.headers['accept-language']);
    const t = pageText(locale);
    const found = await rooms.byJoinLink(`http://link${request.url}`);
    if (!found) return sendNotice(reply, locale, 404, t.notFoundTitle, t.notFoundText);
    const { meeting } = found;
    if (rooms.isExpired(meeting)) return sendNotice(reply, locale, 410, t.expiredTitle, t.expiredText);
    const session = readSession(request, clock);
    if (rooms.linkAdmits(meeting, found.linkToken, classic)) {
      if (!session.passes.includes(meeting.joinMeetingId)) {
        session.passes.push(meeting.joinMeetingId);
        writeSession(reply, session, deps.secure);
      }
    } else if (!session.passes.includes(meeting.joinMeetingId)) {
      // Without the link's token, the passcode is asked, as when joining by meeting ID.
      return reply.redirect(`/meet?id=${meeting.joinMeetingId}`, 303);
    }
    const mine = await ownParticipant(meeting, session.rooms[meeting.joinMeetingId]);
    if (mine && (mine.state === 'lobby' || mine.state === 'inMeeting')) {
      return reply.redirect(`/room/${meeting.joinMeetingId}`, 303);
    }
    return sendJoinForm(reply, locale, t, meeting);
  };

  async function ownParticipant(meeting: MeetingRecord, id: string | undefined) {
    if (!id) return undefined;
    return (await rooms.room(meeting)).participants.find((p) => p.id === id);
  }

  const sendJoinForm = (
    reply: FastifyReply,
    locale: ReturnType<typeof negotiateLocale>,
    t: PageText,
    meeting: MeetingRecord,
    problem?: { kind: Kind; message: string; values: Record<string, string> },
  ) => {
    const chosen = problem?.kind ?? 'member';
    const v = problem?.values ?? {};
    const option = (kind: Kind, label: string, fields: Markup) => html`
<div class="choice"><input type="radio" name="kind" id="kind-${kind}" value="${kind}"${chosen === kind ? html` checked` : ''}><label for="kind-${kind}">${label}</label></div>
<div class="fields" id="fields-${kind}">${fields}</div>`;
    const input = (kind: Kind, name: string, label: string, type = 'text', autocomplete = 'off') => html`
<label for="${kind}-${name}">${label}</label><input type="${type}" id="${kind}-${name}" name="${kind}-${name}" value="${v[`${kind}-${name}`] ?? ''}" autocomplete="${autocomplete}" maxlength="256">`;
    return sendPage(reply, {
      locale,
      title: t.joinTitle,
      status: problem ? 400 : 200,
      body: html`
<h1>${meeting.document.settings.subject || t.joinTitle}</h1>
${meetingCard(locale, t, meeting)}
<form method="post" action="/room/${meeting.joinMeetingId}/join">
<fieldset>
<legend>${t.whoAreYou}</legend>
${problem ? html`<p class="error" role="alert">${problem.message}</p>` : ''}
${option('member', t.asMember, input('member', 'upn', t.signInName, 'email', 'username'))}
${option('federated', t.asFederated, html`${input('federated', 'name', t.yourName, 'text', 'name')}${input('federated', 'email', t.email, 'email', 'email')}`)}
${option('guest', t.asGuest, html`${input('guest', 'name', t.yourName, 'text', 'name')}${input('guest', 'email', t.email, 'email', 'email')}`)}
${option('anonymous', t.asAnonymous, input('anonymous', 'name', t.yourName, 'text', 'name'))}
</fieldset>
<button type="submit">${t.joinNow}</button>
</form>`,
    });
  };

  app.get('/l/meetup-join/:threadId/:messageId', (request, reply) => landing(request, reply, true));
  app.get<{ Params: { joinMeetingId: string } }>('/meet/:joinMeetingId', (request, reply) =>
    landing(request, reply, false),
  );

  /** The meeting a /room/{joinMeetingId} page is about, or a page saying why there is none. */
  async function roomMeeting(request: FastifyRequest<{ Params: { joinMeetingId: string } }>, reply: FastifyReply) {
    const locale = negotiateLocale(request.headers['accept-language']);
    const t = pageText(locale);
    const id = request.params.joinMeetingId;
    const meeting = /^\d{6,20}$/.test(id) ? await rooms.byJoinMeetingId(id) : undefined;
    if (!meeting) {
      await sendNotice(reply, locale, 404, t.notFoundTitle, t.notFoundText);
      return undefined;
    }
    return { meeting, locale, t, session: readSession(request, clock) };
  }

  app.post<{ Params: { joinMeetingId: string } }>('/room/:joinMeetingId/join', async (request, reply) => {
    const found = await roomMeeting(request, reply);
    if (!found) return reply;
    const { meeting, locale, t, session } = found;
    if (!session.passes.includes(meeting.joinMeetingId))
      return reply.redirect(`/meet?id=${meeting.joinMeetingId}`, 303);
    if (rooms.isExpired(meeting)) return sendNotice(reply, locale, 410, t.expiredTitle, t.expiredText);
    const kind = field(request, 'kind') as Kind;
    const values = Object.fromEntries(
      ['member-upn', 'federated-name', 'federated-email', 'guest-name', 'guest-email', 'anonymous-name'].map((n) => [
        n,
        field(request, n),
      ]),
    );
    if (!kinds.includes(kind))
      return sendJoinForm(reply, locale, t, meeting, { kind: 'member', message: t.whoAreYou, values });
    const refuse = (message: string) => sendJoinForm(reply, locale, t, meeting, { kind, message, values });
    let joiner: Joiner;
    const name = values[`${kind}-name`] ?? '';
    const email = values[`${kind}-email`] ?? '';
    if (kind === 'member') {
      try {
        joiner = await rooms.toJoiner(meeting, { kind: 'user', user: values['member-upn'] || '-' });
      } catch (err) {
        if (err instanceof GraphError && err.status === 404) return refuse(t.noSuchUser);
        throw err;
      }
    } else {
      if (!name) return refuse(t.nameRequired);
      if (kind !== 'anonymous' && !emailPattern.test(email)) return refuse(t.emailRequired);
      if (kind === 'federated') {
        const domain = email.slice(email.indexOf('@') + 1);
        joiner = { kind: 'federated', tenantId: guidOf(domain), userId: guidOf(email), displayName: name, email };
      } else if (kind === 'guest') {
        joiner = { kind: 'guest', displayName: name, email };
      } else {
        joiner = { kind: 'anonymous', displayName: name };
      }
    }
    try {
      const { participant } = await rooms.joinAs(meeting, joiner, session.rooms[meeting.joinMeetingId]);
      if (participant) session.rooms[meeting.joinMeetingId] = participant.id;
    } catch (err) {
      if (err instanceof GraphError && err.status === 410)
        return sendNotice(reply, locale, 410, t.expiredTitle, t.expiredText);
      throw err;
    }
    writeSession(reply, session, deps.secure);
    return reply.redirect(`/room/${meeting.joinMeetingId}`, 303);
  });

  app.get<{ Params: { joinMeetingId: string } }>('/room/:joinMeetingId', async (request, reply) => {
    const found = await roomMeeting(request, reply);
    if (!found) return reply;
    const { meeting, locale, t, session } = found;
    const room = await rooms.room(meeting);
    const me = room.participants.find((p) => p.id === session.rooms[meeting.joinMeetingId]);
    if (!me && !session.rooms[meeting.joinMeetingId]) return reply.redirect(joinPath(meeting), 303);
    return sendPage(reply, {
      locale,
      title: meeting.document.settings.subject || t.joinTitle,
      body: html`
<h1>${meeting.document.settings.subject || t.joinTitle}</h1>
<div id="live" data-refresh="/room/${meeting.joinMeetingId}/live" aria-live="polite">${live(t, meeting, room, me)}</div>`,
    });
  });

  app.get<{ Params: { joinMeetingId: string } }>('/room/:joinMeetingId/live', async (request, reply) => {
    const found = await roomMeeting(request, reply);
    if (!found) return reply;
    const { meeting, t, session } = found;
    const room = await rooms.room(meeting);
    const me = room.participants.find((p) => p.id === session.rooms[meeting.joinMeetingId]);
    return reply
      .headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' })
      .type('text/html; charset=utf-8')
      .send(live(t, meeting, room, me).text);
  });

  const act = (
    path: string,
    work: (meeting: MeetingRecord, me: string, target: string | undefined) => Promise<unknown>,
  ) =>
    app.post<{ Params: { joinMeetingId: string; participantId?: string } }>(path, async (request, reply) => {
      const found = await roomMeeting(request, reply);
      if (!found) return reply;
      const { meeting, locale, session } = found;
      const me = session.rooms[meeting.joinMeetingId];
      if (!me) return reply.redirect(joinPath(meeting), 303);
      try {
        await work(meeting, me, request.params.participantId);
      } catch (err) {
        // Someone else admitted them first, the meeting ended meanwhile: the page shows how things are now.
        if (!(err instanceof GraphError && err.status < 500)) throw err;
        request.log.info({ locale, reason: (err as Error).message }, 'room action refused');
      }
      return reply.redirect(`/room/${meeting.joinMeetingId}`, 303);
    });
  act('/room/:joinMeetingId/admit/:participantId', (m, me, target) => rooms.admit(m, target ?? '', me));
  act('/room/:joinMeetingId/deny/:participantId', (m, me, target) => rooms.deny(m, target ?? '', me));
  act('/room/:joinMeetingId/leave', (m, me) => rooms.leave(m, me));
  act('/room/:joinMeetingId/end', (m, me) => rooms.end(m, me));
}

/** The path of the meeting's own join link, where a browser without a participant starts. */
function joinPath(meeting: MeetingRecord): string {
  const url = new URL(meeting.document.joinWebUrl);
  return `${url.pathname}${url.search}`;
}

/** Subject, times, organizer and meeting ID, as the invitation gives them. */
export function meetingCard(locale: ReturnType<typeof negotiateLocale>, t: PageText, meeting: MeetingRecord): Markup {
  return html`
<div class="card"><dl>
<dt>${t.when}</dt><dd>${moment(locale, meeting.startDateTime)} – ${moment(locale, meeting.endDateTime)}</dd>
<dt>${t.organizer}</dt><dd>${meeting.document.organizer.displayName ?? meeting.document.organizer.userPrincipalName ?? ''}</dd>
<dt>${t.meetingId}</dt><dd>${meeting.joinMeetingId.replace(/(\d{3})(?=\d)/g, '$1 ')}</dd>
</dl></div>`;
}

/** The part of the meeting page that changes while it is open: it is fetched again every few seconds. */
function live(t: PageText, meeting: MeetingRecord, room: RoomRecord, me: RoomParticipant | undefined): Markup {
  const base = `/room/${meeting.joinMeetingId}`;
  if (!me || me.state === 'left') {
    return html`<p class="muted">${me ? t.left : t.ended}</p>
<form method="get" action="${joinPath(meeting).split('?')[0] ?? ''}">${hiddenQuery(meeting)}<button type="submit">${t.rejoin}</button></form>`;
  }
  if (me.state === 'denied') return html`<p class="error">${t.denied}</p>`;
  if (me.state === 'lobby') {
    return html`<div class="card"><h2>${t.inLobby}</h2><p>${t.lobbyWait}</p></div>
<form method="post" action="${base}/leave"><button type="submit" class="secondary">${t.leave}</button></form>`;
  }
  const inMeeting = room.participants.filter((p) => p.state === 'inMeeting');
  const lobby = mayAdmit(meeting, me.role) ? room.participants.filter((p) => p.state === 'lobby') : [];
  const ender = me.role === 'organizer' || me.role === 'coorganizer';
  return html`<p class="ok">${t.inMeeting} · <span class="role">${t.roles[me.role]}</span></p>
${
  lobby.length > 0
    ? html`<section class="card" aria-labelledby="lobby-h"><h2 id="lobby-h">${t.waitingInLobby} (${lobby.length})</h2><ul class="people">${lobby.map(
        (p) => html`<li><span>${participantName(p)}</span><span>
<form class="inline" method="post" action="${base}/admit/${p.id}"><button type="submit" aria-label="${t.admit}: ${participantName(p)}">${t.admit}</button></form>
<form class="inline" method="post" action="${base}/deny/${p.id}"><button type="submit" class="secondary" aria-label="${t.deny}: ${participantName(p)}">${t.deny}</button></form>
</span></li>`,
      )}</ul></section>`
    : ''
}
<section class="card" aria-labelledby="people-h"><h2 id="people-h">${t.people} (${inMeeting.length})</h2><ul class="people">${inMeeting.map(
    (p) =>
      html`<li><span>${participantName(p)}${p.id === me.id ? html` (${t.you})` : ''}</span><span class="role">${t.roles[p.role]}</span></li>`,
  )}</ul></section>
<form class="inline" method="post" action="${base}/leave"><button type="submit" class="secondary">${t.leave}</button></form>
${ender ? html` <form class="inline" method="post" action="${base}/end"><button type="submit" class="danger">${t.endMeeting}</button></form>` : ''}`;
}

/** The join link's query as hidden fields, so that "Rejoin" (a GET form) goes back to the same link. */
function hiddenQuery(meeting: MeetingRecord): Markup {
  const url = new URL(meeting.document.joinWebUrl);
  return html`${[...url.searchParams].map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}`;
}
