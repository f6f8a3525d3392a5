// The platform's e-mails, in every language of the web app (packages/web/src/i18n), each as plain text and as HTML
// that reads on a phone: one column at most 560 px wide, 16 px text, a large button, the link also written out.
// Every value put into a mail is escaped; nothing a person typed becomes markup.
import type { MailMessage } from './mail';

/** The languages mails are written in: those of the web app (a test keeps the two lists equal). */
export const MAIL_LOCALES = ['en', 'fr'] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

/** A locale of ours from a stored choice or an Accept-Language header, else English. */
export function mailLocale(...candidates: (string | null | undefined)[]): MailLocale {
  for (const c of candidates) {
    if (!c) continue;
    for (const part of c.split(',')) {
      const tag = part.trim().slice(0, 2).toLowerCase();
      if ((MAIL_LOCALES as readonly string[]).includes(tag)) return tag as MailLocale;
    }
  }
  return 'en';
}

interface Body {
  subject: string;
  /** Paragraphs before the button. */
  lines: string[];
  /** The button's label and where it goes. */
  action?: { label: string; url: string };
  /** Paragraphs after it (what to do if this was not you, when the link expires). */
  after: string[];
  /** The footer's unsubscribe sentence and link, on mails a person may ask not to get again. */
  unsubscribe?: { label: string; url: string };
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Plain text and HTML of one mail. */
function render(locale: MailLocale, to: string, kind: string, body: Body): MailMessage {
  const orCopy =
    locale === 'fr' ? 'Ou copiez ce lien dans votre navigateur :' : 'Or copy this link into your browser:';
  const text = [
    ...body.lines,
    ...(body.action ? [`${body.action.label}: ${body.action.url}`] : []),
    ...body.after,
    ...(body.unsubscribe ? ['--', `${body.unsubscribe.label}: ${body.unsubscribe.url}`] : []),
  ].join('\n\n');
  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const button = body.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(body.action.url)}" style="display:inline-block;background:#1f5f4a;color:#ffffff;text-decoration:none;padding:14px 22px;border-radius:6px;font-weight:bold;font-size:17px">${escapeHtml(body.action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:14px;color:#555555">${escapeHtml(orCopy)}<br><a href="${escapeHtml(body.action.url)}" style="color:#1f5f4a;word-break:break-all">${escapeHtml(body.action.url)}</a></p>`
    : '';
  const footer = body.unsubscribe
    ? `<p style="margin:32px 0 0;font-size:13px;color:#666666;border-top:1px solid #dddddd;padding-top:12px"><a href="${escapeHtml(body.unsubscribe.url)}" style="color:#666666">${escapeHtml(body.unsubscribe.label)}</a></p>`
    : '';
  const html =
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(body.subject)}</title></head>` +
    `<body style="margin:0;padding:0;background:#f4f4f0">` +
    `<div style="max-width:560px;margin:0 auto;padding:24px 16px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#222222;background:#ffffff;overflow-wrap:anywhere">` +
    body.lines.map(p).join('') +
    button +
    body.after.map(p).join('') +
    footer +
    `</div></body></html>`;
  return { to, subject: body.subject, text, html, kind };
}

/** A link to reset a forgotten password. */
export function passwordResetMail(
  locale: MailLocale,
  to: string,
  a: { name: string; url: string; hours: number },
): MailMessage {
  const fr = locale === 'fr';
  return render(locale, to, 'password_reset', {
    subject: fr ? 'Réinitialiser votre mot de passe peergov' : 'Reset your peergov password',
    lines: [
      fr ? `Bonjour ${a.name},` : `Hello ${a.name},`,
      fr
        ? 'Quelqu’un (vous, sans doute) a demandé à réinitialiser le mot de passe de ce compte peergov.'
        : 'Someone (you, probably) asked to reset the password of this peergov account.',
    ],
    action: { label: fr ? 'Choisir un nouveau mot de passe' : 'Choose a new password', url: a.url },
    after: [
      fr
        ? `Ce lien sert une seule fois et expire dans ${a.hours} heure${a.hours > 1 ? 's' : ''}.`
        : `This link works once and expires in ${a.hours} hour${a.hours > 1 ? 's' : ''}.`,
      fr
        ? 'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ne change pas.'
        : 'If you did not ask for this, ignore this mail: your password stays as it is.',
    ],
  });
}

/** A link, sent to the new address, that confirms an e-mail change. */
export function emailChangeMail(
  locale: MailLocale,
  to: string,
  a: { name: string; url: string; hours: number },
): MailMessage {
  const fr = locale === 'fr';
  return render(locale, to, 'email_change', {
    subject: fr ? 'Confirmez votre nouvelle adresse peergov' : 'Confirm your new peergov address',
    lines: [
      fr ? `Bonjour ${a.name},` : `Hello ${a.name},`,
      fr
        ? `Pour que votre compte peergov utilise désormais l’adresse ${to}, confirmez-la.`
        : `To have your peergov account use ${to} from now on, confirm it.`,
    ],
    action: { label: fr ? 'Confirmer cette adresse' : 'Confirm this address', url: a.url },
    after: [
      fr
        ? `Ce lien sert une seule fois et expire dans ${a.hours} heures. Sans confirmation, rien ne change.`
        : `This link works once and expires in ${a.hours} hours. Without it, nothing changes.`,
    ],
  });
}

/** A notice to the old address that the account's e-mail changed. */
export function emailChangedMail(
  locale: MailLocale,
  to: string,
  a: { name: string; newEmail: string },
): MailMessage {
  const fr = locale === 'fr';
  return render(locale, to, 'email_changed', {
    subject: fr ? 'L’adresse de votre compte peergov a changé' : 'Your peergov address was changed',
    lines: [
      fr ? `Bonjour ${a.name},` : `Hello ${a.name},`,
      fr
        ? `Votre compte peergov utilise désormais l’adresse ${a.newEmail} ; les mails n’arriveront plus ici.`
        : `Your peergov account now uses ${a.newEmail}; mail will no longer come here.`,
    ],
    after: [
      fr
        ? 'Si ce n’était pas vous, répondez à l’administrateur de cette instance au plus vite.'
        : 'If this was not you, tell the administrator of this instance at once.',
    ],
  });
}

/** An invitation to apply for membership of a commons, to a person who may have no account. */
export function invitationMail(
  locale: MailLocale,
  to: string,
  a: {
    inviter: string;
    commons: string;
    purpose: string;
    url: string;
    days: number;
    /** The web page that unsubscribes with a click, and the API address mail programs POST to (RFC 8058). */
    unsubscribe: { page: string; oneClick: string };
  },
): MailMessage {
  const fr = locale === 'fr';
  const message = render(locale, to, 'invitation', {
    subject: fr
      ? `${a.inviter} vous invite à rejoindre ${a.commons} sur peergov`
      : `${a.inviter} invites you to join ${a.commons} on peergov`,
    lines: [
      fr
        ? `${a.inviter} vous invite à rejoindre « ${a.commons} », un commun qui décide de ses affaires sur peergov.`
        : `${a.inviter} invites you to join “${a.commons}”, a commons that decides its affairs on peergov.`,
      ...(a.purpose ? [a.purpose] : []),
      fr
        ? 'Par ce lien, vous créez un compte (ou vous vous connectez) et votre demande d’adhésion va aux membres, qui en décident selon leur constitution.'
        : 'Through this link you create an account (or sign in) and your application goes to the members, who decide it under their constitution.',
    ],
    action: { label: fr ? 'Voir l’invitation' : 'See the invitation', url: a.url },
    after: [fr ? `L’invitation expire dans ${a.days} jours.` : `The invitation expires in ${a.days} days.`],
    unsubscribe: {
      label: fr
        ? 'Ne plus recevoir d’invitations de cette instance peergov'
        : 'Get no more invitations from this peergov instance',
      url: a.unsubscribe.page,
    },
  });
  return {
    ...message,
    headers: {
      'List-Unsubscribe': `<${a.unsubscribe.oneClick}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  };
}

