import type { FastifyReply } from 'fastify';
import type { Locale } from '../i18n/negotiate.js';
import { type PageText, pageText } from '../i18n/pages.js';
import { scriptPath, stylesheetPath } from './assets.js';
import { html, type Markup } from './html.js';

/**
 * What every page sends: a Content Security Policy that allows only graphmeet's own stylesheet, script and forms (no
 * inline code, no other origin, no framing), no caching (pages show live state and session-bound forms), and no
 * Referer (a join link carries its token in the query).
 */
export const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

export interface PageOptions {
  locale: Locale;
  title: string;
  body: Markup;
  status?: number;
  /** A page of tables (the console): the main column is wide. */
  wide?: boolean;
}

/** A whole page, in the viewer's language. */
export function sendPage(reply: FastifyReply, { locale, title, body, status = 200, wide = false }: PageOptions) {
  const t = pageText(locale);
  const page = html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ${t.appName}</title>
<link rel="stylesheet" href="${stylesheetPath}">
<script src="${scriptPath}" defer></script>
</head>
<body>
<header><a href="/">${t.appName}</a></header>
<main${wide ? html` class="wide"` : ''}>
${body}
</main>
</body>
</html>
`;
  return reply
    .code(status)
    .headers(securityHeaders)
    .type('text/html; charset=utf-8')
    .header('content-language', locale)
    .send(page.text);
}

/** A page that says one thing: a meeting that is gone, a link that expired. */
export function sendNotice(reply: FastifyReply, locale: Locale, status: number, title: string, text: string) {
  return sendPage(reply, { locale, title, status, body: html`<h1>${title}</h1><p>${text}</p>` });
}

/** Weekday, date, time to the minute and the zone, in the order and words of the viewer's language. */
export const momentFormat: Intl.DateTimeFormatOptions = {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** A moment as the server shows it (UTC, in the viewer's language); the script rewrites it in their time zone. */
export function moment(locale: Locale, iso: string): Markup {
  const date = new Date(iso);
  let text = iso;
  try {
    text = new Intl.DateTimeFormat(locale, { ...momentFormat, timeZone: 'UTC' }).format(date);
  } catch {
    // An unreadable date stays as stored.
  }
  return html`<time datetime="${date.toISOString()}" data-local>${text}</time>`;
}

export type { PageText };
