// No lock-in (src/rules/lock-in.ts): checked when an amendment is proposed and when a commons is founded; every
// problem is a sentence of its own, and all are listed.
import { describe, expect, it } from 'vitest';
import { TEMPLATES, type Reason, type TemplateId } from '../../src/index';
import { at, consent, foundingEvents, role } from '../scenario';
import { spec, submit } from '../modules/spec';
import { amend, foundedWith, TIERS_OF } from './given';

const problemsOf = (e: { details: Record<string, unknown> }) => e.details.problems as Reason[];

describe('no lock-in when an amendment is proposed', () => {
  it('given no roles, when amending, creating, changing and assigning roles all become role decisions, then every one is told', () => {
    const error = spec(foundingEvents())
      .when(
        submit(
          'a',
          amend({
            amend_constitution: role(0),
            create_role: role(0),
            change_role: role(0),
            assign_role: role(0),
          }),
        ),
      )
      .thenRefuses('constitution_locked');
    const problems = problemsOf(error);
    expect(problems.map((p) => [p.code, p.params.kind])).toEqual([
      ['role_unfillable', 'create_role'],
      ['role_unfillable', 'change_role'],
      ['role_unfillable', 'assign_role'],
      ['role_unfillable', 'amend_constitution'],
      ['amendment_impossible', undefined],
    ]);
    // Each problem its own sentence, and the refusal says them all.
    for (const p of problems) expect(error.message).toContain(p.text);
    expect(error.message).toContain('The constitution could never be amended again.');
  });

  it('given roles can still be created and assigned by consent, when amending becomes a role decision, then it opens', () => {
    spec(foundingEvents())
      .when(submit('a', amend({ amend_constitution: role(0) })))
      .thenTypes(['ProposalOpened']);
  });

  it('given a role with the mandate but no holder, when assigning needs that role too, then both are locked', () => {
    const roles = [
      {
        id: 'warden',
        name: 'Warden',
        description: '',
        mandate: ['remove_member' as const, 'assign_role' as const],
        termDays: null,
        holders: [] as [string, string | null][],
      },
    ];
    const error = spec(foundingEvents({ roles, rules: { create_role: role(0), change_role: role(0) } }))
      .when(submit('a', amend({ remove_member: role(0), assign_role: role(0) })))
      .thenRefuses('constitution_locked');
    expect(problemsOf(error).map((p) => p.params.kind)).toEqual(
      expect.arrayContaining(['remove_member', 'assign_role']),
    );
  });

  it('given a role whose only holder’s term has ended, when its mandate becomes the only way to assign, then locked', () => {
    const roles = [
      {
        id: 'clerk',
        name: 'Clerk',
        description: '',
        mandate: ['assign_role' as const],
        termDays: 30,
        holders: [['ada', at(24)]] as [string, string | null][],
      },
    ];
    const history = foundingEvents({ roles, rules: { create_role: role(0), change_role: role(0) } });
    spec(history)
      .when(submit('a', amend({ assign_role: role(0) })), 'ada', at(1))
      .thenTypes(['ProposalOpened']);
    spec(history)
      .when(submit('a', amend({ assign_role: role(0) })), 'ada', at(48))
      .thenRefuses('constitution_locked');
  });

  it('given a commons already locked on one kind, when an unrelated rule changes, then it is not refused for it', () => {
    // Removing a member needs a role no one holds and no one can be given (assigning does too): already so.
    spec(
      foundingEvents({
        rules: { remove_member: role(0), assign_role: role(0), create_role: role(0), change_role: role(0) },
      }),
    )
      .when(submit('a', amend({ resolution: consent(12) })))
      .thenTypes(['ProposalOpened']);
  });

  it('given tiers whose entrenched tier never changes, when a rule is moved into it, then refused', () => {
    const tiers = { ...TIERS_OF, kinds: { ...TIERS_OF.kinds, resolution: 'entrenched' } };
    const error = spec(
      foundedWith({
        tiers: {
          ...TIERS_OF,
          procedures: { ...TIERS_OF.procedures, policy: consent(1), constitutional: consent(1) },
        },
      }),
    )
      .when(
        submit(
          'a',
          amend(
            {},
            {
              tiers: {
                ...tiers,
                procedures: { ...TIERS_OF.procedures, policy: consent(1), constitutional: consent(1) },
              },
            },
          ),
        ),
      )
      .thenRefuses('constitution_locked');
    expect(problemsOf(error)).toEqual([
      expect.objectContaining({
        code: 'moved_to_locked_tier',
        params: { kind: 'resolution', tier: 'entrenched' },
      }),
    ]);
  });

  it('given no tiers, when tiers are introduced whose policy tier needs a role no one can hold, then the tiers are locked', () => {
    const tiers = { ...TIERS_OF, procedures: { ...TIERS_OF.procedures, policy: role(0) } };
    const error = spec(
      foundingEvents({ rules: { create_role: role(0), change_role: role(0), assign_role: role(0) } }),
    )
      .when(submit('a', amend({}, { tiers })))
      .thenRefuses('constitution_locked');
    const codes = problemsOf(error).map((p) => `${p.code}:${String(p.params.tier ?? p.params.kind ?? '')}`);
    expect(codes).toContain('tier_locked:operational');
    expect(codes).toContain('amendment_impossible:');
    // The entrenched tier never changes and adopting the charter is moved into it; the operational kinds are
    // in a locked tier too, told once for the tier.
    expect(codes).toContain('moved_to_locked_tier:entrenched');
    expect(codes.filter((c) => c.startsWith('moved_to_locked_tier'))).toHaveLength(1);
  });
});

describe('no lock-in at the founding', () => {
  it.each(Object.keys(TEMPLATES) as TemplateId[])(
    'given the template %s, when a commons is founded, then it is',
    (template) => {
      spec([])
        .when({
          type: 'CreateCommons',
          commonsId: 'c1',
          name: 'C',
          purpose: '',
          charter: '',
          template,
          displayName: 'Ada',
          classes: [],
        })
        .thenTypes(['CommonsCreated']);
    },
  );
});