/** What a notification mail needs of one notification (the API's view of it). */
export interface NotificationItem {
  kind: string;
  createdAt: string;
  data: {
    commonsName: string;
    proposalTitle?: string;
    actorName?: string;
    outcome?: 'passed' | 'rejected' | 'withdrawn';
    roleName?: string;
    closesAt?: string;
  };
}

/** One notification in one sentence (the web app's list says the same, from its own translations). */
export function describeNotification(locale: MailLocale, n: NotificationItem): string {
  const fr = locale === 'fr';
  const d = n.data;
  const who = d.actorName ?? (fr ? 'Quelqu’un' : 'Someone');
  const title = `“${d.proposalTitle ?? ''}”`;
  const titleFr = `« ${d.proposalTitle ?? ''} »`;
  const where = fr ? `dans ${d.commonsName}` : `in ${d.commonsName}`;
  switch (n.kind) {
    case 'proposal_opened':
      return fr
        ? `${who} a ouvert la proposition ${titleFr} ${where}.`
        : `${who} opened the proposal ${title} ${where}.`;
    case 'position_on_your_proposal':
      return fr
        ? `${who} a pris position sur votre proposition ${titleFr} ${where}.`
        : `${who} took a position on your proposal ${title} ${where}.`;
    case 'comment_on_your_proposal':
      return fr
        ? `${who} a commenté votre proposition ${titleFr} ${where}.`
        : `${who} commented on your proposal ${title} ${where}.`;
    case 'reply_to_your_comment':
      return fr
        ? `${who} a répondu à votre commentaire sur ${titleFr} ${where}.`
        : `${who} replied to your comment on ${title} ${where}.`;
    case 'mention':
      return fr
        ? `${who} vous a mentionné·e dans la discussion de ${titleFr} ${where}.`
        : `${who} mentioned you in the discussion of ${title} ${where}.`;
    case 'decision': {
      const outcome =
        d.outcome === 'passed'
          ? fr
            ? 'a été adoptée'
            : 'passed'
          : d.outcome === 'withdrawn'
            ? fr
              ? 'a été retirée'
              : 'was withdrawn'
            : fr
              ? 'a été rejetée'
              : 'was rejected';
      return fr
        ? `La proposition ${titleFr} ${where} ${outcome}.`
        : `The proposal ${title} ${where} ${outcome}.`;
    }
    case 'role_assigned':
      return fr
        ? `Vous avez reçu le rôle « ${d.roleName ?? ''} » ${where}.`
        : `You were given the role “${d.roleName ?? ''}” ${where}.`;
    case 'review_opened':
      return d.proposalTitle !== undefined
        ? fr
          ? `Le bilan de la décision ${titleFr} est ouvert ${where} : a-t-elle fait ce qu’elle devait faire ?`
          : `The review of the decision ${title} is open ${where}: did it do what it meant to?`
        : fr
          ? `Un bilan d’une règle est ouvert ${where} : a-t-elle fait ce qu’elle devait faire ?`
          : `A review of a rule is open ${where}: did it do what it meant to?`;
    case 'reminder': {
      const closes = d.closesAt ? formatTime(locale, d.closesAt) : '';
      return fr
        ? `La proposition ${titleFr} ${where} ferme le ${closes} et vous n’avez pas encore pris position.`
        : `The proposal ${title} ${where} closes on ${closes} and you have not taken a position yet.`;
    }
    default:
      return fr ? `Du nouveau ${where}.` : `Something new ${where}.`;
  }
}

