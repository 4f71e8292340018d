import { escapeMarkup } from '../common/text.js';
import type { Locale } from './negotiate.js';

/**
 * joinInformation: an itemBody whose content is `data:text/html,` followed by an HTML invitation,
 * form-URL-encoded as a whole (spaces as `+`, upper-case hex), the way the real service sends it (the
 * Japanese example of https://learn.microsoft.com/en-us/graph/api/application-post-onlinemeetings).
 * The layout follows the invitation Teams writes today: a "Need help?" line, "Join the meeting now", meeting ID
 * and passcode, then "Dial in by phone" with the numbers, the phone conference ID and the organizer links.
 */
export interface JoinDetails {
  joinWebUrl: string;
  joinMeetingId: string;
  passcode: string | null;
  tollNumber: string | null;
  tollFreeNumber: string | null;
  conferenceId: string;
  dialinUrl: string;
  meetingOptionsWebUrl: string;
}

interface Catalog {
  needHelp: string;
  join: string;
  meetingId: string;
  passcode: string;
  dialIn: string;
  toll: string;
  tollFree: string;
  localNumber: string;
  conferenceId: string;
  forOrganizers: string;
  meetingOptions: string;
  resetPin: string;
}

/**
 * The words of Teams invitations. English, German, Spanish and Japanese are checked against real invitations
 * (Japanese also against the sample in the Graph docs), the Chinese passcode word against the zh-CN docs. French
 * (France) join, meeting ID and passcode lines, the French organizer lines and the Brazilian "ID da reunião" come
 * from code that parses real invitations; the rest follow Microsoft's own terms (собрание, 모임, 召集人, Ingressar).
 */
const catalogs: Record<Locale, Catalog> = {
  en: {
    needHelp: 'Need help?',
    join: 'Join the meeting now',
    meetingId: 'Meeting ID:',
    passcode: 'Passcode:',
    dialIn: 'Dial in by phone',
    toll: '(Toll)',
    tollFree: '(Toll-free)',
    localNumber: 'Find a local number',
    conferenceId: 'Phone conference ID:',
    forOrganizers: 'For organizers:',
    meetingOptions: 'Meeting options',
    resetPin: 'Reset dial-in PIN',
  },
  ja: {
    needHelp: 'ヘルプが必要ですか?',
    join: '今すぐ会議に参加する',
    meetingId: '会議 ID:',
    passcode: 'パスコード:',
    dialIn: '電話でダイヤルイン',
    toll: '(有料)',
    tollFree: '(無料)',
    localNumber: '最寄りの国の電話番号を検索',
    conferenceId: '電話会議 ID:',
    forOrganizers: '開催者向け:',
    meetingOptions: '会議のオプション',
    resetPin: 'PIN をリセット',
  },
  'zh-Hans': {
    needHelp: '需要帮助?',
    join: '立即加入会议',
    meetingId: '会议 ID:',
    passcode: '密码:',
    dialIn: '通过电话拨入',
    toll: '(收费)',
    tollFree: '(免费)',
    localNumber: '查找本地号码',
    conferenceId: '电话会议 ID:',
    forOrganizers: '对于组织者:',
    meetingOptions: '会议选项',
    resetPin: '重置拨入 PIN',
  },
  'zh-Hant': {
    needHelp: '需要協助嗎?',
    join: '立即加入會議',
    meetingId: '會議識別碼:',
    passcode: '密碼:',
    dialIn: '透過電話撥入',
    toll: '(付費)',
    tollFree: '(免付費)',
    localNumber: '尋找當地號碼',
    conferenceId: '電話會議識別碼:',
    forOrganizers: '適用於召集人:',
    meetingOptions: '會議選項',
    resetPin: '重設撥入 PIN',
  },
  ru: {
    needHelp: 'Нужна помощь?',
    join: 'Присоединиться к собранию сейчас',
    meetingId: 'Идентификатор собрания:',
    passcode: 'Секретный код:',
    dialIn: 'Подключение по телефону',
    toll: '(платный)',
    tollFree: '(бесплатный)',
    localNumber: 'Найти местный номер',
    conferenceId: 'Идентификатор телефонной конференции:',
    forOrganizers: 'Для организаторов:',
    meetingOptions: 'Параметры собрания',
    resetPin: 'Сбросить ПИН-код для телефонного подключения',
  },
  de: {
    needHelp: 'Benötigen Sie Hilfe?',
    join: 'Jetzt an der Besprechung teilnehmen',
    meetingId: 'Besprechungs-ID:',
    passcode: 'Passcode:',
    dialIn: 'Einwahl per Telefon',
    toll: '(gebührenpflichtig)',
    tollFree: '(gebührenfrei)',
    localNumber: 'Lokale Nummer suchen',
    conferenceId: 'Telefonkonferenz-ID:',
    forOrganizers: 'Für Organisatoren:',
    meetingOptions: 'Besprechungsoptionen',
    resetPin: 'Einwahl-PIN zurücksetzen',
  },
  fr: {
    needHelp: 'Besoin d’aide ?',
    join: 'Participer à la réunion maintenant',
    meetingId: 'ID de réunion :',
    passcode: 'Code d’accès :',
    dialIn: 'Participer par téléphone',
    toll: '(payant)',
    tollFree: '(gratuit)',
    localNumber: 'Trouver un numéro local',
    conferenceId: 'ID de conférence téléphonique :',
    forOrganizers: 'Pour les organisateurs :',
    meetingOptions: 'Options de réunion',
    resetPin: 'Réinitialiser le code PIN d’accès par téléphone',
  },
  es: {
    needHelp: '¿Necesita ayuda?',
    join: 'Unirse a la reunión ahora',
    meetingId: 'Id. de reunión:',
    passcode: 'Código de acceso:',
    dialIn: 'Marcar por teléfono',
    toll: '(de pago)',
    tollFree: '(gratuito)',
    localNumber: 'Buscar un número local',
    conferenceId: 'Id. de conferencia telefónica:',
    forOrganizers: 'Para organizadores:',
    meetingOptions: 'Opciones de reunión',
    resetPin: 'Restablecer el PIN de acceso telefónico',
  },
  'pt-BR': {
    needHelp: 'Precisa de ajuda?',
    join: 'Ingressar na reunião agora',
    meetingId: 'ID da reunião:',
    passcode: 'Senha:',
    dialIn: 'Discar pelo telefone',
    toll: '(tarifado)',
    tollFree: '(gratuito)',
    localNumber: 'Encontrar um número local',
    conferenceId: 'ID da conferência telefônica:',
    forOrganizers: 'Para organizadores:',
    meetingOptions: 'Opções de reunião',
    resetPin: 'Redefinir o PIN de discagem',
  },
  ko: {
    needHelp: '도움이 필요하세요?',
    join: '지금 모임에 참가',
    meetingId: '모임 ID:',
    passcode: '암호:',
    dialIn: '전화로 참가',
    toll: '(유료)',
    tollFree: '(무료)',
    localNumber: '지역 번호 찾기',
    conferenceId: '전화 회의 ID:',
    forOrganizers: '이끌이용:',
    meetingOptions: '모임 옵션',
    resetPin: '전화 접속 PIN 재설정',
  },
};

