import assert from 'node:assert/strict';
import { test } from 'node:test';
import { negotiateLocale } from '../../src/i18n/negotiate.js';

const cases: [string | undefined, string][] = [
  [undefined, 'en'],
  ['', 'en'],
  ['ja', 'ja'],
  ['ja-JP', 'ja'],
  ['JA-jp', 'ja'],
  ['zh', 'zh-Hans'],
  ['zh-CN', 'zh-Hans'],
  ['zh-SG', 'zh-Hans'],
  ['zh-Hans-CN', 'zh-Hans'],
  ['zh-TW', 'zh-Hant'],
  ['zh-HK', 'zh-Hant'],
  ['zh-Hant', 'zh-Hant'],
  ['pt', 'pt-BR'],
  ['pt-PT', 'pt-BR'],
  ['de-AT', 'de'],
  ['es-MX', 'es'],
  ['fr-CA', 'fr'],
  ['ko-KR', 'ko'],
  ['ru', 'ru'],
  ['en-GB', 'en'],
  ['it-IT', 'en'],
  ['*', 'en'],
  ['not a tag!!', 'en'],
  ['fr-CH, fr;q=0.9, en;q=0.8', 'fr'],
  ['de;q=0.5, ja;q=0.9', 'ja'],
  ['ja;q=0, ko', 'ko'],
  ['it, sv;q=0.9, de;q=0.1', 'de'],
  ['x-klingon, ru;q=0.5', 'ru'],
];

for (const [header, expected] of cases) {
  test(`when Accept-Language is ${JSON.stringify(header)}, then the invitation is in ${expected}`, () => {
    assert.equal(negotiateLocale(header), expected);
  });
}

test('when the header is very long, then only its first ranges count (the rest cannot cost time)', () => {
  const filler = Array.from({ length: 2500 }, (_, i) => `xx-${i.toString(36)}`).join(',');
  assert.equal(negotiateLocale(`ja, ${filler}`), 'ja');
  assert.equal(negotiateLocale(`${filler}, ja`), 'en', 'a language after the first 512 characters is not considered');
  assert.equal(negotiateLocale('a'.repeat(16_000)), 'en');
});
