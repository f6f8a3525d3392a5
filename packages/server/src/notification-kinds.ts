// The kinds of notification and the ways of getting them: one list for the service, the API's schemas and the web
// app (which imports it through response-schemas.ts), with nothing else imported.

/** What a person may be notified of. */
export const NOTIFICATION_KINDS = [
  'proposal_opened',
  'position_on_your_proposal',
  'comment_on_your_proposal',
  'reply_to_your_comment',
  'mention',
  'decision',
  'role_assigned',
  'reminder',
  /** Rules for rules: a review of a rule or a decision opened on its date. */
  'review_opened',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** How a person gets one kind: not at all, in the app, in the app and by e-mail at once, or in a daily digest. */
export const DELIVERIES = ['off', 'in_app', 'email', 'digest'] as const;
export type Delivery = (typeof DELIVERIES)[number];
export type NotificationSettings = Record<NotificationKind, Delivery>;

/** Without a choice: everything in the app, and the reminder (a decision waits for you) by e-mail too. */
export const DEFAULT_SETTINGS: NotificationSettings = {
  proposal_opened: 'in_app',
  position_on_your_proposal: 'in_app',
  comment_on_your_proposal: 'in_app',
  reply_to_your_comment: 'in_app',
  mention: 'in_app',
  decision: 'in_app',
  role_assigned: 'in_app',
  reminder: 'email',
  review_opened: 'in_app',
};
