import Negotiator from 'negotiator';

/** The languages joinInformation is written in, as BCP 47 tags. */
export const supportedLocales = ['en', 'ja', 'zh-Hans', 'zh-Hant', 'ru', 'de', 'fr', 'es', 'pt-BR', 'ko'] as const;
export type Locale = (typeof supportedLocales)[number];

const byLowerCase = new Map<string, Locale>(supportedLocales.map((l) => [l.toLowerCase(), l]));

/**
 * The best supported language for an Accept-Language header: ranges in q order (q=0 excluded), each tried
 * as written, then by script (zh-TW and zh-HK read Traditional, zh and zh-SG Simplified), by language and
 * region (pt -> pt-BR), by language alone (ja-JP -> ja), and finally any region of the language (pt-PT ->
 * pt-BR). `*`, nothing usable, or no header at all: English.
 */
export function negotiateLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'en';
  const ranges = new Negotiator({ headers: { 'accept-language': bounded(acceptLanguage) } }).languages();
  for (const range of ranges.slice(0, maxRanges)) {
    if (range === '*') return 'en';
    const found = localeFor(range);
    if (found) return found;
  }
  return 'en';
}

/**
 * Real headers list a handful of languages in well under 200 characters; a 16 KB header of thousands of ranges
 * cost 56 ms to negotiate, so only the first 512 characters (cut at a comma) and 20 ranges are considered.
 */
const maxHeaderLength = 512;
const maxRanges = 20;

function bounded(header: string): string {
  if (header.length <= maxHeaderLength) return header;
  const cut = header.lastIndexOf(',', maxHeaderLength);
  return cut === -1 ? '' : header.slice(0, cut);
}

function localeFor(range: string): Locale | undefined {
  const exact = byLowerCase.get(range.toLowerCase());
  if (exact) return exact;
  let tag: Intl.Locale;
  try {
    tag = new Intl.Locale(range).maximize();
  } catch {
    return undefined;
  }
  const language = tag.language.toLowerCase();
  for (const candidate of [`${language}-${tag.script}`, `${language}-${tag.region}`, language]) {
    const hit = byLowerCase.get(candidate.toLowerCase());
    if (hit) return hit;
  }
  return supportedLocales.find((l) => l.toLowerCase().startsWith(`${language}-`));
}
