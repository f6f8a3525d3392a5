// The founding module (src/modules/founding.ts): CreateCommons, and the state CommonsCreated gives.
import { describe, expect, it } from 'vitest';
import { TEMPLATES, type Command, type DomainEvent } from '../../src/index';
import { at, foundingEvents, T0 } from '../scenario';
import { resolutionOpened, spec, submit } from './spec';

type CreateCommons = Extract<Command, { type: 'CreateCommons' }>;

const create = (o: Partial<CreateCommons> = {}): Command => ({
  type: 'CreateCommons',
  commonsId: 'c1',
  name: 'Garden',
  purpose: '',
  charter: '',
  template: 'single-class',
  displayName: 'Ada',
  classes: [],
  ...o,
});

describe('CreateCommons', () => {
  it('given nothing, when Ada creates a commons, then she is its first member under the template rules', () => {
    const { events } = spec().when(create(), 'ada').thenTypes(['CommonsCreated']);
    const created = events[0] as Extract<DomainEvent, { type: 'CommonsCreated' }>;
    expect(created.data.founder).toMatchObject({ accountId: 'ada', status: 'member', classes: ['member'] });
    expect(created.data.constitution.version).toBe(1);
    expect(created.data.constitution.rules.admit_member).toEqual({ type: 'consent', hours: 72 });
  });

  it('given nothing, when Ada creates a commons, then exactly its founding event, and the state it gives', () => {
    const tpl = TEMPLATES['single-class'];
    const { state } = spec()
      .when(create({ name: ' Garden ', purpose: ' Grow food ', charter: 'We share.' }), 'ada', at(1))
      .then([
        {
          type: 'CommonsCreated',
          data: {
            id: 'c1',
            name: 'Garden',
            purpose: 'Grow food',
            charter: 'We share.',
            template: 'single-class',
            classes: tpl.classes,
            // The constitution may carry more (its participation rules): the participation tests cover that.
            constitution: expect.objectContaining({
              version: 1,
              rules: tpl.rules,
              adoptedAt: at(1),
              adoptedBy: null,
            }) as never,
            founder: {
              accountId: 'ada',
              displayName: 'Ada',
              classes: ['member'],
              status: 'member',
              since: at(1),
              admission: 1,
            },
            roles: [],
          },
        },
      ]);
    expect(state.core).toMatchObject({ id: 'c1', createdAt: at(1), createdBy: 'ada', history: [] });
    expect(Object.keys(state.core.members)).toEqual(['ada']);
    // The founder's is the first admission.
    expect(state.core.admissions).toBe(1);
    expect(state.core.members.ada?.admission).toBe(1);
    expect(state.core.roles).toEqual({});
    expect(state.proposals).toEqual({});
    // Records keyed by outside ids have no prototype.
    expect(Object.getPrototypeOf(state.core.members)).toBeNull();
    expect(Object.getPrototypeOf(state.proposals)).toBeNull();
  });

  it('given nothing, when Ada founds a co-operative in her classes, then she holds its roles for their terms', () => {
    const { events, state } = spec()
      .when(create({ template: 'multi-stakeholder-coop', classes: ['workers', 'users', 'workers'] }), 'ada')
      .thenTypes(['CommonsCreated']);
    expect(events[0]).toMatchObject({
      data: {
        template: 'multi-stakeholder-coop',
        founder: { classes: ['workers', 'users'] },
        roles: [
          { id: 'membership-secretary', holders: [{ accountId: 'ada', since: T0, until: at(365 * 24) }] },
        ],
      },
    });
    expect(state.core.classes.map((c) => c.id)).toEqual(['workers', 'users', 'community', 'guardians']);
    expect(state.core.roles['membership-secretary']?.holders).toEqual([
      { accountId: 'ada', since: T0, until: at(365 * 24) },
    ]);
  });

  it('given no classes, when the founder of a co-operative names none, then she is in its first class', () => {
    spec()
      .when(create({ template: 'multi-stakeholder-coop' }), 'ada')
      .thenMatch([{ type: 'CommonsCreated', data: { founder: { classes: ['workers'] } } }]);
  });

  it('rejects an unknown template and an empty name', () => {
    const bad = {
      type: 'CreateCommons',
      commonsId: 'c',
      name: 'x',
      purpose: '',
      charter: '',
      displayName: 'A',
      classes: [],
    };
    spec()
      .when({ ...bad, template: 'nope' } as unknown as Command, 'ada')
      .thenRefuses('invalid_input');
    spec()
      .when({ ...bad, name: '  ', template: 'single-class' } as Command, 'ada')
      .thenRefuses('invalid_input');
  });

  it.each([
    ['an empty id', { commonsId: '' }, 'id'],
    ['a display name with nothing visible', { displayName: '\u200B' }, 'displayName'],
    ['a display name that claims a title', { displayName: 'Ada (founder)' }, 'displayName'],
    ['a purpose that is not text', { purpose: 42 as never }, 'purpose'],
  ] as [string, Partial<CreateCommons>, string][])(
    'given nothing, when founding with %s, then invalid_input naming the field',
    (_, o, field) => {
      const error = spec().when(create(o), 'ada').thenRefuses('invalid_input');
      expect(error.details).toMatchObject({ field });
    },
  );

  it('given nothing, when the founder names a class the template has not, then unknown_class', () => {
    spec()
      .when(create({ template: 'multi-stakeholder-coop', classes: ['owners'] }), 'ada')
      .thenRefuses('unknown_class', /no stakeholder class "owners"/);
  });

  it('given nothing, when the platform (no person) founds a commons, then not_a_member', () => {
    spec().when(create(), null).thenRefuses('not_a_member');
  });

  it('given a commons, when it is founded again, then commons_exists', () => {
    spec(foundingEvents()).when(create(), 'ada').thenRefuses('commons_exists');
    spec(foundingEvents())
      .when(create({ commonsId: 'c2' }), 'bob')
      .thenRefuses('commons_exists');
  });
});

describe('before a commons is founded', () => {
  it.each([
    submit('p1', { kind: 'resolution', text: 'x' }),
    { type: 'ApplyForMembership', proposalId: 'a1', displayName: 'Bob', classes: [], statement: '' },
    { type: 'LeaveCommons' },
    { type: 'CloseProposal', proposalId: 'p1' },
  ] as Command[])('given nothing, when $type, then commons_not_found', (command) => {
    spec().when(command, 'ada').thenRefuses('commons_not_found');
  });

  it('given a commons, then later events apply to it, not to a new one', () => {
    const { state } = spec([...foundingEvents(), resolutionOpened('r1')]);
    expect(state?.core.id).toBe('c1');
    expect(Object.keys(state?.proposals ?? {})).toEqual(['r1']);
  });
});
