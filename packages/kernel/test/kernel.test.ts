// The kernel as a whole: read-model documents rebuild the state. Each domain module's commands and events are in
// test/modules (given events / when a command / then events or a refusal).
import { describe, expect, it } from 'vitest';
import { readModelChanges, stateFromDocs } from '../src/index';
import { must } from './must';
import { Scenario } from './scenario';

describe('read models', () => {
  it('rebuild the same state from documents, without replaying history', () => {
    const c = Scenario.founded();
    c.admit('bob', 'p1');
    c.run({ type: 'TakePosition', proposalId: 'p1', stance: 'agree', reason: 'yes' }, 'ada');
    c.run({ type: 'PostComment', proposalId: 'p1', commentId: 'k1', text: 'Welcome!', replyTo: null }, 'bob');
    const docs = readModelChanges(c.s, c.log);
    const by = (k: string) => docs.filter((d) => d.kind === k).map((d) => d.body);
    const rebuilt = stateFromDocs({
      core: must(by('commons')[0], 'the commons document'),
      members: by('member'),
      proposals: by('proposal'),
      positions: by('position'),
      comments: by('comment'),
    });
    expect(rebuilt).toEqual(c.s);
  });
});
