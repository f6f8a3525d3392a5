import { own } from '@peergov/kernel';
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Invitation } from '@peergov/store';
import type { FastifyInstance } from 'fastify';
import { requireAccount } from '../auth';
import type { AppContext } from '../context';
import { newId } from '../ids';
import { limiterOf, takeAll } from '../limits';
import { mailLocale } from '../mail-templates';
import {
  InvitationAcceptedSchema,
  InvitationPreviewSchema,
  InvitationViewSchema,
  NewInvitationSchema,
  problems,
} from '../response-schemas';
import { AcceptInvitationBody, CommonsParams, InvitationBody, LimitQuery, SecretBody } from '../schemas';

const readProblems = problems(400, 401, 403, 404, 500);
const writeProblems = problems(400, 401, 403, 404, 409, 413, 415, 422, 429, 500);
const HOUR = 3_600_000;

const invitationView = (i: Invitation) => ({
  id: i.id,
  email: i.email,
  classes: i.classes,
  invitedBy: i.invitedBy,
  createdAt: i.createdAt,
  expiresAt: i.expiresAt,
  acceptedAt: i.acceptedAt,
});

/**
 * Invitations by e-mail and by link. Who may invite is the constitution's (`can(..., {type: 'invite'})`); accepting
 * applies for membership, which the commons' admission procedure decides.
 */
export function invitationRoutes(server: FastifyInstance, ctx: AppContext): void {
  const app = server.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['invitations'];
  // Each e-mail invitation mails a stranger: limited per inviter; looking secrets up is limited per address.
  const perInviter = limiterOf(ctx, 'invite:account', ctx.config.invitationsPerHour ?? 50, HOUR);
  const lookupsPerAddress = limiterOf(ctx, 'invite:lookup', 60, 60_000);

  app.post(
    '/api/v1/commons/:id/invitations',
    {
      schema: {
        tags,
        summary: 'Invite someone to apply for membership, by e-mail or by a link to share',
        description:
          'With `email`, mails the invitation (in `locale`, else yours); without, only makes the link. The answer ' +
          'carries the link once. 403 unless the constitution lets you invite (members, unless it names roles).',
        params: CommonsParams,
        body: InvitationBody,
        response: { 201: NewInvitationSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      // The permission is asked before the limit is counted: someone who may not invite learns only that.
      const state = await ctx.commons.get(req.params.id);
      if (state) ctx.invitations.requireMayInvite(state, account.id);
      // Only invitations that mail someone are counted: a link mails no one.
      if (req.body.email !== undefined) takeAll([[perInviter, account.id]]);
      const made = await ctx.invitations.invite(req.params.id, account, {
        ...(req.body.email !== undefined ? { email: req.body.email } : {}),
        ...(req.body.classes !== undefined ? { classes: req.body.classes } : {}),
        locale: mailLocale(req.body.locale, account.locale, req.headers['accept-language']),
      });
      return reply.status(201).send({
        invitation: invitationView(made.invitation),
        url: made.url,
        mailed: made.invitation.email !== null,
      });
    },
  );

  app.get(
    '/api/v1/commons/:id/invitations',
    {
      schema: {
        tags,
        summary: 'The commons’ invitations, newest first (for those who may invite)',
        params: CommonsParams,
        querystring: LimitQuery,
        response: { 200: Type.Array(InvitationViewSchema), ...readProblems },
      },
    },
    async (req) => {
      const account = requireAccount(req);
      const limit = Math.min(Math.max(Number(req.query.limit ?? 100), 1), 200);
      return (await ctx.invitations.list(req.params.id, account.id, limit)).map(invitationView);
    },
  );

  app.post(
    '/api/v1/invitations/lookup',
    {
      schema: {
        tags,
        summary: 'What an invitation link offers (no session needed)',
        description:
          'The secret travels in the body, never in an address that logs keep. 404 invitation_not_found.',
        body: SecretBody,
        response: { 200: InvitationPreviewSchema, ...problems(400, 404, 413, 415, 429, 500) },
      },
    },
    async (req) => {
      takeAll([[lookupsPerAddress, req.ip]]);
      const { invitation, state } = await ctx.invitations.find(req.body.token);
      const inviter = own(state.core.members, invitation.invitedBy)?.displayName ?? '';
      return {
        commons: { id: state.core.id, name: state.core.name, purpose: state.core.purpose },
        inviter,
        email: invitation.email,
        classes: invitation.classes,
        expiresAt: invitation.expiresAt,
        status: ctx.invitations.statusOf(invitation, req.caller.account?.id ?? null),
      };
    },
  );

  app.post(
    '/api/v1/invitations/accept',
    {
      schema: {
        tags,
        summary: 'Accept an invitation: apply for membership (opens the admission proposal)',
        description:
          'Signed in (a person without an account signs up first). The application is the commons’ usual one: ' +
          'its constitution’s rule for admit_member decides it. An e-mail invitation serves one person; a link ' +
          'anyone who has it, until it expires.',
        body: AcceptInvitationBody,
        response: { 201: InvitationAcceptedSchema, ...writeProblems },
      },
    },
    async (req, reply) => {
      const account = requireAccount(req);
      takeAll([[lookupsPerAddress, req.ip]]);
      const { invitation } = await ctx.invitations.find(req.body.token);
      ctx.invitations.requireOpen(invitation, account.id);
      const proposalId = newId('p');
      await ctx.commons.execute(
        invitation.commonsId,
        {
          type: 'ApplyForMembership',
          proposalId,
          displayName: req.body.displayName ?? account.displayName,
          classes: req.body.classes ?? invitation.classes,
          statement: req.body.statement ?? '',
        },
        account.id,
      );
      await ctx.invitations.markAccepted(invitation, account.id);
      return reply.status(201).send({ commonsId: invitation.commonsId, proposalId });
    },
  );
}
