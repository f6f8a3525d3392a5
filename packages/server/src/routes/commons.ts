import {
  can,
  previewAmendment,
  normaliseEmail,
  own,
  SUMMARY_ID,
  type Action,
  type Command,
  type CommonsState,
  type MemberStatus,
} from '@peergov/kernel';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { requireAccount } from '../auth';
import type { WriteResult } from '../commons-service';
import type { AppContext } from '../context';
import { newId } from '../ids';
import { limiterOf, takeAll } from '../limits';
import { ApiError } from '../problems';
import {
  AmendmentPreviewSchema,
  CommentViewSchema,
  CommonsDirectorySchema,
  CommonsViewSchema,
  DelegationsViewSchema,
  problems,
  ProposalSummarySchema,
  ProposalViewSchema,
  ReplaySchema,
} from '../response-schemas';
import {
  AmendmentDraftBody,
  ApplyBody,
  BallotBody,
  DelegateBody,
  NominationBody,
  RevokeDelegationBody,
  CommentBody,
  CommonsParams,
  CreateCommonsBody,
  PositionBody,
  ProposalBody,
  ProposalParams,
  ProposalQuery,
  ReplayBody,
  ReplayQuery,
} from '../schemas';
import { commentView } from '../pages';
import { REPLAY_PAGE, REPLAY_PAGE_MAX, replayPage } from '../replay';
import { commonsView, proposalSummary, proposalView, proposalViewJson } from '../views';

// What a read can fail with, and a write too (a body refused, too large, not JSON; or too many admissions).
const readProblems = problems(400, 401, 403, 404, 409, 422, 500);
const writeProblems = problems(400, 401, 403, 404, 409, 413, 415, 422, 429, 500);

