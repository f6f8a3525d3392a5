// Helpers shared by both stores: an append's input is validated before any write, its doc changes are collapsed
// to one final change per document so that a batch upsert never touches a row twice, and account rows are mapped.

import type {
  Account,
  AccountChanges,
  AccountToken,
  Invitation,
  OutboxMail,
  ApiToken,
  AppendInput,
  DeadlineChange,
  DocChange,
  MerkleNodeKey,
  NewDoc,
  Session,
  StoredMerkleNode,
  StoredNotification,
  StoredReminder,
  StoredSnapshot,
} from './types';

/** Throws a plain Error if the append input is malformed (a caller bug, not a race): nothing is written then. */
export function checkAppendInput(input: AppendInput): void {
  const { commonsId, expectedSize, records, head } = input;
  const where = `append to commons ${JSON.stringify(commonsId)}`;
  if (typeof commonsId !== 'string' || commonsId === '')
    throw new Error(`${where}: commonsId must be a non-empty string`);
  if (!Number.isSafeInteger(expectedSize) || expectedSize < 0) {
    throw new Error(`${where}: expectedSize must be a non-negative integer, got ${expectedSize}`);
  }
  records.forEach((record, i) => {
    if (record.commonsId !== commonsId) {
      throw new Error(`${where}: record ${i} belongs to commons ${JSON.stringify(record.commonsId)}`);
    }
    if (record.seq !== expectedSize + i) {
      throw new Error(
        `${where}: record ${i} has seq ${record.seq}, expected ${expectedSize + i} (records must be contiguous)`,
      );
    }
    if (typeof record.body !== 'string') throw new Error(`${where}: record ${record.seq} has no string body`);
  });
  if (head.commonsId !== commonsId)
    throw new Error(`${where}: head belongs to commons ${JSON.stringify(head.commonsId)}`);
  if (head.size !== expectedSize + records.length) {
    throw new Error(
      `${where}: head size ${head.size} != expectedSize ${expectedSize} + ${records.length} records`,
    );
  }
  const last = records[records.length - 1];
  if (last && head.hash !== last.hash)
    throw new Error(`${where}: head hash is not the hash of the last record`);
  if (input.nodes !== undefined) checkMerkleNodes(where, input.nodes, expectedSize, head.size);
  if (input.deadlines !== undefined) checkDeadlines(where, input.deadlines, true);
}

/** Throws a plain Error unless every deadline has a non-empty string id and a non-empty string `at` (or null). */
export function checkDeadlines(
  where: string,
  deadlines: readonly { id: string; at: string | null }[],
  mayDrop: boolean,
): void {
  if (!Array.isArray(deadlines)) throw new Error(`${where}: deadlines must be a list`);
  for (const d of deadlines) {
    if (typeof d?.id !== 'string' || d.id === '')
      throw new Error(`${where}: a deadline needs a non-empty id`);
    if (d.at === null && mayDrop) continue;
    if (typeof d.at !== 'string' || d.at === '')
      throw new Error(`${where}: deadline ${JSON.stringify(d.id)} needs a time${mayDrop ? ' or null' : ''}`);
  }
}

/** Throws a plain Error unless a snapshot has a whole, non-negative size, a string header and a byte body. */
export function checkSnapshot(commonsId: string, snapshot: StoredSnapshot): void {
  const where = `saveSnapshot of commons ${JSON.stringify(commonsId)}`;
  if (!Number.isSafeInteger(snapshot?.size) || snapshot.size < 0)
    throw new Error(`${where}: size must be a whole number >= 0`);
  if (typeof snapshot.header !== 'string') throw new Error(`${where}: header must be a string`);
  if (!(snapshot.body instanceof Uint8Array)) throw new Error(`${where}: body must be bytes`);
}

/** Deadline changes collapsed to the last per id, in first-seen order, split into those to set and to drop. */
export function collapseDeadlines(deadlines: readonly DeadlineChange[]): {
  set: { id: string; at: string }[];
  drop: string[];
} {
  const byId = new Map<string, string | null>();
  for (const d of deadlines) {
    byId.delete(d.id);
    byId.set(d.id, d.at);
  }
  const set: { id: string; at: string }[] = [];
  const drop: string[] = [];
  for (const [id, at] of byId) {
    if (at === null) drop.push(id);
    else set.push({ id, at });
  }
  return { set, drop };
}

/** Throws a plain Error on a malformed page size (a positive safe integer). */
export function checkLimit(where: string, limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new Error(`${where}: limit must be a positive integer`);
}

/** The highest Merkle level a node may have: 2^level leaves stay a safe integer. */
const MAX_LEVEL = 52;

