// The sparse vote matrix of a conversation: one row per participant, one column per statement that has votes.
// Pol.is keeps the last vote of a participant on a statement (compdemocracy/polis math/src/polismath/math/
// named_matrix.clj, `update-nmat`); we do the same, judged by timestamp, ties going to the later input row.
import { at } from '../common/index';

/** A vote: 1 agree, -1 disagree, 0 pass (the sign convention of the Pol.is exports and red-dwarf fixtures). */
export type VoteValue = -1 | 0 | 1;

/** One vote event; `time` orders events (the latest per participant and statement counts). */
export interface OpinionVote {
  participant: string;
  statement: string;
  vote: VoteValue;
  time: number;
}

/** A statement of the conversation; `moderated` -1 (out), 0 (not yet), 1 (in); meta statements do not count. */
export interface OpinionStatement {
  id: string;
  text?: string;
  moderated?: -1 | 0 | 1;
  isMeta?: boolean;
}

/** A conversation: its statements and every vote event (any order). */
export interface Conversation {
  statements: OpinionStatement[];
  votes: OpinionVote[];
}

/**
 * Compressed sparse rows of the last votes. Rows are participants, columns statements with at least one vote,
 * both in id order (numeric when every id is an integer). `value[k]` is the vote in column `col[k]`.
 */
export interface VoteMatrix {
  participantIds: string[];
  statementIds: string[];
  rowStart: Int32Array;
  col: Int32Array;
  value: Int8Array;
}

/** Vote events as parallel typed arrays (row and column indices into the given id lists), for large inputs. */
export interface VoteTriplets {
  participantIds: string[];
  statementIds: string[];
  row: Int32Array;
  col: Int32Array;
  value: Int8Array;
  /** Event time; when absent, later entries win. */
  time?: Float64Array;
}

/** Orders ids numerically when every id is an integer, otherwise by code units. */
export function compareIds(ids: readonly string[]): (a: string, b: string) => number {
  const numeric = ids.every((id) => /^-?\d+$/.test(id));
  return numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

/** Builds the sparse matrix of last votes from vote events (last vote wins; Pol.is `update-nmat`). */
export function buildVoteMatrix(votes: readonly OpinionVote[]): VoteMatrix {
  const pIndex = new Map<string, number>();
  const sIndex = new Map<string, number>();
  const n = votes.length;
  const row = new Int32Array(n);
  const col = new Int32Array(n);
  const value = new Int8Array(n);
  const time = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = votes[i]!; // i < n = votes.length
    let r = pIndex.get(v.participant);
    if (r === undefined) pIndex.set(v.participant, (r = pIndex.size));
    let c = sIndex.get(v.statement);
    if (c === undefined) sIndex.set(v.statement, (c = sIndex.size));
    row[i] = r;
    col[i] = c;
    value[i] = v.vote;
    time[i] = v.time;
  }
  return matrixFromTriplets({
    participantIds: [...pIndex.keys()],
    statementIds: [...sIndex.keys()],
    row,
    col,
    value,
    time,
  });
}

/**
 * Builds the sparse matrix from typed vote events, keeping the last vote per (participant, statement).
 * Participants and statements without any vote are dropped; the rest are put in id order.
 */
export function matrixFromTriplets(t: VoteTriplets): VoteMatrix {
  const n = t.row.length;
  const nRows = t.participantIds.length;
  const nCols = t.statementIds.length;
  // Which rows and columns have votes, and their order.
  const rowUsed = new Uint8Array(nRows);
  const colUsed = new Uint8Array(nCols);
  // In range: i < n, the length of row, col, value and time; b < n; rowMap maps every used row to r < R and colMap
  // every used column to c < colsKept.length; fill[r] and k stay below n.
  for (let i = 0; i < n; i++) {
    rowUsed[t.row[i]!] = 1;
    colUsed[t.col[i]!] = 1;
  }
  const rowsKept = orderedUsed(t.participantIds, rowUsed);
  const colsKept = orderedUsed(t.statementIds, colUsed);
  const rowMap = new Int32Array(nRows).fill(-1);
  rowsKept.forEach((r, i) => (rowMap[r] = i));
  const colMap = new Int32Array(nCols).fill(-1);
  colsKept.forEach((c, i) => (colMap[c] = i));
  const R = rowsKept.length;
  // Bucket events by row (counting sort), then keep the last per column inside each row.
  const count = new Int32Array(R + 1);
  for (let i = 0; i < n; i++) count[rowMap[t.row[i]!]! + 1]!++;
  for (let r = 0; r < R; r++) count[r + 1]! += count[r]!;
  const bucket = new Int32Array(n);
  const fill = count.slice(0, R);
  for (let i = 0; i < n; i++) bucket[fill[rowMap[t.row[i]!]!]!++] = i;
  const stamp = new Int32Array(colsKept.length).fill(-1);
  const slot = new Int32Array(colsKept.length);
  const rowStart = new Int32Array(R + 1);
  const outCol = new Int32Array(n);
  const outEvent = new Int32Array(n);
  let k = 0;
  for (let r = 0; r < R; r++) {
    rowStart[r] = k;
    for (let b = count[r]!; b < count[r + 1]!; b++) {
      const i = bucket[b]!;
      const c = colMap[t.col[i]!]!;
      if (stamp[c] !== r) {
        stamp[c] = r;
        slot[c] = k;
        outCol[k] = c;
        outEvent[k] = i;
        k++;
      } else {
        const kept = slot[c]!;
        const prev = outEvent[kept]!;
        // Later input rows win ties (bucket order keeps input order within a row).
        if (!t.time || t.time[i]! >= t.time[prev]!) outEvent[kept] = i;
      }
    }
  }
  rowStart[R] = k;
  const value = new Int8Array(k);
  for (let j = 0; j < k; j++) {
    const v = t.value[outEvent[j]!];
    if (v !== 1 && v !== -1 && v !== 0) throw new Error(`vote ${v} is not -1, 0 or 1`);
    value[j] = v;
  }
  return {
    participantIds: rowsKept.map((r) => at(t.participantIds, r, 'participant id')),
    statementIds: colsKept.map((c) => at(t.statementIds, c, 'statement id')),
    rowStart,
    col: outCol.slice(0, k),
    value,
  };
}

function orderedUsed(ids: string[], used: Uint8Array): number[] {
  const kept: number[] = [];
  for (let i = 0; i < ids.length; i++) if (used[i]) kept.push(i);
  // In range: every kept index is below ids.length.
  const cmp = compareIds(kept.map((i) => ids[i]!));
  const sorted = kept.every((v, i) => i === 0 || cmp(ids[kept[i - 1]!]!, ids[v]!) < 0);
  return sorted ? kept : kept.sort((a, b) => cmp(ids[a]!, ids[b]!));
}

/** Number of votes (agree, disagree or pass) of each participant. */
export function voteCounts(m: VoteMatrix): Int32Array {
  const n = m.participantIds.length;
  const out = new Int32Array(n);
  for (let r = 0; r < n; r++) out[r] = m.rowStart[r + 1]! - m.rowStart[r]!; // rowStart has n + 1 entries
  return out;
}