/** Every value that is not the server's own markup goes through it. */
export const escapeHtml = escapeMarkup;

/** Groups digits in threes for reading out: 123456789012 -> "123 456 789 012". */
const grouped = (digits: string) => digits.replace(/(\d{3})(?=\d)/g, '$1 ');

const telLink = (number: string, conferenceId: string) => `tel:${number.replace(/[^\d+]/g, '')},,${conferenceId}#`;

const divider =
  '<div style="width:100%;"><span style="white-space:nowrap;color:#5F5F5F;opacity:.36;">________________________________________________________________________________</span></div>';

/** The values an invitation shows, as they appear in it (before HTML escaping). */
interface Slots {
  joinHref: string;
  meetingId: string;
  passcode: string;
  tollHref: string;
  tollText: string;
  tollFreeHref: string;
  tollFreeText: string;
  dialinHref: string;
  conferenceId: string;
  optionsHref: string;
  resetPinHref: string;
}
type SlotName = keyof Slots;
const slotNames: SlotName[] = [
  'joinHref',
  'meetingId',
  'passcode',
  'tollHref',
  'tollText',
  'tollFreeHref',
  'tollFreeText',
  'dialinHref',
  'conferenceId',
  'optionsHref',
  'resetPinHref',
];

/** Which parts of the invitation a meeting has: the layout differs by them, never by the values. */
interface Shape {
  passcode: boolean;
  toll: boolean;
  tollFree: boolean;
}

function slotsOf(d: JoinDetails): Slots {
  return {
    joinHref: d.joinWebUrl,
    meetingId: grouped(d.joinMeetingId),
    passcode: d.passcode ?? '',
    tollHref: d.tollNumber ? telLink(d.tollNumber, d.conferenceId) : '',
    tollText: d.tollNumber ? `${d.tollNumber},,${d.conferenceId}#` : '',
    tollFreeHref: d.tollFreeNumber ? telLink(d.tollFreeNumber, d.conferenceId) : '',
    tollFreeText: d.tollFreeNumber ? `${d.tollFreeNumber},,${d.conferenceId}#` : '',
    dialinHref: d.dialinUrl,
    conferenceId: grouped(d.conferenceId),
    optionsHref: d.meetingOptionsWebUrl,
    resetPinHref: `${new URL(d.dialinUrl).origin}/dialin/pstnconferencing`,
  };
}

const shapeOf = (d: JoinDetails): Shape => ({
  passcode: Boolean(d.passcode),
  toll: Boolean(d.tollNumber),
  tollFree: Boolean(d.tollFreeNumber),
});

