// Invitations to apply for membership of a commons, by e-mail or by link, for people with or without an account.
// Who may invite is the constitution's answer (`can(state, actor, {type: 'invite'})`, its participation rule
// `invite`); an invitation admits nobody: accepting it applies for membership (ApplyForMembership), which opens the
// admission proposal the commons' constitution decides. So an invitation is not a write to the commons and is not
// in its log; it is kept beside the accounts, its secret as a hash, and the e-mail address in no log.
import { can, type CommonsState } from '@peergov/kernel';
import type { Invitation, Store } from '@peergov/store';
import { checkEmail, sha256 } from './auth';
import { integrityError, type CommonsService } from './commons-service';
import { newId, newSecret } from './ids';
import type { Mailer, UnsubscribeTokens } from './mail';
import { invitationMail, type MailLocale } from './mail-templates';
import { ApiError } from './problems';

/** How long an invitation works. */
export const INVITATION_DAYS = 14;

/** An invitation as its inviter sees it just after making it: with the link that carries its secret (shown once). */
export interface NewInvitation {
  invitation: Invitation;
  url: string;
}

export class InvitationService {
  constructor(
    private readonly store: Store,
    private readonly commons: CommonsService,
    private readonly mailer: Mailer,
    private readonly unsubscribe: UnsubscribeTokens,
    private readonly publicUrl: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private async load(commonsId: string): Promise<CommonsState> {
    const state = await this.commons.get(commonsId);
    if (!state) throw new ApiError(404, 'commons_not_found', `There is no commons "${commonsId}".`);
    return state;
  }

  /** Throws the constitution's refusal unless `accountId` may invite to this commons now. */
  requireMayInvite(state: CommonsState, accountId: string): void {
    const may = can(state, accountId, { type: 'invite' }, this.clock().toISOString());
    if (!may.allowed) throw new ApiError(403, may.code, may.reason);
  }

  /** Whether the account may invite to the commons now (for the views). */
  mayInvite(state: CommonsState, accountId: string | null): boolean {
    return can(state, accountId, { type: 'invite' }, this.clock().toISOString()).allowed;
  }

  /**
   * Makes an invitation by `inviter` (an account id and name): by e-mail (mailed in `locale`, unless the address
   * unsubscribed: 409 `email_unsubscribed`) or, without an email, a link to share.
   */
  async invite(
    commonsId: string,
    inviter: { id: string; displayName: string },
    input: { email?: string; classes?: string[]; locale: MailLocale },
  ): Promise<NewInvitation> {
    const state = await this.load(commonsId);
    this.requireMayInvite(state, inviter.id);
    // A read-only commons (its log fails verification) takes no one in: the views offer no invitation then either.
    const integrity = this.commons.integrityOf(commonsId);
    if (!integrity.ok) throw integrityError(integrity);
    const email = input.email === undefined ? null : checkEmail(input.email);
    const known = new Set(state.core.classes.map((c) => c.id));
    const classes = [...new Set(input.classes ?? [])];
    for (const c of classes)
      if (!known.has(c))
        throw new ApiError(422, 'unknown_class', `This commons has no stakeholder class "${c}".`);
    // Whether the address has an account, or is a member's, is not looked up: the inviter learns nothing of it (a
    // member who accepts is told already_member then).
    if (email !== null) {
      if (await this.store.isEmailSuppressed(email))
        throw new ApiError(
          409,
          'email_unsubscribed',
          'This address asked to get no invitations from this instance; share a link with them instead.',
        );
    }
    const token = newSecret();
    const now = this.clock();
    const invitation: Invitation = {
      id: newId('i'),
      commonsId,
      tokenHash: sha256(token),
      email,
      classes,
      invitedBy: inviter.id,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
      acceptedBy: null,
      acceptedAt: null,
    };
    await this.store.createInvitation(invitation);
    const url = `${this.publicUrl}/invitation#token=${encodeURIComponent(token)}`;
    if (email !== null) {
      const unsubscribe = `email=${encodeURIComponent(email)}&token=${this.unsubscribe.tokenFor(email)}`;
      this.mailer.send(
        invitationMail(input.locale, email, {
          inviter: inviter.displayName,
          commons: state.core.name,
          purpose: state.core.purpose,
          url,
          days: INVITATION_DAYS,
          unsubscribe: {
            page: `${this.publicUrl}/unsubscribe#${unsubscribe}`,
            oneClick: `${this.publicUrl}/api/v1/mail/unsubscribe?${unsubscribe}`,
          },
        }),
      );
    }
    return { invitation, url };
  }

  /** The commons' invitations, newest first, for someone who may invite. */
  async list(commonsId: string, accountId: string, limit: number): Promise<Invitation[]> {
    this.requireMayInvite(await this.load(commonsId), accountId);
    return this.store.listInvitations(commonsId, limit);
  }

  /** The invitation of a secret, or 404 `invitation_not_found` (the same for a mistyped one). */
  async find(token: string): Promise<{ invitation: Invitation; state: CommonsState }> {
    const invitation = await this.store.getInvitationByToken(sha256(token));
    if (!invitation)
      throw new ApiError(
        404,
        'invitation_not_found',
        'This invitation link is not valid; ask for a new one.',
      );
    return { invitation, state: await this.load(invitation.commonsId) };
  }

  /** Whether an invitation can still be accepted (by `accountId`, who may have used it already). */
  statusOf(invitation: Invitation, accountId: string | null = null): 'open' | 'used' | 'expired' {
    if (invitation.acceptedBy !== null && invitation.acceptedBy !== accountId) return 'used';
    if (invitation.expiresAt <= this.clock().toISOString()) return 'expired';
    return 'open';
  }

  /**
   * Checks that the invitation may be accepted by `accountId`: 409 `invitation_expired` or `invitation_used`.
   * The application itself is the caller's to make (ApplyForMembership, under the constitution).
   */
  requireOpen(invitation: Invitation, accountId: string): void {
    const status = this.statusOf(invitation, accountId);
    if (status === 'expired')
      throw new ApiError(409, 'invitation_expired', 'This invitation has expired; ask for a new one.');
    if (status === 'used')
      throw new ApiError(409, 'invitation_used', 'Someone has already joined through this invitation.');
  }

  /** Marks an e-mail invitation used by the account (a link invitation stays open for others). */
  async markAccepted(invitation: Invitation, accountId: string): Promise<void> {
    if (invitation.email === null) return;
    await this.store.acceptInvitation(invitation.id, accountId, this.clock().toISOString());
  }
}
