import type { FastifyInstance } from 'fastify';
import { negotiateLocale } from '../i18n/negotiate.js';
import { pageText } from '../i18n/pages.js';
import type { WebDeps } from './deps.js';
import { html } from './html.js';
import { sendNotice, sendPage } from './page.js';

/**
 * The meeting's dialinUrl (`/dialin/{tenantId}?id={conferenceId}`): the numbers to call and the conference ID to
 * type; and the invitation's "Reset dial-in PIN" link (`/dialin/pstnconferencing`).
 */
export function registerDialInPages(app: FastifyInstance, deps: WebDeps): void {
  app.get('/dialin/pstnconferencing', (request, reply) => {
    const locale = negotiateLocale(request.headers['accept-language']);
    const t = pageText(locale);
    return sendNotice(reply, locale, 200, t.resetPinTitle, t.resetPinText);
  });

  app.get<{ Params: { tenantId: string }; Querystring: { id?: string } }>(
    '/dialin/:tenantId',
    async (request, reply) => {
      const locale = negotiateLocale(request.headers['accept-language']);
      const t = pageText(locale);
      const id = typeof request.query.id === 'string' ? request.query.id : '';
      const meeting = /^\d{4,20}$/.test(id) ? await deps.rooms.byConferenceId(id) : undefined;
      if (!meeting || meeting.tenantId !== request.params.tenantId.toLowerCase()) {
        return sendNotice(reply, locale, 404, t.notFoundTitle, t.notFoundText);
      }
      const numbers = [
        [t.tollNumber, meeting.document.tollNumber],
        [t.tollFreeNumber, meeting.document.tollFreeNumber],
      ].filter((n): n is [string, string] => typeof n[1] === 'string' && n[1] !== '');
      const tel = (n: string) => `tel:${n.replace(/[^\d+]/g, '')},,${meeting.conferenceId}#`;
      return sendPage(reply, {
        locale,
        title: t.dialInTitle,
        body: html`<h1>${t.dialInTitle}</h1>
<p>${meeting.document.settings.subject ?? ''}</p>
<div class="card"><dl>
${numbers.length === 0 ? html`<dt>${t.tollNumber}</dt><dd>${t.noNumbers}</dd>` : ''}
${numbers.map(([label, n]) => html`<dt>${label}</dt><dd><a href="${tel(n)}">${n}</a></dd>`)}
<dt>${t.conferenceId}</dt><dd>${meeting.conferenceId}#</dd>
</dl></div>`,
      });
    },
  );
}
