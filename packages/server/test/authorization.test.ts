// The authorisation matrix: every write of /api/openapi.json (so that a new route is not forgotten) by every kind
// of caller, allowed exactly where the constitution says. The commons is a multi-stakeholder co-operative whose
// founder, Ada, holds the membership secretary role (packages/kernel/src/templates.ts); Bob is a member; Dan has
// applied and waits; Fay was a member and left (with a proposal still open); Cara is signed in and belongs nowhere;
// Eve founded another commons. Every row runs on a fresh copy of that commons. A refused row writes nothing.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import {
  closeAsIfLater,
  codeOf,
  loadRoutes,
  PASSWORD,
  person,
  problemFaults,
  snapshot,
  type Route,
} from './attack-kit';
import { sha256 } from '../src/auth';
import { must, testApp, type Person, type TestApp } from './harness';

const pgOk = await requirePostgres('the authorisation matrix on PostgreSQL');

type Actor = 'anonymous' | 'outsider' | 'applicant' | 'member' | 'holder' | 'foreign' | 'left';
/** The six kinds of caller every write of a commons is tried with ('left' is an extra one). */
const ACTORS: Actor[] = ['anonymous', 'outsider', 'applicant', 'member', 'holder', 'foreign'];
/** What a row aims at: Bob's open resolution, Ada's, Fay's (she left since), Dan's application, Ada's token. */
type Target =
  | 'bob-proposal'
  | 'ada-proposal'
  | 'fay-proposal'
  | 'application'
  | 'ada-token'
  | 'ada-notification'
  | 'invitation'
  /** A comment of Bob's on his proposal; one of Fay's, written before she left. */
  | 'bob-comment'
  | 'fay-comment'
  | 'fresh'
  | '';

const SIGNUP = 'POST /api/v1/auth/signup';
const SIGNIN = 'POST /api/v1/auth/signin';
const SIGNOUT = 'POST /api/v1/auth/signout';
const TOKENS = 'POST /api/v1/tokens';
const TOKEN = 'DELETE /api/v1/tokens/{tokenId}';
const FOUND = 'POST /api/v1/commons';
const APPLY = 'POST /api/v1/commons/{id}/applications';
const LEAVE = 'POST /api/v1/commons/{id}/leave';
const PROPOSE = 'POST /api/v1/commons/{id}/proposals';
const POSITION = 'PUT /api/v1/commons/{id}/proposals/{pid}/position';
const BALLOT = 'PUT /api/v1/commons/{id}/proposals/{pid}/ballot';
const COMMENT = 'POST /api/v1/commons/{id}/proposals/{pid}/comments';
const EDIT_COMMENT = 'PATCH /api/v1/commons/{id}/proposals/{pid}/comments/{cid}';
const DELETE_COMMENT = 'DELETE /api/v1/commons/{id}/proposals/{pid}/comments/{cid}';
const WITHDRAW = 'POST /api/v1/commons/{id}/proposals/{pid}/withdraw';
const RESET = 'POST /api/v1/auth/password-reset';
const RESET_CONFIRM = 'POST /api/v1/auth/password-reset/confirm';
const SIGNOUT_ALL = 'POST /api/v1/auth/signout-everywhere';
const PROFILE = 'PATCH /api/v1/account';
const PASSWORD_CHANGE = 'POST /api/v1/account/password';
const EMAIL_CHANGE = 'POST /api/v1/account/email';
const EMAIL_CONFIRM = 'POST /api/v1/account/email/confirm';
const UNSUBSCRIBE = 'POST /api/v1/mail/unsubscribe';
const NOTIFICATION_SETTINGS = 'PATCH /api/v1/account/notifications';
const NOTIFICATION_READ = 'POST /api/v1/notifications/{nid}/read';
const NOTIFICATIONS_READ = 'POST /api/v1/notifications/read-all';
const NOTIFICATION_UNSUBSCRIBE = 'POST /api/v1/notifications/unsubscribe';
const INVITE = 'POST /api/v1/commons/{id}/invitations';
const LOOKUP = 'POST /api/v1/invitations/lookup';
const ACCEPT = 'POST /api/v1/invitations/accept';
const REVIEW_ANSWER = 'PUT /api/v1/commons/{id}/reviews/{rid}/answer';
const REPLAY = 'POST /api/v1/commons/{id}/replay';
const DIFF = 'POST /api/v1/commons/{id}/constitution/diff';
const NOMINATE = 'POST /api/v1/commons/{id}/proposals/{pid}/nominations';
const NOMINATION_ACCEPT = 'POST /api/v1/commons/{id}/proposals/{pid}/nominations/accept';
const NOMINATION_DECLINE = 'POST /api/v1/commons/{id}/proposals/{pid}/nominations/decline';
const OPEN_BALLOT = 'POST /api/v1/commons/{id}/proposals/{pid}/nominations/open-ballot';
const DELEGATE = 'PUT /api/v1/commons/{id}/delegations';
const REVOKE = 'POST /api/v1/commons/{id}/delegations/revoke';

