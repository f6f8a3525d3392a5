/** A rule of the domain was broken. `code` is stable (the server maps it to an HTTP status in one place). */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export type DomainErrorCode =
  | 'commons_exists'
  | 'commons_not_found'
  | 'not_a_member'
  | 'already_member'
  | 'already_applied'
  | 'member_not_found'
  | 'role_not_found'
  | 'role_exists'
  | 'already_holder'
  | 'not_a_holder'
  | 'unknown_class'
  | 'proposal_not_found'
  | 'proposal_exists'
  | 'proposal_closed'
  | 'proposal_still_open'
  | 'not_in_electorate'
  | 'not_proposer'
  | 'not_in_audience'
  | 'comment_not_found'
  | 'invalid_action'
  | 'invalid_procedure'
  | 'invalid_input'
  | 'invalid_question'
  | 'invalid_ballot'
  | 'not_a_poll'
  | 'poll_needs_ballot'
  | 'last_member'
  // rules for rules
  | 'invalid_trigger'
  | 'invalid_review'
  | 'review_not_found'
  | 'nothing_due';
