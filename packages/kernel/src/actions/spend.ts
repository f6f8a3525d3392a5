import { Type } from 'typebox';
import { own } from '../dict';
import { DomainError } from '../errors';
import { IdSchema, LIMITS, objectSchema, text, textSchema } from '../input';
import { amountText, parseAmount } from '../resources/amount';
import { requireLedgerPool } from '../resources/check';
import { balancesAfter, memberAccount } from '../resources/ledger';
import type { AccountRef, Payee } from '../resources/types';
import { AmountSchema } from './create-pool';
import type { ActionDefinition } from './definition';

const payeeAccount = (to: Payee): AccountRef => ('member' in to ? memberAccount(to.member) : 'outside');

/**
 * Pay from a pool to a member's account in it or out of the platform, with a purpose. The procedure may depend on
 * the amount (`by_amount`): a steward alone up to a limit, consent above it, a vote above that.
 */
export const spend = {
  kind: 'spend',
  label: 'Spend from a pool',
  input: objectSchema({
    kind: Type.Literal('spend'),
    poolId: IdSchema,
    amount: AmountSchema,
    to: Type.Union([objectSchema({ member: IdSchema }), objectSchema({ outside: textSchema(LIMITS.name) })]),
    purpose: textSchema(LIMITS.purpose),
  }),
  check(core, action, _now, state) {
    const pool = requireLedgerPool(state, action.poolId);
    const amount = amountText(parseAmount('amount', action.amount, { positive: true }));
    const to = action.to as Partial<{ member: unknown; outside: unknown }> | null;
    let payee: Payee;
    if (to && typeof to === 'object' && typeof to.member === 'string') {
      const m = own(core.members, to.member);
      if (!m || m.status !== 'member')
        throw new DomainError('member_not_found', 'A spend to a member pays a current member.', {
          accountId: to.member,
        });
      payee = { member: to.member };
    } else if (to && typeof to === 'object' && typeof to.outside === 'string') {
      payee = { outside: text('name', to.outside) };
    } else {
      throw new DomainError('invalid_action', 'A spend goes to a member ({member}) or outside ({outside}).');
    }
    balancesAfter(pool, spendEntries(amount, payee));
    return { kind: 'spend', poolId: pool.id, amount, to: payee, purpose: text('purpose', action.purpose) };
  },
  carryOut: (_core, action, proposalId) => [
    {
      type: 'TransactionRecorded',
      data: {
        proposalId,
        poolId: action.poolId,
        kind: 'spend',
        entries: spendEntries(action.amount, action.to),
        purpose: action.purpose,
        counterparty: 'member' in action.to ? action.to.member : action.to.outside,
        evidence: '',
      },
    },
  ],
} satisfies ActionDefinition<'spend'>;

const spendEntries = (amount: string, to: Payee) => [
  { account: 'pool' as const, amount: `-${amount}` },
  { account: payeeAccount(to), amount },
];
