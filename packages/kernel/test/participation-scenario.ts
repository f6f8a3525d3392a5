// A commons whose constitution names its own participation rules, for the kernel's and the views' tests.
import { DEFAULT_PARTICIPATION, type DomainEvent, type Participation } from '../src/index';
import { at, foundingEvents, Scenario } from './scenario';

const steward = {
  id: 'steward',
  name: 'Steward',
  description: '',
  mandate: [],
  termDays: null,
  holders: [['bob', at(10)] as [string, string | null]],
};

/** A commons whose constitution lets only stewards propose and comment (bob is one until at(10)). */
export function stewardsOnly(): Scenario {
  const events: DomainEvent[] = foundingEvents({ members: ['bob', 'cy'], roles: [steward] });
  const founding = events[0] as Extract<DomainEvent, { type: 'CommonsCreated' }>;
  const participation: Participation = {
    ...DEFAULT_PARTICIPATION,
    propose: { who: 'roles', roles: ['steward'] },
    comment: { who: 'roles', roles: ['steward'] },
  };
  founding.data.constitution.participation = participation;
  return new Scenario(events);
}