/** The invitation's HTML; `v` gives each slot's text already escaped (or a placeholder, when compiling). */
function invitationHtml(shape: Shape, locale: Locale, v: (slot: SlotName) => string): string {
  const t = catalogs[locale];
  const e = escapeHtml;
  const link = (href: string, text: string, style = '') =>
    `<a href="${href}" target="_blank" rel="noreferrer noopener"${style}>${text}</a>`;
  const phone = (href: SlotName, text: SlotName, label: string) =>
    `<div style="margin-bottom:4px;">${link(v(href), v(text))} ${e(label)}</div>`;
  return [
    divider,
    `<div class="me-email-text" lang="${e(locale)}" style="color:#242424;font-family:'Segoe UI','Helvetica Neue',Helvetica,Arial,sans-serif;">`,
    `<div style="margin-top:24px;margin-bottom:6px;"><span style="font-size:24px;font-weight:700;">Microsoft Teams</span> ${link(e(`https://aka.ms/JoinTeamsMeeting?omkt=${locale}`), e(t.needHelp))}</div>`,
    `<div style="margin-bottom:6px;">${link(v('joinHref'), e(t.join), ' class="me-email-headline" style="font-size:20px;font-weight:600;"')}</div>`,
    `<div style="margin-bottom:6px;"><span>${e(t.meetingId)} </span><span style="font-weight:600;">${v('meetingId')}</span></div>`,
    ...(shape.passcode
      ? [
          `<div style="margin-bottom:24px;"><span>${e(t.passcode)} </span><span style="font-weight:600;">${v('passcode')}</span></div>`,
        ]
      : []),
    divider,
    `<div style="margin-top:24px;margin-bottom:6px;"><span style="font-size:16px;font-weight:600;">${e(t.dialIn)}</span></div>`,
    ...(shape.toll ? [phone('tollHref', 'tollText', t.toll)] : []),
    ...(shape.tollFree ? [phone('tollFreeHref', 'tollFreeText', t.tollFree)] : []),
    `<div style="margin-bottom:6px;">${link(v('dialinHref'), e(t.localNumber))}</div>`,
    `<div style="margin-bottom:24px;"><span>${e(t.conferenceId)} </span><span style="font-weight:600;">${v('conferenceId')}#</span></div>`,
    `<div style="margin-bottom:24px;font-size:12px;"><span>${e(t.forOrganizers)} </span>${link(v('optionsHref'), e(t.meetingOptions))} | ${link(v('resetPinHref'), e(t.resetPin))}</div>`,
    '</div>',
    divider,
  ].join('\n');
}

export function joinInformationHtml(d: JoinDetails, locale: Locale = 'en'): string {
  const slots = slotsOf(d);
  return invitationHtml(shapeOf(d), locale, (slot) => escapeHtml(slots[slot]));
}

/** Form-URL-encoding as .NET writes it: encodeURIComponent, with spaces as `+`. */
const formEncode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');

/** joinInformation.content for an invitation's HTML: `data:text/html,` and the HTML, form-URL-encoded as a whole. */
export function joinInformationContent(html: string): string {
  return formEncode(`data:text/html,${html}`);
}

/**
 * The invitation of a language and shape, encoded once: its fixed parts, and between them the slots to fill. Form
 * encoding works character by character, so encoding each value on its own and joining gives the same text as
 * encoding the whole, while a request encodes only its own few values instead of 3 KB of markup.
 */
interface CompiledInvitation {
  parts: string[];
  slots: SlotName[];
}
const compiled = new Map<string, CompiledInvitation>();
const marker = (i: number) => `\u0001${i}\u0001`;

function compile(shape: Shape, locale: Locale): CompiledInvitation {
  const key = `${locale}:${shape.passcode}:${shape.toll}:${shape.tollFree}`;
  let found = compiled.get(key);
  if (found) return found;
  const encoded = joinInformationContent(invitationHtml(shape, locale, (slot) => marker(slotNames.indexOf(slot))));
  const pieces = encoded.split(/%01(\d+)%01/);
  found = {
    parts: pieces.filter((_, i) => i % 2 === 0),
    slots: pieces.filter((_, i) => i % 2 === 1).map((n) => slotNames[Number(n)] as SlotName),
  };
  compiled.set(key, found);
  return found;
}

/** joinInformation.content of a meeting: the same text as joinInformationContent(joinInformationHtml(…)). */
export function joinInformationFor(d: JoinDetails, locale: Locale = 'en'): string {
  const { parts, slots } = compile(shapeOf(d), locale);
  const values = slotsOf(d);
  let out = parts[0] as string;
  for (let i = 0; i < slots.length; i++) {
    out += formEncode(escapeHtml(values[slots[i] as SlotName])) + (parts[i + 1] as string);
  }
  return out;
}
