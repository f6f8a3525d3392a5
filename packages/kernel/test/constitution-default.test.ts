// A kind of action added to the platform after a commons adopted its constitution has no rule there: the
// constitution's default rule decides it (else its rule for resolutions), and nothing about the commons breaks.
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  decide,
  describeConstitution,
  ruleFor,
  type CommonsState,
  type EventEnvelope,
} from '../src/index';
import { foundingEvents, T0 } from './scenario';

/** The founding events with the rule for `adopt_charter` removed, as if the kind came later. */
function commonsWithout(
  defaultRule?: { type: 'automatic' } | { type: 'consent'; hours: number },
): CommonsState {
  const [created, ...rest] = foundingEvents({ members: ['bob'] });
  if (created?.type !== 'CommonsCreated') throw new Error('expected CommonsCreated');
  const { adopt_charter: _gone, ...rules } = created.data.constitution.rules;
  const constitution = {
    ...created.data.constitution,
    rules: rules as typeof created.data.constitution.rules,
    defaultRule,
  };
  let state: CommonsState | null = null;
  for (const e of [{ ...created, data: { ...created.data, constitution } }, ...rest])
    state = applyEvent(state, { ...e, actor: 'ada', at: T0 } as EventEnvelope);
  return state!;
}

const proposeCharter = (state: CommonsState) =>
  decide(
    state,
    {
      type: 'SubmitProposal',
      proposalId: 'p1',
      title: 'Charter',
      body: '',
      action: { kind: 'adopt_charter', purpose: 'Grow food', charter: 'We share.' },
    },
    { actor: 'ada', now: T0 },
  );

describe('a kind the constitution names no rule for', () => {
  it('given a default rule, when a member proposes that kind, then the default rule decides it', () => {
    const state = commonsWithout({ type: 'automatic' });
    expect(ruleFor(state.core.constitution, 'adopt_charter')).toEqual({ type: 'automatic' });
    expect(proposeCharter(state).map((e) => e.type)).toEqual([
      'ProposalOpened',
      'ProposalDecided',
      'CharterAdopted',
    ]);
  });

  it('given no default rule, then the rule for resolutions decides it, and the constitution still reads', () => {
    const state = commonsWithout();
    const resolutionRule = state.core.constitution.rules.resolution;
    expect(ruleFor(state.core.constitution, 'adopt_charter')).toEqual(resolutionRule);
    const opened = proposeCharter(state)[0];
    expect(opened?.type === 'ProposalOpened' && opened.data.procedure).toEqual(resolutionRule);
    const line = describeConstitution(state.core).find((l) => l.kind === 'adopt_charter');
    expect(line?.text).toMatch(/./);
  });
});
