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
  | 'not_author'
  | 'comment_deleted'
  | 'invalid_action'
  | 'invalid_procedure'
  | 'invalid_input'
  | 'invalid_question'
  | 'invalid_ballot'
  | 'not_a_poll'
  | 'poll_needs_ballot'
  | 'last_member'
  // Elections (record version 4).
  | 'not_an_election'
  | 'nominations_closed'
  | 'ballot_not_open'
  | 'already_nominated'
  | 'not_nominated'
  // Liquid delegation (record version 4).
  | 'invalid_delegation'
  | 'delegation_not_found'
  // Rules for rules (record version 4).
  | 'invalid_tiers'
  | 'invalid_domains'
  | 'entrenched'
  | 'constitution_locked'
  // Resources (issue 15)
  | 'pool_not_found'
  | 'pool_exists'
  | 'invalid_amount'
  | 'insufficient_funds'
  | 'invalid_booking'
  | 'booking_conflict'
  | 'booking_not_found'
  | 'not_allowed_to_book'
  // Rules that change themselves, review dates and sunsets (record version 4).
  | 'invalid_trigger'
  | 'invalid_review'
  | 'review_not_found'
  | 'nothing_due';