const formatTime = (locale: MailLocale, iso: string): string =>
  new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(new Date(iso)) + ' UTC';

const unsubscribeHeaders = (oneClick: string) => ({
  'List-Unsubscribe': `<${oneClick}>`,
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
});

/** One notification, mailed at once (or a reminder), with one-click unsubscription from its kind. */
export function notificationMail(
  locale: MailLocale,
  to: string,
  a: {
    name: string;
    item: NotificationItem;
    url: string;
    settingsUrl: string;
    unsubscribe: { page: string; oneClick: string };
  },
): MailMessage {
  const fr = locale === 'fr';
  const sentence = describeNotification(locale, a.item);
  const reminder = a.item.kind === 'reminder';
  const message = render(locale, to, reminder ? 'reminder' : 'notification', {
    subject: reminder
      ? fr
        ? `Rappel : ${a.item.data.proposalTitle ?? ''} attend votre position`
        : `Reminder: ${a.item.data.proposalTitle ?? ''} awaits your position`
      : sentence,
    lines: [fr ? `Bonjour ${a.name},` : `Hello ${a.name},`, sentence],
    action: {
      label: reminder
        ? fr
          ? 'Prendre position'
          : 'Take a position'
        : fr
          ? 'Voir la proposition'
          : 'See the proposal',
      url: a.url,
    },
    after: [
      fr
        ? `Vous choisissez quels avis vous recevez et comment : ${a.settingsUrl}`
        : `You choose which notifications you get and how: ${a.settingsUrl}`,
    ],
    unsubscribe: {
      label: fr
        ? 'Ne plus recevoir ce genre d’avis par e-mail (ils restent dans l’application)'
        : 'Get no more of these by e-mail (they stay in the app)',
      url: a.unsubscribe.page,
    },
  });
  return { ...message, headers: unsubscribeHeaders(a.unsubscribe.oneClick) };
}

/** The daily digest: every notification waiting for it, one line each with its link. */
export function digestMail(
  locale: MailLocale,
  to: string,
  a: {
    name: string;
    items: { item: NotificationItem; url: string }[];
    url: string;
    settingsUrl: string;
    unsubscribe: { page: string; oneClick: string };
  },
): MailMessage {
  const fr = locale === 'fr';
  const count = a.items.length;
  const message = render(locale, to, 'digest', {
    subject: fr
      ? `peergov : ${count} nouvel${count > 1 ? 's' : ''} avis`
      : `peergov: ${count} new notification${count > 1 ? 's' : ''}`,
    lines: [
      fr ? `Bonjour ${a.name},` : `Hello ${a.name},`,
      fr
        ? 'Voici ce qui s’est passé depuis le dernier résumé :'
        : 'Here is what happened since the last digest:',
      ...a.items.map(({ item, url }) => `• ${describeNotification(locale, item)} ${url}`),
    ],
    action: { label: fr ? 'Voir tous les avis' : 'See every notification', url: a.url },
    after: [
      fr
        ? `Vous choisissez quels avis vous recevez et comment : ${a.settingsUrl}`
        : `You choose which notifications you get and how: ${a.settingsUrl}`,
    ],
    unsubscribe: {
      label: fr
        ? 'Ne plus recevoir de résumé quotidien (les avis restent dans l’application)'
        : 'Get no more daily digests (the notifications stay in the app)',
      url: a.unsubscribe.page,
    },
  });
  return { ...message, headers: unsubscribeHeaders(a.unsubscribe.oneClick) };
}
