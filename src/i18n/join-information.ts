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

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text and attribute values alike: every value that is not the server's own markup goes through it. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => escapes[c] as string);

/** Groups digits in threes for reading out: 123456789012 -> "123 456 789 012". */
const grouped = (digits: string) => digits.replace(/(\d{3})(?=\d)/g, '$1 ');

const telLink = (number: string, conferenceId: string) => `tel:${number.replace(/[^\d+]/g, '')},,${conferenceId}#`;

const divider =
  '<div style="width:100%;"><span style="white-space:nowrap;color:#5F5F5F;opacity:.36;">________________________________________________________________________________</span></div>';

export function joinInformationHtml(d: JoinDetails, locale: Locale = 'en'): string {
  const t = catalogs[locale];
  const e = escapeHtml;
  const link = (href: string, text: string, style = '') =>
    `<a href="${e(href)}" target="_blank" rel="noreferrer noopener"${style}>${e(text)}</a>`;
  const phone = (number: string, label: string) =>
    `<div style="margin-bottom:4px;">${link(telLink(number, d.conferenceId), `${number},,${d.conferenceId}#`)} ${e(label)}</div>`;
  const origin = new URL(d.dialinUrl).origin;
  return [
    divider,
    `<div class="me-email-text" lang="${e(locale)}" style="color:#242424;font-family:'Segoe UI','Helvetica Neue',Helvetica,Arial,sans-serif;">`,
    `<div style="margin-top:24px;margin-bottom:6px;"><span style="font-size:24px;font-weight:700;">Microsoft Teams</span> ${link(`https://aka.ms/JoinTeamsMeeting?omkt=${locale}`, t.needHelp)}</div>`,
    `<div style="margin-bottom:6px;">${link(d.joinWebUrl, t.join, ' class="me-email-headline" style="font-size:20px;font-weight:600;"')}</div>`,
    `<div style="margin-bottom:6px;"><span>${e(t.meetingId)} </span><span style="font-weight:600;">${e(grouped(d.joinMeetingId))}</span></div>`,
    ...(d.passcode
      ? [
          `<div style="margin-bottom:24px;"><span>${e(t.passcode)} </span><span style="font-weight:600;">${e(d.passcode)}</span></div>`,
        ]
      : []),
    divider,
    `<div style="margin-top:24px;margin-bottom:6px;"><span style="font-size:16px;font-weight:600;">${e(t.dialIn)}</span></div>`,
    ...(d.tollNumber ? [phone(d.tollNumber, t.toll)] : []),
    ...(d.tollFreeNumber ? [phone(d.tollFreeNumber, t.tollFree)] : []),
    `<div style="margin-bottom:6px;">${link(d.dialinUrl, t.localNumber)}</div>`,
    `<div style="margin-bottom:24px;"><span>${e(t.conferenceId)} </span><span style="font-weight:600;">${e(grouped(d.conferenceId))}#</span></div>`,
    `<div style="margin-bottom:24px;font-size:12px;"><span>${e(t.forOrganizers)} </span>${link(d.meetingOptionsWebUrl, t.meetingOptions)} | ${link(`${origin}/dialin/pstnconferencing`, t.resetPin)}</div>`,
    '</div>',
    divider,
  ].join('\n');
}

/** Form-URL-encoding as .NET writes it: encodeURIComponent, with spaces as `+`. */
export function joinInformationContent(html: string): string {
  return encodeURIComponent(`data:text/html,${html}`).replace(/%20/g, '+');
}