function checkKey(where: string, key: MerkleNodeKey): void {
  const { level, index } = key;
  if (
    !Number.isSafeInteger(level) ||
    level < 0 ||
    level > MAX_LEVEL ||
    !Number.isSafeInteger(index) ||
    index < 0
  )
    throw new Error(`${where}: Merkle node (${String(level)}, ${String(index)}) is not a node position`);
}

/**
 * Throws a plain Error unless every node is a node position whose last leaf lies in [fromSize, toSize) (the leaves
 * the write adds) with a non-empty string hash, each given once.
 */
export function checkMerkleNodes(
  where: string,
  nodes: readonly StoredMerkleNode[],
  fromSize: number,
  toSize: number,
): void {
  if (!Array.isArray(nodes)) throw new Error(`${where}: nodes must be a list`);
  const seen = new Set<string>();
  for (const node of nodes) {
    checkKey(where, node);
    const end = (node.index + 1) * 2 ** node.level;
    if (end <= fromSize || end > toSize) {
      throw new Error(
        `${where}: Merkle node (${node.level}, ${node.index}) does not end among the leaves [${fromSize}, ${toSize})`,
      );
    }
    if (typeof node.hash !== 'string' || node.hash === '')
      throw new Error(`${where}: Merkle node (${node.level}, ${node.index}) has no hash`);
    const key = `${node.level}:${node.index}`;
    if (seen.has(key)) throw new Error(`${where}: Merkle node (${node.level}, ${node.index}) is given twice`);
    seen.add(key);
  }
}

/** The distinct keys of a readMerkleNodes, checked (a plain Error on a malformed one). */
export function checkMerkleKeys(commonsId: string, keys: readonly MerkleNodeKey[]): MerkleNodeKey[] {
  const where = `readMerkleNodes of commons ${JSON.stringify(commonsId)}`;
  const byKey = new Map<string, MerkleNodeKey>();
  for (const key of keys) {
    checkKey(where, key);
    byKey.set(`${key.level}:${key.index}`, { level: key.level, index: key.index });
  }
  return [...byKey.values()];
}

/** Throws a plain Error if a backfill's sizes are not 0 <= fromSize <= toSize or a node is out of its range. */
export function checkAddMerkleNodes(
  commonsId: string,
  fromSize: number,
  toSize: number,
  nodes: readonly StoredMerkleNode[],
): void {
  const where = `addMerkleNodes to commons ${JSON.stringify(commonsId)}`;
  if (!Number.isSafeInteger(fromSize) || !Number.isSafeInteger(toSize) || fromSize < 0 || toSize < fromSize)
    throw new Error(`${where}: sizes must be integers with 0 <= fromSize <= toSize`);
  checkMerkleNodes(where, nodes, fromSize, toSize);
}

/** A doc change ready to write: `json` is the serialised body, or null for a delete. */
export interface CollapsedDocChange {
  kind: string;
  id: string;
  json: string | null;
}

/**
 * Collapses doc changes to the last change per (kind, id), in first-seen order, serialising bodies to JSON.
 * Throws if a body cannot be serialised (a cycle, a BigInt, undefined); callers do this inside the transaction.
 */
export function collapseDocChanges(docs: DocChange[]): CollapsedDocChange[] {
  const byKey = new Map<string, CollapsedDocChange>();
  for (const change of docs) {
    let json: string | null = null;
    if (change.body !== null) {
      const encoded = JSON.stringify(change.body) as string | undefined;
      if (encoded === undefined) throw new Error(`doc ${change.kind}/${change.id}: body is not a JSON value`);
      json = encoded;
    }
    byKey.set(JSON.stringify([change.kind, change.id]), { kind: change.kind, id: change.id, json });
  }
  return [...byKey.values()];
}

/**
 * The documents of a replaceDocs, serialised, one per (kind, id) (the last wins), after checking each: throws a plain
 * Error on a malformed one, before anything is written.
 */
export function collapseNewDocs(docs: NewDoc[]): { kind: string; id: string; json: string }[] {
  for (const d of docs) {
    if (typeof d.kind !== 'string' || d.kind === '' || typeof d.id !== 'string' || d.id === '') {
      throw new Error(`replaceDocs: every document needs a non-empty kind and id`);
    }
    if (d.body === null) throw new Error(`replaceDocs: doc ${d.kind}/${d.id} has a null body`);
  }
  return collapseDocChanges(docs.map((d) => ({ kind: d.kind, id: d.id, body: d.body }))).map((c) => ({
    kind: c.kind,
    id: c.id,
    json: c.json!,
  }));
}

/** The key under which emails are unique: the same lowercasing in both stores, done here rather than in SQL. */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

// Rows of the account tables, the same in both stores, and their mapping to the interface's types.

