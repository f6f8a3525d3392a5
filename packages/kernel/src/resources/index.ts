// Resources (issue 15): pools, their ledgers and bookings; the pure parts the kernel, the server and tests share.
export * from './types';
export { MAX_AMOUNT, amountText, formatAmount, parseAmount, toMajor, unitProblem } from './amount';
export {
  appended,
  balanceOf,
  balancesAfter,
  emptyList,
  itemAt,
  ledgerSum,
  memberAccount,
  sliceOf,
} from './ledger';
export { bookingCost, overlapping } from '../actions/bookings';
