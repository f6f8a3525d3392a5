import type { FastifyBaseLogger } from 'fastify';
import type { AppContext } from './context';
import { CommonsService } from './commons-service';
import { newId } from './ids';

/** The demo accounts' password (printed at start so a visitor can sign in as any of them). */
export const DEMO_PASSWORD = 'demo-password';

/**
 * Seeds a living commons on an empty database: members in several stakeholder classes, a role, decided
 * proposals (one amending the constitution), an open proposal with positions and a discussion.
 */
export async function seedDemo(ctx: AppContext, log?: FastifyBaseLogger): Promise<string | null> {
  if ((await ctx.commons.listIds()).length > 0) return null;
  const people = [
    ['amara@demo.peergov.org', 'Amara Okafor', ['workers']],
    ['ben@demo.peergov.org', 'Ben Llewellyn', ['users']],
    ['chen@demo.peergov.org', 'Chen Wei', ['community']],
    ['dara@demo.peergov.org', 'Dara Quinn', ['guardians']],
    ['eli@demo.peergov.org', 'Eli Navarro', ['users']],
  ] as const;
  const account = async ([email, name]: (typeof people)[number]) => {
    const existing = await ctx.store.findAccountByEmail(email);
    return (existing ?? (await ctx.auth.signUp(email, DEMO_PASSWORD, name))).id;
  };
  const amara = await account(people[0]);
  const ben = await account(people[1]);
  const chen = await account(people[2]);
  const dara = await account(people[3]);
  const eli = await account(people[4]);
  const c = newId('c');
  // The demo's history happened over the last three weeks: a service with its own clock writes it.
  let clock = Date.now() - 21 * 86_400_000;
  const later = (hours: number) => (clock += hours * 3_600_000);
  const history = new CommonsService(ctx.store, ctx.keys, () => new Date(clock));
  const run = (cmd: Parameters<AppContext['commons']['execute']>[1], actor: string | null) => {
    later(0.25);
    return history.execute(c, cmd, actor);
  };
  await run(
    {
      type: 'CreateCommons',
      commonsId: c,
      name: 'Riverside Community Energy',
      purpose:
        'Own and run the solar roofs and the small hydro turbine of our valley, for the people who live here and the river.',
      charter:
        'We produce clean energy together and share its benefits fairly among workers, users and the local community. The guardians speak for the river in every decision.',
      template: 'multi-stakeholder-coop',
      displayName: 'Amara Okafor',
      classes: ['workers'],
    },
    amara,
  );
  // Amara is the membership secretary: she admits the others (each after applying).
  const applications: string[] = [];
  const applicants = [
    [ben, people[1]],
    [chen, people[2]],
    [dara, people[3]],
    [eli, people[4]],
  ] as const;
  for (const [id, [, name, classes]] of applicants) {
    const pid = newId('p');
    applications.push(pid);
    await run(
      {
        type: 'ApplyForMembership',
        proposalId: pid,
        displayName: name,
        classes: [...classes],
        statement: 'I would like to take part.',
      },
      id,
    );
    await run({ type: 'TakePosition', proposalId: pid, stance: 'agree', reason: 'Welcome!' }, amara);
  }
  // No one objected within the three-day window: the platform's clock closes the admissions.
  later(73);
  for (const pid of applications) await run({ type: 'CloseProposal', proposalId: pid }, null);
  later(24);
  const members = [amara, ben, chen, dara, eli];
  const vote = async (
    pid: string,
    stances: Record<string, ['agree' | 'disagree' | 'abstain' | 'block', string]>,
  ) => {
    for (const [who, [stance, reason]] of Object.entries(stances)) {
      await run({ type: 'TakePosition', proposalId: pid, stance, reason }, who);
    }
  };
  const p1 = newId('p');
  await run(
    {
      type: 'SubmitProposal',
      proposalId: p1,
      title: 'Install a fish ladder at the turbine weir',
      body: 'The guardians report that trout cannot pass the weir. A fish ladder costs about 8,000 EUR from the reserve.',
      action: {
        kind: 'resolution',
        text: 'Build a fish ladder at the weir this summer, paid from the reserve.',
      },
    },
    dara,
  );
  await run(
    {
      type: 'PostComment',
      proposalId: p1,
      commentId: newId('k'),
      text: 'Is 8,000 EUR the full cost, including the permit?',
      replyTo: null,
    },
    ben,
  );
  await vote(p1, {
    [amara]: ['agree', 'The river is part of this commons.'],
    [ben]: ['agree', 'Yes, if the permit is included.'],
    [chen]: ['agree', 'The anglers club will help.'],
    [dara]: ['agree', 'Trout need to reach the spawning grounds.'],
    [eli]: ['abstain', 'I trust the others on this.'],
  });
  const p2 = newId('p');
  await run(
    {
      type: 'SubmitProposal',
      proposalId: p2,
      title: 'Let guardians admit members too',
      body: 'Amend the constitution: admissions by consent over three days instead of by the secretary alone.',
      action: { kind: 'amend_constitution', rules: { admit_member: { type: 'consent', hours: 72 } } },
    },
    chen,
  );
  await vote(p2, {
    [amara]: ['agree', 'Less work for one person.'],
    [ben]: ['agree', ''],
    [chen]: ['agree', 'More open.'],
    [dara]: ['agree', ''],
    [eli]: ['disagree', 'Three days is slow for newcomers.'],
  });
  // The open proposal started yesterday, so it is still open for a few days.
  clock = Date.now() - 86_400_000;
  const p3 = newId('p');
  await run(
    {
      type: 'SubmitProposal',
      proposalId: p3,
      title: 'Lower tariff for households on low incomes',
      body: 'Offer a 20% lower tariff to member households that receive housing benefit, funded from the community dividend.',
      action: {
        kind: 'resolution',
        text: 'Introduce a 20% social tariff funded from the community dividend.',
      },
    },
    ben,
  );
  await run(
    {
      type: 'PostComment',
      proposalId: p3,
      commentId: newId('k'),
      text: 'How many households would qualify?',
      replyTo: null,
    },
    amara,
  );
  await run(
    {
      type: 'PostComment',
      proposalId: p3,
      commentId: newId('k'),
      text: 'About 40 of our 310 households, by the council figures.',
      replyTo: null,
    },
    chen,
  );
  await vote(p3, {
    [ben]: ['agree', 'Energy should be affordable for everyone.'],
    [dara]: ['abstain', 'No effect on the river either way.'],
  });
  log?.info(
    { commons: c, members: members.length, password: DEMO_PASSWORD },
    'demo commons seeded; sign in as amara@demo.peergov.org',
  );
  return c;
}
