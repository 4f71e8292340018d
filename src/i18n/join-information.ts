/**
 * joinInformation: an itemBody whose content is `data:text/html,` followed by an HTML invitation,
 * form-URL-encoded as a whole (spaces as `+`, upper-case hex), the way the real service sends it (spec §4.4).
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
  joinHeading: string;
  joinLink: string;
  meetingId: string;
  passcode: string;
  dialIn: string;
  toll: string;
  tollFree: string;
  conferenceId: string;
  localNumbers: string;
  meetingOptions: string;
}

const catalogs: Record<string, Catalog> = {
  en: {
    joinHeading: 'Microsoft Teams meeting',
    joinLink: 'Join the meeting now',
    meetingId: 'Meeting ID:',
    passcode: 'Passcode:',
    dialIn: 'Dial in by phone',
    toll: '(Toll)',
    tollFree: '(Toll-free)',
    conferenceId: 'Phone conference ID:',
    localNumbers: 'Find a local number',
    meetingOptions: 'Meeting options',
  },
};

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => escapes[c] as string);

/** Groups digits in threes for reading out: 123456789012 -> "123 456 789 012". */
const grouped = (digits: string) => digits.replace(/(\d{3})(?=\d)/g, '$1 ');

const telLink = (number: string, conferenceId: string) => `tel:${number.replace(/[^\d+]/g, '')},,${conferenceId}#`;

export function joinInformationHtml(d: JoinDetails, locale = 'en'): string {
  const t = catalogs[locale] ?? (catalogs.en as Catalog);
  const e = escapeHtml;
  const lines = [
    '<div style="width:100%;height:20px;">',
    '<span style="white-space:nowrap;color:#5F5F5F;opacity:.36;">________________________________________________________________________________</span>',
    '</div>',
    `<div class="me-email-text" lang="${e(locale)}" style="color:#252424;font-family:'Segoe UI','Helvetica Neue',Helvetica,Arial,sans-serif;">`,
    `<div style="margin-top:24px;margin-bottom:20px;"><span style="font-size:24px;color:#252424">${e(t.joinHeading)}</span></div>`,
    `<div style="margin-bottom:20px;"><a class="me-email-headline" href="${e(d.joinWebUrl)}" target="_blank" rel="noreferrer noopener">${e(t.joinLink)}</a></div>`,
    `<div style="margin-bottom:20px;"><span>${e(t.meetingId)} </span><span class="me-email-text">${e(grouped(d.joinMeetingId))}</span>`,
    ...(d.passcode ? [`<br><span>${e(t.passcode)} </span><span class="me-email-text">${e(d.passcode)}</span>`] : []),
    '</div>',
    `<div style="margin-bottom:4px;"><span style="font-size:14px;font-weight:600;">${e(t.dialIn)}</span></div>`,
    ...(d.tollNumber
      ? [
          `<div><a href="${e(telLink(d.tollNumber, d.conferenceId))}">${e(d.tollNumber)},,${e(d.conferenceId)}#</a> ${e(t.toll)}</div>`,
        ]
      : []),
    ...(d.tollFreeNumber
      ? [
          `<div><a href="${e(telLink(d.tollFreeNumber, d.conferenceId))}">${e(d.tollFreeNumber)},,${e(d.conferenceId)}#</a> ${e(t.tollFree)}</div>`,
        ]
      : []),
    `<div style="margin-bottom:20px;"><span>${e(t.conferenceId)} </span><span>${e(grouped(d.conferenceId))}#</span></div>`,
    `<div><a href="${e(d.dialinUrl)}" target="_blank" rel="noreferrer noopener">${e(t.localNumbers)}</a> | `,
    `<a href="${e(d.meetingOptionsWebUrl)}" target="_blank" rel="noreferrer noopener">${e(t.meetingOptions)}</a></div>`,
    '</div>',
    '<div style="width:100%;height:20px;">',
    '<span style="white-space:nowrap;color:#5F5F5F;opacity:.36;">________________________________________________________________________________</span>',
    '</div>',
  ];
  return lines.join('\n');
}

/** Form-URL-encoding as .NET writes it: encodeURIComponent, with spaces as `+`. */
export function joinInformationContent(html: string): string {
  return encodeURIComponent(`data:text/html,${html}`).replace(/%20/g, '+');
}
