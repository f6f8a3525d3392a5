import { Type } from 'typebox';
import { IdSchema, LIMITS, objectSchema, text, textSchema } from '../input';
import { amountText, parseAmount } from '../resources/amount';
import { requireLedgerPool } from '../resources/check';
import { balancesAfter } from '../resources/ledger';
import { AmountSchema } from './create-pool';
import type { ActionDefinition } from './definition';

/**
 * Record money (or credits) entering a pool from outside the platform, with its evidence: a bank transfer, a
 * donation. Templates give it to a treasurer's mandate: recorded by a role with that mandate.
 */
export const recordIncome = {
  kind: 'record_income',
  label: 'Record income into a pool',
  input: objectSchema({
    kind: Type.Literal('record_income'),
    poolId: IdSchema,
    amount: AmountSchema,
    source: textSchema(LIMITS.name),
    evidence: textSchema(LIMITS.purpose),
  }),
  check(_core, action, _now, state) {
    const pool = requireLedgerPool(state, action.poolId);
    const amount = amountText(parseAmount('amount', action.amount, { positive: true }));
    balancesAfter(pool, incomeEntries(amount));
    return {
      kind: 'record_income',
      poolId: pool.id,
      amount,
      source: text('name', action.source),
      evidence: text('purpose', action.evidence),
    };
  },
  carryOut: (_core, action, proposalId) => [
    {
      type: 'TransactionRecorded',
      data: {
        proposalId,
        poolId: action.poolId,
        kind: 'income',
        entries: incomeEntries(action.amount),
        purpose: `Income from ${action.source}`,
        counterparty: action.source,
        evidence: action.evidence,
      },
    },
  ],
} satisfies ActionDefinition<'record_income'>;

const incomeEntries = (amount: string) => [
  { account: 'outside' as const, amount: `-${amount}` },
  { account: 'pool' as const, amount },
];