export interface AccountRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string;
  created_at: string;
  /** Added by a later migration (null: none chosen). */
  locale?: string | null;
}

export interface AccountTokenRow {
  token_hash: string;
  account_id: string;
  purpose: string;
  email: string | null;
  created_at: string;
  expires_at: string;
}

export interface InvitationRow {
  id: string;
  commons_id: string;
  token_hash: string;
  email: string | null;
  classes: string;
  invited_by: string;
  created_at: string;
  expires_at: string;
  accepted_by: string | null;
  accepted_at: string | null;
}

export interface OutboxRow {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
  kind: string;
  created_at: string;
}

export interface SessionRow {
  token_hash: string;
  account_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface TokenRow {
  id: string;
  account_id: string;
  name: string;
  token_hash: string;
  created_at: string;
}

/** The stored row as the interface's type. */
export function accountFromRow(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    ...(row.locale ? { locale: row.locale } : {}),
  };
}

/** The stored row as the interface's type. */
export function accountTokenFromRow(row: AccountTokenRow): AccountToken {
  return {
    tokenHash: row.token_hash,
    accountId: row.account_id,
    purpose: row.purpose as AccountToken['purpose'],
    email: row.email,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** The stored row as the interface's type. */
export function invitationFromRow(row: InvitationRow): Invitation {
  return {
    id: row.id,
    commonsId: row.commons_id,
    tokenHash: row.token_hash,
    email: row.email,
    classes: JSON.parse(row.classes) as string[],
    invitedBy: row.invited_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedBy: row.accepted_by,
    acceptedAt: row.accepted_at,
  };
}

/** The stored row as the interface's type. */
export function outboxFromRow(row: OutboxRow): OutboxMail {
  return {
    id: row.id,
    to: row.recipient,
    subject: row.subject,
    text: row.text,
    html: row.html,
    kind: row.kind,
    createdAt: row.created_at,
  };
}

/** The columns an updateAccount sets, in order, with their values (email_key follows email). */
export function accountChangeColumns(changes: AccountChanges): [string, string | null][] {
  const out: [string, string | null][] = [];
  if (changes.email !== undefined) out.push(['email', changes.email], ['email_key', emailKey(changes.email)]);
  if (changes.displayName !== undefined) out.push(['display_name', changes.displayName]);
  if (changes.passwordHash !== undefined) out.push(['password_hash', changes.passwordHash]);
  if (changes.locale !== undefined) out.push(['locale', changes.locale]);
  return out;
}

/** The stored row as the interface's type. */
export function sessionFromRow(row: SessionRow): Session {
  return {
    tokenHash: row.token_hash,
    accountId: row.account_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** The stored row as the interface's type. */
export function tokenFromRow(row: TokenRow): ApiToken {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
  };
}

export interface NotificationRow {
  id: string;
  account_id: string;
  kind: string;
  commons_id: string;
  proposal_id: string | null;
  dedupe_key: string;
  data: string;
  created_at: string;
  read_at: string | null;
  digest: number | boolean;
}

/** The stored row as the interface's type. */
export function notificationFromRow(row: NotificationRow): StoredNotification {
  return {
    id: row.id,
    accountId: row.account_id,
    kind: row.kind,
    commonsId: row.commons_id,
    proposalId: row.proposal_id,
    dedupeKey: row.dedupe_key,
    data: JSON.parse(row.data) as unknown,
    createdAt: row.created_at,
    readAt: row.read_at,
    digest: row.digest === true || row.digest === 1,
  };
}

/** Throws a plain Error (a caller bug) unless every notification is well formed: nothing is written then. */
export function checkNotifications(items: readonly StoredNotification[]): void {
  for (const n of items) {
    for (const key of ['id', 'accountId', 'kind', 'commonsId', 'dedupeKey', 'createdAt'] as const) {
      if (typeof n[key] !== 'string' || n[key] === '')
        throw new Error(`addNotifications: ${key} must be a non-empty string`);
    }
    if (n.proposalId !== null && typeof n.proposalId !== 'string')
      throw new Error('addNotifications: proposalId must be a string or null');
  }
}

/** Oldest first: by createdAt, then id (what UPDATE ... RETURNING does not promise). */
export const oldestFirst = (a: StoredNotification, b: StoredNotification): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Earliest first: by at, then commons and proposal (what DELETE ... RETURNING does not promise). */
export const byDueTime = (a: StoredReminder, b: StoredReminder): number => {
  const ka = [a.at, a.commonsId, a.proposalId];
  const kb = [b.at, b.commonsId, b.proposalId];
  for (let i = 0; i < 3; i++) if (ka[i]! !== kb[i]!) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
};
