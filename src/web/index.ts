import cookie from '@fastify/cookie';
import formBody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLocale } from '../i18n/negotiate.js';
import { pageText } from '../i18n/pages.js';
import { script, scriptPath, stylesheet, stylesheetPath } from './assets.js';
import { registerConsole } from './console.js';
import type { WebDeps } from './deps.js';
import { registerDialInPages } from './dialin.js';
import { html } from './html.js';
import { registerJoinPages } from './join.js';
import { registerMeetByIdPage } from './meet.js';
import { registerMeetingOptionsPage } from './options.js';
import { sendNotice, sendPage } from './page.js';

/**
 * The pages people open: the home page, the join links (classic and short), the lobby and meeting, join by meeting
 * ID, meeting options and dial-in. Server-rendered from the same use cases as the API; forms only from this origin.
 */
export async function registerWebPages(app: FastifyInstance, deps: WebDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(cookie, { secret: deps.pageKey, hook: 'onRequest' });
    await scope.register(formBody, { bodyLimit: 8_192 });

    // A form posted from another site (or a page framed by one) is refused: SameSite=Strict cookies already keep
    // the session out of such requests; this keeps a cross-site form from even trying.
    scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'POST') return;
      const site = request.headers['sec-fetch-site'];
      const origin = request.headers.origin;
      const host = request.headers.host;
      const crossSite =
        site === 'cross-site' || (typeof origin === 'string' && origin !== 'null' && hostOf(origin) !== host);
      if (crossSite) {
        const locale = negotiateLocale(request.headers['accept-language']);
        return sendNotice(reply, locale, 403, '403', 'Forms are taken only from this site.');
      }
    });

    const immutable = 'public, max-age=31536000, immutable';
    scope.get(stylesheetPath, (_request, reply) =>
      reply
        .type('text/css; charset=utf-8')
        .header('cache-control', immutable)
        .header('x-content-type-options', 'nosniff')
        .send(stylesheet),
    );
    scope.get(scriptPath, (_request, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', immutable)
        .header('x-content-type-options', 'nosniff')
        .send(script),
    );

    // Browsers ask for it on every page: answered here (nothing to show), so it is not taken for an app's request.
    scope.get('/favicon.ico', (_request, reply) => reply.code(204).header('cache-control', immutable).send());

    scope.get('/', (request, reply) => {
      const locale = negotiateLocale(request.headers['accept-language']);
      const t = pageText(locale);
      return sendPage(reply, {
        locale,
        title: t.appName,
        body: html`<h1>${t.appName}</h1><p>${t.homeIntro}</p>
<ul><li><a href="/meet">${t.joinById}</a></li><li><a href="/openapi.json">OpenAPI</a></li><li><a href="/_graphmeet/health">/_graphmeet/health</a></li></ul>`,
      });
    });

    registerJoinPages(scope, deps);
    registerMeetByIdPage(scope, deps);
    registerMeetingOptionsPage(scope, deps);
    registerDialInPages(scope, deps);
    registerConsole(scope, deps);
  });
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