/** Commons per page of the directory, unless `limit` asks for fewer or more (up to DIRECTORY_MAX). */
const DIRECTORY_PAGE = 50;
const DIRECTORY_MAX = 200;
const DirectoryQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.String({
        pattern: '^[0-9]{1,4}$',
        description: `Commons per page: ${DIRECTORY_PAGE} by default, at most ${DIRECTORY_MAX}`,
      }),
    ),
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: '^[A-Za-z0-9_-]+$',
        description: 'The `next` of the previous page (a commons id)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** What a commons' summary document holds (see the kernel's summaryDoc). */
interface StoredSummary {
  name: string;
  purpose: string;
  template: string;
  memberCount: number;
  openProposals: number;
  createdAt: string;
}

/** Commons, membership and proposals: every write goes through the kernel under the commons' constitution. */
export function commonsRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['commons'];
  const load = async (id: string): Promise<CommonsState> => {
    const state = await ctx.commons.get(id);
    if (!state) throw new ApiError(404, 'commons_not_found', `There is no commons "${id}".`);
    return state;
  };
  // A read asks the constitution whether the caller may see the commons (anyone may, today; read rules for private
  // commons answer here later).
  const loadToSee = async (id: string, accountId: string | null): Promise<CommonsState> => {
    const state = await load(id);
    const may = can(state, accountId, { type: 'see' }, now());
    if (!may.allowed) throw new ApiError(403, may.code, may.reason);
    return state;
  };
  const getProposal = (state: CommonsState, pid: string) => {
    const p = own(state.proposals, pid);
    if (!p) throw new ApiError(404, 'proposal_not_found', `There is no proposal "${pid}" in this commons.`);
    return p;
  };

  // Existence checks before a write: a commons or proposal in the cached state exists for good (neither is ever
  // deleted), so only one missing from the cache costs a trip to the store. The write itself decides on current state.
  const commonsExists = async (id: string): Promise<void> => {
    if (!ctx.commons.peek(id)) await load(id);
  };
  const proposalExists = async (id: string, pid: string): Promise<void> => {
    if (!ctx.commons.peek(id)?.proposals[pid]) getProposal(await load(id), pid);
  };
  const now = () => new Date().toISOString();
  // A proposal's view after a write, serialised once for every write of the same append.
  const sendProposal = (reply: FastifyReply, result: WriteResult, pid: string, accountId: string) =>
    reply
      .type('application/json; charset=utf-8')
      .send(proposalViewJson(result.state, getProposal(result.state, pid), accountId, now(), result.memo));

  app.get(
    '/api/v1/commons',
    {
      schema: {
        tags,
        summary: 'The commons on this platform, a page at a time',
        querystring: DirectoryQuery,
        response: { 200: CommonsDirectorySchema, ...readProblems },
      },
    },
    async (req) => {
      // From each commons' summary document, a page at a time: the directory loads no commons. Every commons is
      // listed: anyone may see any commons today (private commons, with read rules, will need their audience in
      // the summary to be left out here).
      const limit = Math.max(1, Math.min(Number(req.query.limit ?? DIRECTORY_PAGE), DIRECTORY_MAX));
      const after = req.query.after;
      // A cursor names a commons (they are never deleted): one that names none was not given by this API.
      if (after !== undefined && !(await ctx.store.head(after)))
        throw new ApiError(400, 'invalid_cursor', `"after" names no commons: pass the \`next\` of a page.`);
      const docs = await ctx.store.listCommonsDocs('summary', SUMMARY_ID, limit + 1, after);
      const page = docs.slice(0, limit);
      // The caller's status in the commons of this page only: their member documents, in one read.
      const caller = req.caller.account?.id ?? null;
      const status = new Map<string, MemberStatus>();
      if (caller) {
        const ids = page.map((d) => d.commonsId);
        for (const m of await ctx.store.getDocs(ids, 'member', caller))
          status.set(m.commonsId, (m.body as { status: MemberStatus }).status);
      }
      const items = page.map((d) => {
        const s = d.body as StoredSummary;
        return {
          myStatus: status.get(d.commonsId) ?? null,
          id: d.commonsId,
          name: s.name,
          purpose: s.purpose,
          template: s.template,
          memberCount: s.memberCount,
          openProposals: s.openProposals,
          createdAt: s.createdAt,
        };
      });
      return { items, next: docs.length > limit ? (page.at(-1)?.commonsId ?? null) : null };
    },
  );

  app.post(
    '/api/v1/commons',
    {
      schema: {
        tags,
        summary: 'Found a commons from a template',
        body: CreateCommonsBody,
        response: { 201: CommonsViewSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const body = req.body;
      const id = newId('c');
      const command: Command = {
        type: 'CreateCommons',
        commonsId: id,
        name: body.name,
        purpose: body.purpose ?? '',
        charter: body.charter ?? '',
        template: body.template,
        displayName: account.displayName,
        classes: body.classes ?? [],
      };
      const { state } = await ctx.commons.execute(id, command, account.id);
      return reply.status(201).send(commonsView(state, account.id));
    },
  );

  app.get(
    '/api/v1/commons/:id',
    {
      schema: {
        tags,
        summary: 'A commons: members, roles, constitution',
        params: CommonsParams,
        response: { 200: CommonsViewSchema, ...readProblems },
      },
    },
    async (req) => {
      const { id } = req.params;
      const state = await loadToSee(id, req.caller.account?.id ?? null);
      return commonsView(state, req.caller.account?.id ?? null, ctx.commons.integrityOf(id));
    },
  );

  app.post(
    '/api/v1/commons/:id/constitution/diff',
    {
      schema: {
        tags,
        summary:
          'Preview a draft amendment: its plain-language difference, the procedure that would decide it, and what would refuse it (nothing is written)',
        params: CommonsParams,
        body: AmendmentDraftBody,
        response: { 200: AmendmentPreviewSchema, ...readProblems },
      },
    },
    async (req) => {
      // Signed in, as every POST is (a preview writes nothing, but costs a check of the whole constitution).
      const account = requireAccount(req);
      const state = await loadToSee(req.params.id, account.id);
      return previewAmendment(state.core, req.body.action, now());
    },
  );

  app.post(
    '/api/v1/commons/:id/applications',
    {
      schema: {
        tags,
        summary: 'Apply to join (opens an admission proposal)',
        params: CommonsParams,
        body: ApplyBody,
        response: { 201: ProposalViewSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const { id } = req.params;
      await commonsExists(id);
      const body = req.body;
      const pid = newId('p');
      const result = await ctx.commons.execute(
        id,
        {
          type: 'ApplyForMembership',
          proposalId: pid,
          displayName: body.displayName ?? account.displayName,
          classes: body.classes ?? [],
          statement: body.statement ?? '',
        },
        account.id,
      );
      return sendProposal(reply.status(201), result, pid, account.id);
    },
  );

  app.post(
    '/api/v1/commons/:id/leave',
    {
      schema: {
        tags,
        summary: 'Leave the commons',
        params: CommonsParams,
        response: { 200: CommonsViewSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      const { id } = req.params;
      await commonsExists(id);
      const { state } = await ctx.commons.execute(id, { type: 'LeaveCommons' }, account.id);
      return commonsView(state, account.id);
    },
  );

  app.get(
    '/api/v1/commons/:id/proposals',
    {
      schema: {
        tags: ['proposals'],
        summary: 'Proposals, newest first',
        params: CommonsParams,
        querystring: ProposalQuery,
        response: { 200: Type.Array(ProposalSummarySchema), ...readProblems },
      },
    },
    async (req) => {
      const state = await loadToSee(req.params.id, req.caller.account?.id ?? null);
      const status = req.query.status;
      return Object.values(state.proposals)
        .filter((p) => !status || p.status === status)
        .sort((a, b) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : a.id < b.id ? 1 : -1))
        .map((p) => proposalSummary(state, p));
    },
  );

  app.post(
    '/api/v1/commons/:id/proposals',
    {
      schema: {
        tags: ['proposals'],
        summary: 'Propose an action',
        params: CommonsParams,
        body: ProposalBody,
        response: { 201: ProposalViewSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const { id } = req.params;
      await commonsExists(id);
      const body = req.body;
      const action = await resolveAction(ctx, id, account.id, body.action);
      const pid = newId('p');
      const result = await ctx.commons.execute(
        id,
        {
          type: 'SubmitProposal',
          proposalId: pid,
          title: body.title,
          body: body.body ?? '',
          action,
          closesAt: body.closesAt,
          ...(body.question ? { question: body.question } : {}),
          ...(body.reviewAt ? { reviewAt: body.reviewAt } : {}),
        },
        account.id,
      );
      return sendProposal(reply.status(201), result, pid, account.id);
    },
  );

  app.get(
    '/api/v1/commons/:id/proposals/:pid',
    {
      schema: {
        tags: ['proposals'],
        summary: 'A proposal with positions, discussion and decision',
        params: ProposalParams,
        response: { 200: ProposalViewSchema, ...readProblems },
      },
    },
    async (req) => {
      const { id, pid } = req.params;
      const state = await loadToSee(id, req.caller.account?.id ?? null);
      return proposalView(
        state,
        getProposal(state, pid),
        req.caller.account?.id ?? null,
        now(),
        ctx.commons.integrityOf(id),
      );
    },
  );

  // A replay reads and writes nothing: anyone who may see the commons may ask, with or without an account, so often
  // per minute per address (a draft counted once; its next pages are kept).
  const replays = limiterOf(ctx, 'replay:address', ctx.config.replaysPerMinute ?? 30, 60_000);
  const page = (q: { offset?: string; limit?: string }) => ({
    offset: Number(q.offset ?? 0),
    limit: Math.max(1, Math.min(Number(q.limit ?? REPLAY_PAGE), REPLAY_PAGE_MAX)),
  });
  app.post(
    '/api/v1/commons/:id/replay',
    {
      schema: {
        tags: ['constitution'],
        summary:
          "Replay the commons' decided proposals under a draft constitution: which would have gone the other way",
        params: CommonsParams,
        querystring: ReplayQuery,
        body: ReplayBody,
        response: { 200: ReplaySchema, ...problems(400, 403, 404, 413, 415, 422, 429, 500) },
      },
    },
    async (req) => {
      const state = await loadToSee(req.params.id, req.caller.account?.id ?? null);
      const { offset, limit } = page(req.query);
      return replayPage(state, req.body.rules, offset, limit, () => takeAll([[replays, req.ip]]));
    },
  );

  app.get(
    '/api/v1/commons/:id/proposals/:pid/replay',
    {
      schema: {
        tags: ['constitution'],
        summary: "An amendment's rules replayed against the commons' decided proposals",
        params: ProposalParams,
        querystring: ReplayQuery,
        response: { 200: ReplaySchema, ...problems(400, 401, 403, 404, 409, 422, 429, 500) },
      },
    },
    async (req) => {
      const { id, pid } = req.params;
      const state = await loadToSee(id, req.caller.account?.id ?? null);
      const p = getProposal(state, pid);
      if (p.action.kind !== 'amend_constitution')
        throw new ApiError(409, 'not_an_amendment', 'Only an amendment of the constitution has a replay.');
      const { offset, limit } = page(req.query);
      return replayPage(state, p.action.rules, offset, limit, () => takeAll([[replays, req.ip]]));
    },
  );

  app.put(
    '/api/v1/commons/:id/proposals/:pid/position',
    {
      schema: {
        tags: ['proposals'],
        summary: 'Take or change your position',
        params: ProposalParams,
        body: PositionBody,
        response: { 200: ProposalViewSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const { id, pid } = req.params;
      await proposalExists(id, pid);
      const body = req.body;
      const result = await ctx.commons.execute(
        id,
        { type: 'TakePosition', proposalId: pid, stance: body.stance, reason: body.reason ?? '' },
        account.id,
      );
      return sendProposal(reply, result, pid, account.id);
    },
  );

  app.put(
    '/api/v1/commons/:id/proposals/:pid/ballot',
    {
      schema: {
        tags: ['proposals'],
        summary: 'Cast or replace your ballot on a poll',
        description:
          "The ballot's shape follows the poll's method: `ranking` (schulze, irv), `approve` (approval) or `values` (score, dots, quadratic). The poll's result is the proposal's `outcome.poll` once it is decided.",
        params: ProposalParams,
        body: BallotBody,
        response: { 200: ProposalViewSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const { id, pid } = req.params;
      await proposalExists(id, pid);
      const body = req.body;
      const result = await ctx.commons.execute(
        id,
        { type: 'CastBallot', proposalId: pid, ballot: body.ballot, reason: body.reason ?? '' },
        account.id,
      );
      return sendProposal(reply, result, pid, account.id);
    },
  );

  // Liquid delegation: the caller's delegations (given and received), given or taken back.
  const delegationsOf = (state: CommonsState, accountId: string) => {
    const name = (id: string) => ({
      accountId: id,
      displayName: own(state.core.members, id)?.displayName ?? id,
    });
    const all = state.core.delegations ?? [];
    return {
      mine: all
        .filter((d) => d.truster === accountId)
        .map((d) => ({ trustee: name(d.trustee), scope: d.scope, since: d.since })),
      toMe: all
        .filter((d) => d.trustee === accountId)
        .map((d) => ({ truster: name(d.truster), scope: d.scope, since: d.since })),
    };
  };
  app.get(
    '/api/v1/commons/:id/delegations',
    {
      schema: {
        tags,
        summary: 'Your delegations here: the votes you gave and the votes given to you',
        params: CommonsParams,
        response: { 200: DelegationsViewSchema, ...readProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      return delegationsOf(await loadToSee(req.params.id, account.id), account.id);
    },
  );
  app.put(
    '/api/v1/commons/:id/delegations',
    {
      schema: {
        tags,
        summary: 'Delegate your vote to a member, for the commons, a kind of action or one proposal',
        description:
          "Counted under procedures with delegation at each proposal's close: a proposal's delegation beats a kind's, which beats the commons'; your direct vote overrides; chains, cycles and delegations to people who do not vote resolve as LiquidFeedback resolves them.",
        params: CommonsParams,
        body: DelegateBody,
        response: { 200: DelegationsViewSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      await commonsExists(req.params.id);
      const { state } = await ctx.commons.execute(
        req.params.id,
        { type: 'Delegate', scope: req.body.scope, trustee: req.body.trustee },
        account.id,
      );
      return delegationsOf(state, account.id);
    },
  );
  app.post(
    '/api/v1/commons/:id/delegations/revoke',
    {
      schema: {
        tags,
        summary: 'Take back your delegation within a scope',
        params: CommonsParams,
        body: RevokeDelegationBody,
        response: { 200: DelegationsViewSchema, ...writeProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      await commonsExists(req.params.id);
      const { state } = await ctx.commons.execute(
        req.params.id,
        { type: 'RevokeDelegation', scope: req.body.scope },
        account.id,
      );
      return delegationsOf(state, account.id);
    },
  );

  // Elections: nominations, acceptance and the ballot opened by the proposer (the ballot itself is the PUT above).
  app.post(
    '/api/v1/commons/:id/proposals/:pid/nominations',
    {
      schema: {
        tags: ['proposals'],
        summary: 'Nominate a member in an election (yourself to stand)',
        description:
          'Any member may nominate any member while nominations are open; a nominee stands once they accept (nominating yourself is accepting).',
        params: ProposalParams,
        body: NominationBody,
        response: { 200: ProposalViewSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const { id, pid } = req.params;
      await proposalExists(id, pid);
      const result = await ctx.commons.execute(
        id,
        { type: 'NominateCandidate', proposalId: pid, accountId: req.body.accountId },
        account.id,
      );
      return sendProposal(reply, result, pid, account.id);
    },
  );
  for (const [path, type, summary] of [
    ['accept', 'AcceptNomination', 'Accept your nomination: you stand in the election'],
    ['decline', 'DeclineNomination', 'Decline your nomination (or stand down while nominations are open)'],
    [
      'open-ballot',
      'OpenElectionBallot',
      'Close nominations and open the ballot (the proposer, without a nomination period)',
    ],
  ] as const) {
    app.post(
      `/api/v1/commons/:id/proposals/:pid/nominations/${path}`,
      {
        schema: {
          tags: ['proposals'],
          summary,
          params: ProposalParams,
          response: { 200: ProposalViewSchema, ...writeProblems },
        },
      },
      async (req, reply) => {
        const account = requireAccount(req);
        const { id, pid } = req.params;
        await proposalExists(id, pid);
        const result = await ctx.commons.execute(id, { type, proposalId: pid }, account.id);
        return sendProposal(reply, result, pid, account.id);
      },
    );
  }

  app.post(
    '/api/v1/commons/:id/proposals/:pid/comments',
    {
      schema: {
        tags: ['proposals'],
        summary: 'Add to the discussion',
        params: ProposalParams,
        body: CommentBody,
        response: { 201: CommentViewSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const { id, pid } = req.params;
      await proposalExists(id, pid);
      const body = req.body;
      const commentId = newId('k');
      const { state } = await ctx.commons.execute(
        id,
        { type: 'PostComment', proposalId: pid, commentId, text: body.text, replyTo: body.replyTo ?? null },
        account.id,
      );
      const c = own(state.comments, pid)?.find((x) => x.id === commentId);
      if (!c) throw new Error(`the comment "${commentId}" is missing from the state after its write`);
      return reply.status(201).send(commentView(state, c));
    },
  );

  app.post(
    '/api/v1/commons/:id/proposals/:pid/withdraw',
    {
      schema: {
        tags: ['proposals'],
        summary: 'Withdraw your proposal',
        params: ProposalParams,
        response: { 200: ProposalViewSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      const { id, pid } = req.params;
      await proposalExists(id, pid);
      const result = await ctx.commons.execute(id, { type: 'WithdrawProposal', proposalId: pid }, account.id);
      return sendProposal(reply, result, pid, account.id);
    },
  );
}

/**
 * Turns the API's action into the kernel's: an invitation by email names the account it invites. Whether an email
 * or id has an account is told only to a member of the commons (anyone else gets 403 not_a_member first, as the
 * kernel would answer), and only so often per hour.
 */
async function resolveAction(
  ctx: AppContext,
  commonsId: string,
  callerId: string,
  input: Record<string, unknown> & { kind: string },
): Promise<Action> {
  if (input.kind !== 'admit_member') return input as unknown as Action;
  const members = (await ctx.commons.get(commonsId))?.core.members;
  if (!members || !Object.hasOwn(members, callerId) || members[callerId]?.status !== 'member')
    throw new ApiError(403, 'not_a_member', 'Only members of this commons can do that.');
  takeAll([[limiterOf(ctx, 'admit:lookup', ctx.config.accountLookupsPerHour ?? 60, 3_600_000), callerId]]);
  let account = null;
  if (typeof input.email === 'string') {
    account = await ctx.store.findAccountByEmail(normaliseEmail(input.email));
    if (!account) {
      throw new ApiError(
        404,
        'account_not_found',
        `No one has signed up with ${input.email} yet; ask them to sign up first.`,
      );
    }
  } else if (typeof input.accountId === 'string') {
    account = await ctx.store.getAccount(input.accountId);
    if (!account) throw new ApiError(404, 'account_not_found', 'There is no account with that id.');
  } else {
    throw new ApiError(400, 'invalid_request', 'An admission names the person by email or accountId.');
  }
  return {
    kind: 'admit_member',
    accountId: account.id,
    displayName: typeof input.displayName === 'string' ? input.displayName : account.displayName,
    classes: (input.classes as string[] | undefined) ?? [],
  };
}