/** [operation, caller, target, expected status, expected code (refusals), why]: one row per case. */
type Row = [string, Actor, Target, number, string, string];
// prettier-ignore
const MATRIX: Row[] = [
  [SIGNUP,   'anonymous', '',             201, '',                 'anyone may sign up'],
  [SIGNIN,   'anonymous', '',             200, '',                 'anyone may sign in'],
  [SIGNIN,   'member',    '',             200, '',                 'a signed-in person may sign in again'],
  [SIGNOUT,  'anonymous', '',             204, '',                 'signing out without a session does nothing'],
  [SIGNOUT,  'member',    '',             204, '',                 'a person ends their own session'],
  [TOKENS,   'anonymous', '',             401, 'unauthenticated',  'tokens belong to an account'],
  [TOKENS,   'outsider',  '',             201, '',                 'any signed-in person makes tokens'],
  [TOKENS,   'member',    '',             201, '',                 'any signed-in person makes tokens'],
  [TOKEN,    'anonymous', 'ada-token',    401, 'unauthenticated',  'tokens belong to an account'],
  [TOKEN,    'outsider',  'ada-token',    404, 'token_not_found',  "nobody sees another's tokens"],
  [TOKEN,    'member',    'ada-token',    404, 'token_not_found',  "nobody sees another's tokens"],
  [TOKEN,    'foreign',   'ada-token',    404, 'token_not_found',  "nobody sees another's tokens"],
  [TOKEN,    'holder',    'ada-token',    204, '',                 'Ada deletes her own token'],
  [FOUND,    'anonymous', '',             401, 'unauthenticated',  'a commons is founded by a person'],
  [FOUND,    'outsider',  '',             201, '',                 'any signed-in person founds a commons'],
  [FOUND,    'applicant', '',             201, '',                 'any signed-in person founds a commons'],
  [FOUND,    'member',    '',             201, '',                 'any signed-in person founds a commons'],
  [FOUND,    'holder',    '',             201, '',                 'any signed-in person founds a commons'],
  [FOUND,    'foreign',   '',             201, '',                 'any signed-in person founds a commons'],
  [APPLY,    'anonymous', '',             401, 'unauthenticated',  'an application is by a person'],
  [APPLY,    'outsider',  '',             201, '',                 'anyone signed in may apply'],
  [APPLY,    'applicant', '',             409, 'already_applied',  'one application at a time'],
  [APPLY,    'member',    '',             409, 'already_member',   'members do not apply'],
  [APPLY,    'holder',    '',             409, 'already_member',   'members do not apply'],
  [APPLY,    'foreign',   '',             201, '',                 'a member elsewhere may apply here'],
  [APPLY,    'left',      '',             201, '',                 'who left may apply again'],
  [LEAVE,    'anonymous', '',             401, 'unauthenticated',  'leaving is by a person'],
  [LEAVE,    'outsider',  '',             403, 'not_a_member',     'only members leave'],
  [LEAVE,    'applicant', '',             403, 'not_a_member',     'an applicant is not a member yet'],
  [LEAVE,    'member',    '',             200, '',                 'a member may leave'],
  [LEAVE,    'holder',    '',             200, '',                 'a role holder may leave'],
  [LEAVE,    'foreign',   '',             403, 'not_a_member',     'membership elsewhere does not count'],
  [LEAVE,    'left',      '',             403, 'not_a_member',     'who left is no longer a member'],
  [DIFF,     'anonymous', '',             401, 'unauthenticated',  'a preview is asked by a person'],
  [DIFF,     'outsider',  '',             200, '',                 'a preview writes nothing: who may see the commons may'],
  [DIFF,     'applicant', '',             200, '',                 'a preview writes nothing: who may see the commons may'],
  [DIFF,     'member',    '',             200, '',                 'a preview writes nothing: who may see the commons may'],
  [DIFF,     'holder',    '',             200, '',                 'a preview writes nothing: who may see the commons may'],
  [DIFF,     'foreign',   '',             200, '',                 'a preview writes nothing: who may see the commons may'],
  [DIFF,     'left',      '',             200, '',                 'a preview writes nothing: who may see the commons may'],
  [PROPOSE,  'anonymous', '',             401, 'unauthenticated',  'proposals are by people'],
  [PROPOSE,  'outsider',  '',             403, 'not_a_member',     'only members propose'],
  [PROPOSE,  'applicant', '',             403, 'not_a_member',     'an applicant is not a member yet'],
  [PROPOSE,  'member',    '',             201, '',                 'members propose'],
  [PROPOSE,  'holder',    '',             201, '',                 'members propose'],
  [PROPOSE,  'foreign',   '',             403, 'not_a_member',     'membership elsewhere does not count'],
  [PROPOSE,  'left',      '',             403, 'not_a_member',     'who left is no longer a member'],
  [POSITION, 'anonymous', 'bob-proposal', 401, 'unauthenticated',  'positions are by people'],
  [POSITION, 'outsider',  'bob-proposal', 403, 'not_a_member',     'only members take positions'],
  [POSITION, 'applicant', 'bob-proposal', 403, 'not_a_member',     'an applicant is not a member yet'],
  [POSITION, 'member',    'bob-proposal', 200, '',                 'members take positions'],
  [POSITION, 'holder',    'bob-proposal', 200, '',                 'members take positions'],
  [POSITION, 'foreign',   'bob-proposal', 403, 'not_a_member',     'membership elsewhere does not count'],
  [POSITION, 'left',      'bob-proposal', 403, 'not_a_member',     'who left is no longer a member'],
  [POSITION, 'applicant', 'application',  403, 'not_a_member',     'an applicant does not decide their own admission'],
  [POSITION, 'member',    'application',  200, '',                 'a member may object to an admission'],
  [POSITION, 'holder',    'application',  200, '',                 'the membership secretary decides admissions'],
  // Bob's resolution is a yes or no: who may vote is asked before what the vote is (a poll's own ballots: polls.test.ts).
  // Elections and delegation (issue 11): who may take part is asked before what the proposal is.
  [NOMINATE, 'anonymous', 'bob-proposal', 401, 'unauthenticated', 'elections are by people'],
  [NOMINATE, 'outsider', 'bob-proposal', 403, 'not_a_member', 'only members take part in elections'],
  [NOMINATE, 'applicant', 'bob-proposal', 403, 'not_a_member', 'an applicant is not a member yet'],
  [NOMINATE, 'foreign', 'bob-proposal', 403, 'not_a_member', 'membership elsewhere does not count'],
  [NOMINATE, 'left', 'bob-proposal', 403, 'not_a_member', 'who left is no longer a member'],
  [NOMINATE, 'member', 'bob-proposal', 409, 'not_an_election', 'a yes or no has no candidates'],
  [NOMINATE, 'holder', 'bob-proposal', 409, 'not_an_election', 'a yes or no has no candidates'],
  [NOMINATION_ACCEPT, 'anonymous', 'bob-proposal', 401, 'unauthenticated', 'elections are by people'],
  [NOMINATION_ACCEPT, 'outsider', 'bob-proposal', 403, 'not_a_member', 'only members take part in elections'],
  [NOMINATION_ACCEPT, 'applicant', 'bob-proposal', 403, 'not_a_member', 'an applicant is not a member yet'],
  [NOMINATION_ACCEPT, 'foreign', 'bob-proposal', 403, 'not_a_member', 'membership elsewhere does not count'],
  [NOMINATION_ACCEPT, 'left', 'bob-proposal', 403, 'not_a_member', 'who left is no longer a member'],
  [NOMINATION_ACCEPT, 'member', 'bob-proposal', 409, 'not_an_election', 'a yes or no has no candidates'],
  [NOMINATION_ACCEPT, 'holder', 'bob-proposal', 409, 'not_an_election', 'a yes or no has no candidates'],
  [NOMINATION_DECLINE, 'anonymous', 'bob-proposal', 401, 'unauthenticated', 'elections are by people'],
  [NOMINATION_DECLINE, 'outsider', 'bob-proposal', 403, 'not_a_member', 'only members take part in elections'],
  [NOMINATION_DECLINE, 'applicant', 'bob-proposal', 403, 'not_a_member', 'an applicant is not a member yet'],
  [NOMINATION_DECLINE, 'foreign', 'bob-proposal', 403, 'not_a_member', 'membership elsewhere does not count'],
  [NOMINATION_DECLINE, 'left', 'bob-proposal', 403, 'not_a_member', 'who left is no longer a member'],
  [NOMINATION_DECLINE, 'member', 'bob-proposal', 409, 'not_an_election', 'a yes or no has no candidates'],
  [NOMINATION_DECLINE, 'holder', 'bob-proposal', 409, 'not_an_election', 'a yes or no has no candidates'],
  [OPEN_BALLOT, 'anonymous', 'bob-proposal', 401, 'unauthenticated', 'elections are by people'],
  [OPEN_BALLOT, 'outsider', 'bob-proposal', 403, 'not_a_member', 'only members take part in elections'],
  [OPEN_BALLOT, 'applicant', 'bob-proposal', 403, 'not_a_member', 'an applicant is not a member yet'],
  [OPEN_BALLOT, 'foreign', 'bob-proposal', 403, 'not_a_member', 'membership elsewhere does not count'],
  [OPEN_BALLOT, 'left', 'bob-proposal', 403, 'not_a_member', 'who left is no longer a member'],
  [OPEN_BALLOT, 'member', 'bob-proposal', 409, 'not_an_election', 'a yes or no has no candidates'],
  [OPEN_BALLOT, 'holder', 'bob-proposal', 409, 'not_an_election', 'a yes or no has no candidates'],
  [DELEGATE, 'anonymous', '', 401, 'unauthenticated', 'delegations are by people'],
  [DELEGATE, 'outsider', '', 403, 'not_a_member', 'only members delegate'],
  [DELEGATE, 'applicant', '', 403, 'not_a_member', 'an applicant is not a member yet'],
  [DELEGATE, 'foreign', '', 403, 'not_a_member', 'membership elsewhere does not count'],
  [DELEGATE, 'left', '', 403, 'not_a_member', 'who left is no longer a member'],
  [DELEGATE, 'member', '', 200, '', 'members delegate their vote'],
  [DELEGATE, 'holder', '', 200, '', 'members delegate their vote'],
  [REVOKE, 'anonymous', '', 401, 'unauthenticated', 'delegations are by people'],
  [REVOKE, 'outsider', '', 403, 'not_a_member', 'only members delegate'],
  [REVOKE, 'applicant', '', 403, 'not_a_member', 'an applicant is not a member yet'],
  [REVOKE, 'foreign', '', 403, 'not_a_member', 'membership elsewhere does not count'],
  [REVOKE, 'left', '', 403, 'not_a_member', 'who left is no longer a member'],
  [REVOKE, 'member', '', 404, 'delegation_not_found', 'there is no delegation to take back'],
  [REVOKE, 'holder', '', 404, 'delegation_not_found', 'there is no delegation to take back'],
  [BALLOT,   'anonymous', 'bob-proposal', 401, 'unauthenticated',  'ballots are by people'],
  [BALLOT,   'outsider',  'bob-proposal', 403, 'not_a_member',     'only members vote'],
  [BALLOT,   'applicant', 'bob-proposal', 403, 'not_a_member',     'an applicant is not a member yet'],
  [BALLOT,   'member',    'bob-proposal', 409, 'not_a_poll',       'a yes or no takes a position, not a ballot'],
  [BALLOT,   'holder',    'bob-proposal', 409, 'not_a_poll',       'a yes or no takes a position, not a ballot'],
  [BALLOT,   'foreign',   'bob-proposal', 403, 'not_a_member',     'membership elsewhere does not count'],
  [BALLOT,   'left',      'bob-proposal', 403, 'not_a_member',     'who left is no longer a member'],
  [COMMENT,  'anonymous', 'bob-proposal', 401, 'unauthenticated',  'comments are by people'],
  [COMMENT,  'outsider',  'bob-proposal', 403, 'not_a_member',     'only members comment'],
  [COMMENT,  'applicant', 'bob-proposal', 403, 'not_a_member',     'an applicant is not a member yet'],
  [COMMENT,  'member',    'bob-proposal', 201, '',                 'members comment'],
  [COMMENT,  'holder',    'bob-proposal', 201, '',                 'members comment'],
  [COMMENT,  'foreign',   'bob-proposal', 403, 'not_a_member',     'membership elsewhere does not count'],
  [COMMENT,  'left',      'bob-proposal', 403, 'not_a_member',     'who left is no longer a member'],
  [EDIT_COMMENT,   'anonymous', 'bob-comment', 401, 'unauthenticated', 'editing is by a person'],
  [EDIT_COMMENT,   'outsider',  'bob-comment', 403, 'not_author',      'only its author edits a comment'],
  [EDIT_COMMENT,   'applicant', 'bob-comment', 403, 'not_author',      'only its author edits a comment'],
  [EDIT_COMMENT,   'member',    'bob-comment', 200, '',                'Bob edits his own comment'],
  [EDIT_COMMENT,   'holder',    'bob-comment', 403, 'not_author',      'a role gives no power over what others wrote'],
  [EDIT_COMMENT,   'foreign',   'bob-comment', 403, 'not_author',      'only its author edits a comment'],
  [EDIT_COMMENT,   'left',      'fay-comment', 403, 'not_a_member',    'who left no longer speaks in the commons'],
  [DELETE_COMMENT, 'anonymous', 'bob-comment', 401, 'unauthenticated', 'deleting is by a person'],
  [DELETE_COMMENT, 'outsider',  'bob-comment', 403, 'not_author',      'only its author deletes a comment'],
  [DELETE_COMMENT, 'applicant', 'bob-comment', 403, 'not_author',      'only its author deletes a comment'],
  [DELETE_COMMENT, 'member',    'bob-comment', 200, '',                'Bob deletes his own comment'],
  [DELETE_COMMENT, 'holder',    'bob-comment', 403, 'not_author',      'a role gives no power over what others wrote'],
  [DELETE_COMMENT, 'foreign',   'bob-comment', 403, 'not_author',      'only its author deletes a comment'],
  [DELETE_COMMENT, 'left',      'fay-comment', 200, '',                'what Fay wrote stays hers to withdraw'],
  [WITHDRAW, 'anonymous', 'bob-proposal', 401, 'unauthenticated',  'withdrawing is by a person'],
  [WITHDRAW, 'outsider',  'bob-proposal', 403, 'not_proposer',     'only the proposer withdraws'],
  [WITHDRAW, 'applicant', 'bob-proposal', 403, 'not_proposer',     'only the proposer withdraws'],
  [WITHDRAW, 'member',    'bob-proposal', 200, '',                 'Bob withdraws his own proposal'],
  [WITHDRAW, 'holder',    'bob-proposal', 403, 'not_proposer',     'a role holder cannot withdraw what is not theirs'],
  [WITHDRAW, 'foreign',   'bob-proposal', 403, 'not_proposer',     'only the proposer withdraws'],
  [WITHDRAW, 'member',    'ada-proposal', 403, 'not_proposer',     'a member cannot withdraw what is not theirs'],
  [WITHDRAW, 'holder',    'ada-proposal', 200, '',                 'Ada withdraws her own proposal'],
  [WITHDRAW, 'applicant', 'application',  200, '',                 'an applicant withdraws their own application'],
  [WITHDRAW, 'left',      'fay-proposal', 403, 'not_a_member',     'who left no longer acts for the commons'],
  [RESET,    'anonymous', '',             202, '',                 'anyone may ask for a reset link (mailed to the address)'],
  [RESET_CONFIRM, 'anonymous', '',        400, 'invalid_token',    'only the mailed link resets a password'],
  [RESET_CONFIRM, 'outsider', 'fresh',    200, '',                 'the holder of the mailed link sets a new password'],
  [SIGNOUT_ALL, 'anonymous', '',          401, 'unauthenticated',  'sessions belong to an account'],
  [SIGNOUT_ALL, 'outsider', 'fresh',      204, '',                 'a person ends all their own sessions'],
  [PROFILE,  'anonymous', '',             401, 'unauthenticated',  'a profile belongs to an account'],
  [PROFILE,  'member',    '',             200, '',                 'a person changes their own profile'],
  [PASSWORD_CHANGE, 'anonymous', '',      401, 'unauthenticated',  'a password belongs to an account'],
  [PASSWORD_CHANGE, 'member', '',         403, 'wrong_password',   'the current password is needed'],
  [PASSWORD_CHANGE, 'outsider', 'fresh',  204, '',                 'a person changes their own password'],
  [EMAIL_CHANGE, 'anonymous', '',         401, 'unauthenticated',  'an address belongs to an account'],
  [EMAIL_CHANGE, 'member', '',            202, '',                 'a person asks to move their own account (confirmed by mail)'],
  [EMAIL_CONFIRM, 'anonymous', '',        400, 'invalid_token',    'only the link mailed to the new address moves it'],
  [UNSUBSCRIBE, 'anonymous', '',          400, 'invalid_token',    'only the mailed link unsubscribes its address'],
  [UNSUBSCRIBE, 'anonymous', 'fresh',     204, '',                 'whoever got the mail unsubscribes its address'],
  [NOTIFICATION_SETTINGS, 'anonymous', '', 401, 'unauthenticated', 'settings belong to an account'],
  [NOTIFICATION_SETTINGS, 'member', '',   200, '',                 'a person changes their own settings'],
  [NOTIFICATION_READ, 'anonymous', 'ada-notification', 401, 'unauthenticated', 'notifications belong to an account'],
  [NOTIFICATION_READ, 'member', 'ada-notification', 404, 'notification_not_found', "nobody reads another's notifications"],
  [NOTIFICATION_READ, 'outsider', 'ada-notification', 404, 'notification_not_found', "nobody reads another's notifications"],
  [NOTIFICATION_READ, 'holder', 'ada-notification', 200, '',  'Ada marks her own notification read'],
  [NOTIFICATIONS_READ, 'anonymous', '',   401, 'unauthenticated',  'notifications belong to an account'],
  [NOTIFICATIONS_READ, 'member', '',      200, '',                 'a person marks their own notifications read'],
  [NOTIFICATION_UNSUBSCRIBE, 'anonymous', '', 400, 'invalid_token', 'only the mailed link unsubscribes its account'],
  [NOTIFICATION_UNSUBSCRIBE, 'anonymous', 'fresh', 204, '',       'whoever got the mail unsubscribes its account'],
  [INVITE,   'anonymous', '',             401, 'unauthenticated',  'invitations are by people'],
  [INVITE,   'outsider',  '',             403, 'not_a_member',     'members invite (the constitution names no one else)'],
  [INVITE,   'applicant', '',             403, 'not_a_member',     'an applicant is not a member yet'],
  [INVITE,   'member',    '',             201, '',                 'members invite'],
  [INVITE,   'holder',    '',             201, '',                 'members invite'],
  [INVITE,   'foreign',   '',             403, 'not_a_member',     'membership elsewhere does not count'],
  [INVITE,   'left',      '',             403, 'not_a_member',     'who left is no longer a member'],
  [LOOKUP,   'anonymous', '',             404, 'invitation_not_found', 'a link nobody made shows nothing'],
  // Who may answer is asked before which review (an answer to an open one: rules-triggers.test.ts).
  [REVIEW_ANSWER, 'anonymous', '',        401, 'unauthenticated',  'an answer is by a person'],
  [REVIEW_ANSWER, 'outsider', '',         403, 'not_a_member',     'only members answer a review'],
  [REVIEW_ANSWER, 'applicant', '',        403, 'not_a_member',     'an applicant is not a member yet'],
  [REVIEW_ANSWER, 'member',  '',          404, 'review_not_found', 'members answer the reviews there are'],
  [REVIEW_ANSWER, 'holder',  '',          404, 'review_not_found', 'members answer the reviews there are'],
  [REVIEW_ANSWER, 'foreign', '',          403, 'not_a_member',     'membership elsewhere does not count'],
  [REVIEW_ANSWER, 'left',    '',          403, 'not_a_member',     'who left is no longer a member'],
  [LOOKUP,   'anonymous', 'invitation',   200, '',                 'whoever holds the link sees what it offers'],
  [ACCEPT,   'anonymous', 'invitation',   401, 'unauthenticated',  'an application is by a person'],
  [ACCEPT,   'outsider',  'invitation',   201, '',                 'whoever holds the link applies'],
  [ACCEPT,   'member',    'invitation',   409, 'already_member',   'members do not apply'],
  [REPLAY,   'anonymous', '',             200, '',                 'whoever may see the commons replays a draft (it writes nothing)'],
  [REPLAY,   'outsider',  '',             200, '',                 'whoever may see the commons replays a draft (it writes nothing)'],
  [REPLAY,   'applicant', '',             200, '',                 'whoever may see the commons replays a draft (it writes nothing)'],
  [REPLAY,   'member',    '',             200, '',                 'whoever may see the commons replays a draft (it writes nothing)'],
  [REPLAY,   'holder',    '',             200, '',                 'whoever may see the commons replays a draft (it writes nothing)'],
  [REPLAY,   'foreign',   '',             200, '',                 'whoever may see the commons replays a draft (it writes nothing)'],
  [REPLAY,   'left',      '',             200, '',                 'whoever may see the commons replays a draft (it writes nothing)'],
];

