import type { TemplateId } from './templates';
import type { Action, Stance } from './types';

/** What a person (or the platform's clock) asks for. Ids and time come in as data: the kernel makes none. */
export type Command =
  | {
      type: 'CreateCommons';
      commonsId: string;
      name: string;
      purpose: string;
      charter: string;
      template: TemplateId;
      displayName: string;
      classes: string[];
    }
  | {
      type: 'ApplyForMembership';
      proposalId: string;
      displayName: string;
      classes: string[];
      statement: string;
    }
  | {
      type: 'SubmitProposal';
      proposalId: string;
      title: string;
      body: string;
      action: Action;
      closesAt?: string;
    }
  | { type: 'TakePosition'; proposalId: string; stance: Stance; reason: string }
  | { type: 'PostComment'; proposalId: string; commentId: string; text: string; replyTo: string | null }
  | { type: 'WithdrawProposal'; proposalId: string }
  | { type: 'CloseProposal'; proposalId: string }
  | { type: 'LeaveCommons' };

/** Who asks and when. `actor` is an account id, or null for the platform itself (closing due proposals). */
export interface CommandContext {
  actor: string | null;
  now: string;
}
