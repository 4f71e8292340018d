import type { FastifyInstance, FastifyReply } from 'fastify';
import { passcodeMatches } from '../domain/passcode-check.js';
import type { Locale } from '../i18n/negotiate.js';
import { negotiateLocale } from '../i18n/negotiate.js';
import { type PageText, pageText } from '../i18n/pages.js';
import type { WebDeps } from './deps.js';
import { html } from './html.js';
import { field } from './join.js';
import { sendPage } from './page.js';
import { readSession, writeSession } from './session.js';

/**
 * `<public-url>/meet`: join by meeting ID and passcode, as on teams.microsoft.com/meet. The passcode is compared in
 * constant time, and each meeting ID takes 5 wrong tries per 15 minutes (on all nodes together) before it is locked
 * for the rest of them.
 * A wrong ID and a wrong passcode get the same answer, so the form does not tell which meeting IDs exist.
 */
export function registerMeetByIdPage(app: FastifyInstance, deps: WebDeps): void {
  const form = (
    reply: FastifyReply,
    locale: Locale,
    t: PageText,
    values: { id: string },
    problem?: string,
    status = 200,
  ) =>
    sendPage(reply, {
      locale,
      title: t.joinById,
      status,
      body: html`
<h1>${t.joinById}</h1>
<p>${t.joinByIdIntro}</p>
<form method="post" action="/meet">
${problem ? html`<p class="error" role="alert" id="meet-error">${problem}</p>` : ''}
<label for="meet-id">${t.meetingId}</label>
<input type="text" id="meet-id" name="id" inputmode="numeric" autocomplete="off" maxlength="40" required value="${values.id}"${problem ? html` aria-describedby="meet-error"` : ''}>
<label for="meet-passcode">${t.passcode}</label>
<input type="text" id="meet-passcode" name="passcode" autocomplete="off" maxlength="40">
<p><button type="submit">${t.joinNow}</button></p>
</form>`,
    });

  app.get<{ Querystring: { id?: string } }>('/meet', (request, reply) => {
    const locale = negotiateLocale(request.headers['accept-language']);
    const id = typeof request.query.id === 'string' ? request.query.id.replace(/\D/g, '').slice(0, 20) : '';
    return form(reply, locale, pageText(locale), { id });
  });

  app.post('/meet', async (request, reply) => {
    const locale = negotiateLocale(request.headers['accept-language']);
    const t = pageText(locale);
    const id = field(request, 'id').replace(/[\s-]/g, '');
    const passcode = field(request, 'passcode');
    if (!/^\d{9,20}$/.test(id)) return form(reply, locale, t, { id: id.slice(0, 20) }, t.badMeetingId, 400);
    const lockedMs = await deps.throttle.lockedFor(id);
    if (lockedMs > 0) {
      const minutes = String(Math.ceil(lockedMs / 60_000));
      return form(
        reply.header('retry-after', String(Math.ceil(lockedMs / 1000))),
        locale,
        t,
        { id },
        t.lockedOut.replace('{n}', minutes),
        429,
      );
    }
    const meeting = await deps.rooms.byJoinMeetingId(id);
    const expected = meeting?.document.isPasscodeRequired ? (meeting.document.passcode ?? '') : '';
    // A meeting without a passcode takes whatever is typed; a missing meeting is compared all the same.
    const right = passcodeMatches(passcode, meeting ? expected || passcode : '\u0000no meeting');
    if (!meeting || !right) {
      await deps.throttle.failed(id);
      return form(reply, locale, t, { id }, t.wrongPasscode, 400);
    }
    await deps.throttle.succeeded(id);
    const session = readSession(request, deps.clock);
    if (!session.passes.includes(id)) session.passes.push(id);
    writeSession(reply, session, deps.secure);
    const link = new URL(meeting.document.joinWebUrl);
    return reply.redirect(`${link.pathname}${link.search}`, 303);
  });
}
