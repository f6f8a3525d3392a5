import { openStore, type Store } from '@peergov/store';
import { AccountService } from './accounts';
import { AuthService } from './auth';
import { CommonsService, DEFAULT_CACHE_BUDGET, DEFAULT_SNAPSHOTS } from './commons-service';
import { loadSigningKeys, type SigningKeys } from './keys';
import { InvitationService } from './invitations';
import { LiveUpdates } from './live';
import { Mailer, outboxTransport, smtpTransport, UnsubscribeTokens } from './mail';
import { NotificationService } from './notifications';

export interface ServerConfig {
  /** Where the SQLite file (unless databaseUrl is set) and the signing key live. */
  dataDir: string;
  /** postgres://... to run on PostgreSQL instead of SQLite. */
  databaseUrl?: string;
  /** PostgreSQL schema (tests use one per run). */
  databaseSchema?: string;
  port: number;
  host?: string;
  /** Seed a demo commons on an empty database. */
  demo?: boolean;
  /** Folder with the built web app; not served when missing. */
  webDist?: string;
  logLevel?: string;
  /**
   * The platform's clock for the commons' writes and the jobs (default: the system's): a test moves it to bring a
   * date due (a trigger, a sunset, a review), as the jobs' own clock is given to them.
   */
  clock?: () => Date;
  /** How often due proposals are closed, in ms (0: never, e.g. in tests that close by hand). */
  closeIntervalMs?: number;
  /** Always mark cookies Secure (they are anyway on a request that came over HTTPS). */
  secureCookies?: boolean;
  /**
   * Which proxies to believe about the client's address and protocol (X-Forwarded-For, X-Forwarded-Proto): true for
   * any, a number of hops, or addresses and CIDR ranges (a comma-separated string or a list). Default: none.
   */
  trustProxy?: boolean | number | string | string[];
  /** Sign-in attempts allowed per minute per address and email (default 10). */
  signInPerMinute?: number;
  /** Failed sign-in attempts allowed per hour on one email, from any address (default 50). */
  signInPerAccountPerHour?: number;
  /** Failed sign-in attempts allowed per hour from one address, on any email: password spraying (default 100). */
  signInPerAddressPerHour?: number;
  /** Admissions of a person by email or account id that one account may propose per hour (default 60). */
  accountLookupsPerHour?: number;
  /** Interval of the comment lines that keep live-update streams open, in ms (default 25 s). */
  liveHeartbeatMs?: number;
  /** Sign-ups allowed per hour per address. */
  signUpPerHour?: number;
  /** Commons states kept in memory at most (least recently used evicted beyond; default 2,000). */
  cacheCommons?: number;
  /**
   * Weight of the states kept in memory at most, in about KiB of heap (see stateWeight; default 160,000, which keeps
   * the process under 512 MB resident).
   */
  cacheWeight?: number;
  /**
   * Records a commons' log must grow by before the server writes a snapshot of its state again (and at least a
   * quarter of the state's weight; default 2,000): a load then reads the snapshot and the records after it.
   */
  snapshotRecords?: number;
  /**
   * Commons loaded in the background after a start, those with the largest snapshots first, until the cache holds
   * half its weight budget (default 20; 0: none): the big commons are ready before their first visitor.
   */
  prewarmCommons?: number;
  /**
   * smtp://user:password@host:port (or smtps://) of the server that sends the platform's mail. Without it, mail is
   * kept in the outbox, which the instance administrator reads.
   */
  smtpUrl?: string;
  /** The From of the platform's mail (default `peergov <noreply@HOST>`, HOST that of publicUrl). */
  mailFrom?: string;
  /**
   * Where people reach the web app (e.g. https://governance.example.org): the links in mails start with it. Never
   * taken from a request's Host header, which whoever sends the request chooses. Default http://localhost:PORT.
   */
  publicUrl?: string;
  /** Password reset requests allowed per hour per address (default 10) and per email (default 5). */
  resetsPerAddressPerHour?: number;
  resetsPerEmailPerHour?: number;
  /** Invitations one account may make per hour (default 50). */
  invitationsPerHour?: number;
  /** Replays of a draft against a commons' history counted per minute per address (default 30; the next pages of one are free). */
  replaysPerMinute?: number;
  /** The hour (0-23, UTC) at which daily digests of notifications are mailed (default 7). */
  digestHour?: number;
}

/** The composition root: picks the store from configuration and builds the services on it. */
export interface AppContext {
  config: ServerConfig;
  store: Store;
  keys: SigningKeys;
  auth: AuthService;
  commons: CommonsService;
  /** Committed appends, fanned out to this process's live clients (the SSE streams). */
  live: LiveUpdates;
  /** Outgoing mail: SMTP when configured, else the outbox. */
  mailer: Mailer;
  unsubscribe: UnsubscribeTokens;
  accounts: AccountService;
  invitations: InvitationService;
  /** Notifications derived from committed appends, their mails, digests and reminders. */
  notifications: NotificationService;
  /** The web app's address, without a trailing slash (see ServerConfig.publicUrl). */
  publicUrl: string;
}

export async function createContext(config: ServerConfig): Promise<AppContext> {
  const store = openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
  });
  await store.migrate();
  const keys = loadSigningKeys(config.dataDir);
  const live = new LiveUpdates(store);
  // Other processes' appends on a shared database (PostgreSQL); the listener stops when the store closes.
  // Several processes on one SQLite file do not hear each other: SQLite has no notifications.
  await store.listen?.((commonsId, size) => live.heard(commonsId, size));
  const commons = new CommonsService(
    store,
    keys,
    config.clock,
    live,
    {
      entries: config.cacheCommons ?? DEFAULT_CACHE_BUDGET.entries,
      weight: config.cacheWeight ?? DEFAULT_CACHE_BUDGET.weight,
    },
    {
      ...DEFAULT_SNAPSHOTS,
      minRecords: config.snapshotRecords ?? DEFAULT_SNAPSHOTS.minRecords,
    },
  );
  const auth = new AuthService(store);
  const publicUrl = (config.publicUrl ?? `http://localhost:${config.port}`).replace(/\/+$/, '');
  const from = config.mailFrom ?? `peergov <noreply@${new URL(publicUrl).hostname}>`;
  const mailer = new Mailer(config.smtpUrl ? smtpTransport(config.smtpUrl, from) : outboxTransport(store));
  const unsubscribe = new UnsubscribeTokens(keys.privateKey);
  const notifications = new NotificationService(
    store,
    commons,
    mailer,
    unsubscribe,
    publicUrl,
    config.digestHour ?? 7,
  );
  live.observe((id, size, events, state) => notifications.committed(id, size, events, state));
  // Other processes' changes to a person's notifications (PostgreSQL), for the unread counts this one streams.
  await store.listenNotifications?.((accountId) => notifications.heard(accountId));
  return {
    config,
    store,
    keys,
    auth,
    commons,
    live,
    mailer,
    unsubscribe,
    accounts: new AccountService(store, auth, mailer, publicUrl),
    invitations: new InvitationService(store, commons, mailer, unsubscribe, publicUrl),
    notifications,
    publicUrl,
  };
}