interface Arena {
  commonsId: string;
  ids: Record<Exclude<Target, '' | 'fresh'>, string>;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`authorisation matrix on ${kind}`, () => {
    let t: TestApp;
    let routes: Route[];
    let people: Record<Exclude<Actor, 'anonymous'>, Person>;
    let n = 0;

    beforeAll(async () => {
      t = await testApp(kind, { signInPerMinute: 100_000 });
      people = {
        holder: await person(t.app, 'ada@example.org', 'Ada'),
        member: await person(t.app, 'bob@example.org', 'Bob'),
        applicant: await person(t.app, 'dan@example.org', 'Dan'),
        left: await person(t.app, 'fay@example.org', 'Fay'),
        outsider: await person(t.app, 'cara@example.org', 'Cara'),
        foreign: await person(t.app, 'eve@example.org', 'Eve'),
      };
      const elsewhere = await people.foreign.call('POST', '/api/v1/commons', {
        name: 'Elsewhere',
        template: 'single-class',
      });
      expect(elsewhere.statusCode, elsewhere.body).toBe(201);
      routes = await loadRoutes(t.app);
    });
    afterAll(async () => t?.close());

    /** A fresh co-operative with everyone in place. */
    const arena = async (): Promise<Arena> => {
      const { holder: ada, member: bob, applicant: dan, left: fay } = people;
      const ok = (r: LightMyRequestResponse, what: string) => {
        if (r.statusCode >= 300) throw new Error(`${what}: ${r.statusCode} ${r.body}`);
        return r.json();
      };
      const commonsId: string = ok(
        await ada.call('POST', '/api/v1/commons', {
          name: 'Orchard',
          template: 'multi-stakeholder-coop',
          classes: ['workers'],
        }),
        'found',
      ).id;
      const c = `/api/v1/commons/${commonsId}`;
      for (const p of [bob, fay]) {
        ok(
          await ada.call('POST', `${c}/proposals`, {
            title: `Admit ${p.name}`,
            action: { kind: 'admit_member', accountId: p.id, classes: ['users'] },
          }),
          'invite',
        );
      }
      // The secretary approved by proposing; no one objects within the window.
      await closeAsIfLater(t, 30, commonsId);
      if ((await fay.call('GET', c)).json().me?.status !== 'member') throw new Error('Fay was not admitted');
      const application = ok(
        await dan.call('POST', `${c}/applications`, { classes: ['community'] }),
        'apply',
      ).id;
      const resolution = (who: Person) =>
        who.call('POST', `${c}/proposals`, {
          title: `${who.name}'s idea`,
          action: { kind: 'resolution', text: 'Plant trees' },
        });
      const bobProposal = ok(await resolution(bob), 'bob proposes').id;
      const adaProposal = ok(await resolution(ada), 'ada proposes').id;
      const fayProposal = ok(await resolution(fay), 'fay proposes').id;
      const commentBy = async (who: Person) =>
        `${bobProposal}/comments/${ok(await who.call('POST', `${c}/proposals/${bobProposal}/comments`, { text: `${who.name} thinks` }), 'comment').id as string}`;
      const bobComment = await commentBy(bob);
      const fayComment = await commentBy(fay);
      ok(await fay.call('POST', `${c}/leave`), 'fay leaves');
      const token = ok(await ada.call('POST', '/api/v1/tokens', { name: 'target' }), 'token').id;
      const link: string = ok(await ada.call('POST', `${c}/invitations`, {}), 'invite').url;
      await t.ctx.notifications.idle();
      const notification: string = must(
        ok(await ada.call('GET', '/api/v1/notifications'), 'notifications').items[0],
        'a notification of Ada',
      ).id;
      return {
        commonsId,
        ids: {
          'bob-proposal': bobProposal,
          'ada-proposal': adaProposal,
          'fay-proposal': fayProposal,
          application,
          'ada-token': token,
          'ada-notification': notification,
          'bob-comment': bobComment,
          'fay-comment': fayComment,
          invitation: link.slice(link.indexOf('#token=') + 7),
        },
      };
    };

    /** Sends one row's request as its caller. */
    const perform = async (op: string, actor: Actor, target: Target, a: Arena) => {
      const who = actor === 'anonymous' ? null : people[actor];
      const c = `/api/v1/commons/${a.commonsId}`;
      const pid = target === '' || target === 'fresh' ? '' : a.ids[target];
      // Rows that would end or change the caller's own sessions act as a new person of that kind (an outsider).
      const fresh = async () => {
        n += 1;
        return person(t.app, `fresh${n}@example.org`, `Fresh ${n}`);
      };
      const as = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
        who
          ? who.call(method, url, payload)
          : t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
      switch (op) {
        case SIGNUP: {
          // Always through Person.signUp (sign-up may answer 202 and sign in after).
          n += 1;
          const p = await person(t.app, `new${n}@example.org`, `New ${n}`);
          return t.app.inject({ url: '/api/v1/auth/session', headers: { cookie: p.cookie } }).then((r) => ({
            ...r,
            statusCode: r.json().account?.id === p.id ? 201 : 500,
          })) as Promise<LightMyRequestResponse>;
        }
        case SIGNIN:
          return t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/signin',
            payload: { email: people.outsider.email, password: PASSWORD },
          });
        case SIGNOUT: {
          if (!who) return t.app.inject({ method: 'POST', url: '/api/v1/auth/signout' });
          // A second session of the caller's, so that theirs goes on working for the other rows.
          const s = await t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/signin',
            payload: { email: who.email, password: PASSWORD },
          });
          const cookie = String(s.headers['set-cookie']).split(';')[0];
          const out = await t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/signout',
            headers: { cookie, 'x-csrf-token': s.json().csrfToken },
          });
          const after = await t.app.inject({ url: '/api/v1/auth/session', headers: { cookie } });
          if (after.json().account !== null) return { ...out, statusCode: 500 } as LightMyRequestResponse;
          return out;
        }
        case TOKENS:
          return as('POST', '/api/v1/tokens', { name: 'mine' });
        case TOKEN:
          return as('DELETE', `/api/v1/tokens/${pid}`);
        case FOUND:
          return as('POST', '/api/v1/commons', { name: 'Mine', template: 'single-class' });
        case APPLY:
          return as('POST', `${c}/applications`, { classes: ['users'] });
        case LEAVE:
          return as('POST', `${c}/leave`);
        case PROPOSE:
          return as('POST', `${c}/proposals`, { title: 'Mine', action: { kind: 'resolution', text: 'Yes' } });
        case DIFF:
          return as('POST', `${c}/constitution/diff`, {
            action: { kind: 'amend_constitution', rules: { resolution: { type: 'consent', hours: 1 } } },
          });
        case POSITION:
          return as('PUT', `${c}/proposals/${pid}/position`, { stance: 'agree', reason: 'Fine' });
        case BALLOT:
          return as('PUT', `${c}/proposals/${pid}/ballot`, { ballot: { ranking: [] } });
        case COMMENT:
          return as('POST', `${c}/proposals/${pid}/comments`, { text: 'A thought' });
        case WITHDRAW:
          return as('POST', `${c}/proposals/${pid}/withdraw`);
        case EDIT_COMMENT:
          return as('PATCH', `${c}/proposals/${pid}`, { text: 'On second thought' });
        case DELETE_COMMENT:
          return as('DELETE', `${c}/proposals/${pid}`);
        case NOMINATE:
          return as('POST', `${c}/proposals/${pid}/nominations`, { accountId: people.member.id });
        case NOMINATION_ACCEPT:
          return as('POST', `${c}/proposals/${pid}/nominations/accept`);
        case NOMINATION_DECLINE:
          return as('POST', `${c}/proposals/${pid}/nominations/decline`);
        case OPEN_BALLOT:
          return as('POST', `${c}/proposals/${pid}/nominations/open-ballot`);
        case DELEGATE:
          return as('PUT', `${c}/delegations`, {
            scope: { type: 'commons' },
            trustee: who === people.holder ? people.member.id : people.holder.id,
          });
        case REVOKE:
          return as('POST', `${c}/delegations/revoke`, { scope: { type: 'kind', kind: 'elect_role' } });
        case RESET:
          return as('POST', '/api/v1/auth/password-reset', { email: people.member.email });
        case RESET_CONFIRM: {
          if (target !== 'fresh')
            return as('POST', '/api/v1/auth/password-reset/confirm', {
              token: 'x'.repeat(43),
              password: 'long enough pw',
            });
          const p = await fresh();
          const token = `reset${'r'.repeat(40)}${n}`;
          await t.ctx.store.createAccountToken({
            tokenHash: sha256(token),
            accountId: p.id,
            purpose: 'password_reset',
            email: null,
            createdAt: new Date().toISOString(),
            expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          });
          return p.call('POST', '/api/v1/auth/password-reset/confirm', { token, password: 'long enough pw' });
        }
        case SIGNOUT_ALL:
          return who
            ? (await fresh()).call('POST', '/api/v1/auth/signout-everywhere')
            : as('POST', SIGNOUT_ALL.slice(5));
        case PROFILE:
          return as('PATCH', '/api/v1/account', { locale: 'en' });
        case PASSWORD_CHANGE:
          return target === 'fresh'
            ? (await fresh()).call('POST', '/api/v1/account/password', {
                currentPassword: PASSWORD,
                newPassword: 'long enough pw',
              })
            : as('POST', '/api/v1/account/password', {
                currentPassword: 'not the one',
                newPassword: 'long enough pw',
              });
        case EMAIL_CHANGE:
          return as('POST', '/api/v1/account/email', {
            email: `moved${++n}@example.org`,
            password: PASSWORD,
          });
        case EMAIL_CONFIRM:
          return as('POST', '/api/v1/account/email/confirm', { token: 'x'.repeat(43) });
        case UNSUBSCRIBE: {
          const email = `unsub${++n}@example.org`;
          const token = target === 'fresh' ? t.ctx.unsubscribe.tokenFor(email) : 'w'.repeat(43);
          return as('POST', `/api/v1/mail/unsubscribe?email=${encodeURIComponent(email)}&token=${token}`);
        }
        case NOTIFICATION_SETTINGS:
          return as('PATCH', '/api/v1/account/notifications', { settings: { decision: 'digest' } });
        case NOTIFICATION_READ:
          return as('POST', `/api/v1/notifications/${pid}/read`);
        case NOTIFICATIONS_READ:
          return as('POST', '/api/v1/notifications/read-all');
        case NOTIFICATION_UNSUBSCRIBE: {
          const account = people.outsider.id;
          const token =
            target === 'fresh'
              ? new URL(t.ctx.notifications.unsubscribeLinks(account, 'decision').oneClick).searchParams.get(
                  'token',
                )
              : 'w'.repeat(43);
          return as(
            'POST',
            `/api/v1/notifications/unsubscribe?account=${account}&kind=decision&token=${token}`,
          );
        }
        case REVIEW_ANSWER:
          return as('PUT', `${c}/reviews/no-such-review/answer`, { answer: 'yes' });
        case INVITE:
          return as('POST', `${c}/invitations`, {});
        case LOOKUP:
          return as('POST', '/api/v1/invitations/lookup', { token: pid || 'q'.repeat(43) });
        case ACCEPT:
          return as('POST', '/api/v1/invitations/accept', { token: pid });
        case REPLAY:
          return as('POST', `${c}/replay`, { rules: { resolution: { type: 'consent', hours: 1 } } });
        default:
          throw new Error(`no way to perform ${op}: add it to the matrix`);
      }
    };

    it('has rows for every write of the OpenAPI document, and every caller for each write to a commons', () => {
      const writes = routes.filter((r) => r.method !== 'GET').map((r) => r.key);
      expect(writes.length).toBeGreaterThanOrEqual(12);
      const covered = new Set(MATRIX.map((row) => row[0]));
      expect(writes.filter((k) => !covered.has(k))).toEqual([]);
      const missing: string[] = [];
      for (const k of writes.filter((x) => x.includes('/commons/{id}/'))) {
        for (const actor of ACTORS) {
          if (!MATRIX.some((row) => row[0] === k && row[1] === actor)) missing.push(`${k} by ${actor}`);
        }
      }
      expect(missing).toEqual([]);
    });

    it.each(
      MATRIX.map(
        (row) =>
          [
            `${row[0]} by ${row[1]}${row[2] ? ` on ${row[2]}` : ''}: ${row[3]} ${row[4]} (${row[5]})`,
            row,
          ] as const,
      ),
    )('%s', async (_label, [op, actor, target, status, code]) => {
      const a = await arena();
      const accounts = Object.values(people).map((p) => p.id);
      const before = await snapshot(t, accounts);
      const r = await perform(op, actor, target, a);
      if (status >= 400) {
        expect(problemFaults(r)).toEqual([]);
        expect({ status: r.statusCode, code: codeOf(r) }).toEqual({ status, code });
        expect(await snapshot(t, accounts), 'a refused request wrote something').toBe(before);
      } else {
        expect(r.statusCode, r.body).toBe(status);
      }
    });

    it("admits an applicant on the membership secretary's approval, not on a member's", async () => {
      const dan = people.applicant;
      const agree = async (a: Arena, who: Person) => {
        const r = await who.call(
          'PUT',
          `/api/v1/commons/${a.commonsId}/proposals/${a.ids.application}/position`,
          {
            stance: 'agree',
          },
        );
        expect(r.statusCode, r.body).toBe(200);
      };
      const withHolder = await arena();
      await agree(withHolder, people.holder);
      const withMember = await arena();
      await agree(withMember, people.member);
      await closeAsIfLater(t);
      expect((await dan.call('GET', `/api/v1/commons/${withHolder.commonsId}`)).json().me?.status).toBe(
        'member',
      );
      expect((await dan.call('GET', `/api/v1/commons/${withMember.commonsId}`)).json().me?.status).not.toBe(
        'member',
      );
    });
  });
}
