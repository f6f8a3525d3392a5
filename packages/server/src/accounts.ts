// What a person does to their own account by e-mail: reset a forgotten password, change their address (confirmed by
// a link to the new one), change their password, name and language, sign out everywhere. The secrets mailed are
// single use and expire; only their SHA-256 is stored (they are 256 random bits: a slow hash would add nothing).
import { checkDisplayName, normaliseEmail } from '@peergov/kernel';
import { StoreConflictError, type Account, type Store } from '@peergov/store';
import { checkEmail, sha256, type AuthService } from './auth';
import { newSecret } from './ids';
import type { Mailer } from './mail';
import { emailChangedMail, emailChangeMail, mailLocale, passwordResetMail } from './mail-templates';
import { ApiError } from './problems';

/** How long a password reset link works. */
export const RESET_HOURS = 1;
/** How long a link confirming a new address works. */
export const EMAIL_CHANGE_HOURS = 24;

const HOUR = 3_600_000;

const invalidLink = () =>
  new ApiError(
    400,
    'invalid_token',
    'This link is not valid: it was used already, it expired, or it was mistyped. Ask for a new one.',
  );

export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly mailer: Mailer,
    /** The address of the web app that links in mails point to (never taken from a request's Host header). */
    private readonly publicUrl: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private link(page: string, token: string): string {
    return `${this.publicUrl}/${page}#token=${encodeURIComponent(token)}`;
  }

  /**
   * Mails a reset link if the address has an account, and nothing otherwise. The caller answers the same either way
   * and at once: the lookup is the only work done before it answers, the token and mail come after.
   */
  async requestPasswordReset(email: string, acceptLanguage?: string): Promise<void> {
    const account = await this.store.findAccountByEmail(normaliseEmail(email));
    if (!account) return;
    const token = newSecret();
    const now = this.clock();
    await this.store.createAccountToken({
      tokenHash: sha256(token),
      accountId: account.id,
      purpose: 'password_reset',
      email: null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + RESET_HOURS * HOUR).toISOString(),
    });
    this.mailer.send(
      passwordResetMail(mailLocale(account.locale, acceptLanguage), account.email, {
        name: account.displayName,
        url: this.link('reset-password', token),
        hours: RESET_HOURS,
      }),
    );
  }

  /**
   * Sets a new password with a reset token: uses it up, drops the account's other reset links and ends every session
   * (whoever knew the old password is signed out). Returns the account.
   */
  async resetPassword(token: string, password: string): Promise<Account> {
    const used = await this.store.takeAccountToken(
      sha256(token),
      'password_reset',
      this.clock().toISOString(),
    );
    if (!used) throw invalidLink();
    const passwordHash = await this.auth.hashPassword(password);
    const account = await this.store.updateAccount(used.accountId, { passwordHash });
    if (!account) throw invalidLink();
    await this.store.deleteAccountTokens(account.id, 'password_reset');
    await this.store.deleteSessions(account.id);
    this.auth.forgetAccount(account.id);
    return account;
  }

  /** Changes the password after checking the current one; ends every other session. */
  async changePassword(
    account: Account,
    current: string,
    next: string,
    keepSession: string | null,
  ): Promise<void> {
    if (!(await this.auth.verifyPassword(account, current)))
      throw new ApiError(403, 'wrong_password', 'Your current password is not right.');
    await this.store.updateAccount(account.id, { passwordHash: await this.auth.hashPassword(next) });
    await this.store.deleteSessions(account.id, keepSession ?? undefined);
    await this.store.deleteAccountTokens(account.id, 'password_reset');
    this.auth.forgetAccount(account.id);
  }

  /**
   * Mails a confirmation link to the new address, after checking the password. Whether another account has that
   * address is not told here (the link's owner learns it on confirming, as the address is theirs).
   */
  async requestEmailChange(
    account: Account,
    newEmail: string,
    password: string,
    acceptLanguage?: string,
  ): Promise<void> {
    const email = checkEmail(newEmail);
    if (!(await this.auth.verifyPassword(account, password)))
      throw new ApiError(403, 'wrong_password', 'Your current password is not right.');
    if (email === normaliseEmail(account.email))
      throw new ApiError(400, 'same_email', 'This is already the address of your account.');
    const token = newSecret();
    const now = this.clock();
    // One pending change at a time: an earlier link stops working.
    await this.store.deleteAccountTokens(account.id, 'email_change');
    await this.store.createAccountToken({
      tokenHash: sha256(token),
      accountId: account.id,
      purpose: 'email_change',
      email,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + EMAIL_CHANGE_HOURS * HOUR).toISOString(),
    });
    this.mailer.send(
      emailChangeMail(mailLocale(account.locale, acceptLanguage), email, {
        name: account.displayName,
        url: this.link('confirm-email', token),
        hours: EMAIL_CHANGE_HOURS,
      }),
    );
  }

  /** Moves the account to the address its token confirms; tells the old address. */
  async confirmEmailChange(token: string): Promise<Account> {
    const used = await this.store.takeAccountToken(sha256(token), 'email_change', this.clock().toISOString());
    if (!used || used.email === null) throw invalidLink();
    const before = await this.store.getAccount(used.accountId);
    if (!before) throw invalidLink();
    let account: Account | null;
    try {
      account = await this.store.updateAccount(used.accountId, { email: used.email });
    } catch (error) {
      if (error instanceof StoreConflictError && error.code === 'email_taken')
        throw new ApiError(409, 'email_taken', 'Another account already has this address.');
      throw error;
    }
    if (!account) throw invalidLink();
    // Reset links mailed to the old address no longer belong to whoever reads it.
    await this.store.deleteAccountTokens(account.id, 'password_reset');
    this.auth.forgetAccount(account.id);
    this.mailer.send(
      emailChangedMail(mailLocale(account.locale), before.email, {
        name: account.displayName,
        newEmail: account.email,
      }),
    );
    return account;
  }

  /** An account as the API shows it to its owner. */
  async view(account: Account) {
    return {
      id: account.id,
      email: account.email,
      displayName: account.displayName,
      createdAt: account.createdAt,
      locale: account.locale ?? null,
      instanceAdmin: (await this.store.firstAccountId()) === account.id,
    };
  }

  /** Whether the account is the instance administrator (the oldest account). */
  async isInstanceAdmin(accountId: string): Promise<boolean> {
    return (await this.store.firstAccountId()) === accountId;
  }

  /** Changes the display name and the language (null: none chosen). */
  async updateProfile(
    account: Account,
    changes: { displayName?: string; locale?: string | null },
  ): Promise<Account> {
    const updated = await this.store.updateAccount(account.id, {
      ...(changes.displayName !== undefined ? { displayName: checkDisplayName(changes.displayName) } : {}),
      ...(changes.locale !== undefined ? { locale: changes.locale } : {}),
    });
    if (!updated) throw new ApiError(404, 'account_not_found', 'This account no longer exists.');
    this.auth.forgetAccount(account.id);
    return updated;
  }
}
