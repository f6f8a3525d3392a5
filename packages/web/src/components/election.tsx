// An election to a role: the candidates (who nominated them, whether they accepted), nominating a member or oneself,
// accepting or declining one's own nomination, the proposer opening the ballot, a ranked ballot on the candidates
// (the poll's ranking by buttons), and the count: the elected, the quota and each round as a table. Also the
// delegation weights and chains of a vote counted with liquid delegation.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Commons, DelegationTally, ElectionTally, MemberPage, Proposal } from '../api/types';
import { useI18n } from '../i18n';
import { asyncHandler } from './async-handler';
import { Ranking } from './poll';
import { FormError } from './ui';

type ElectionView = NonNullable<Proposal['election']>;

/** Whether nominations are still open at `now` (as the kernel decides it). */
export function nominating(e: ElectionView, now = new Date().toISOString()): boolean {
  if (e.ballotOpenedAt !== null) return false;
  return e.nominationsCloseAt === null || now < e.nominationsCloseAt;
}

/** A name for an account id, from the proposal's people. */
const namer = (proposal: Proposal) => (id: string) =>
  proposal.people.find((m) => m.accountId === id)?.displayName ?? id;

/** The nominations, ballot and actions of an open election (or its candidates once closed). */
export function ElectionPanel({
  proposal,
  commons,
  onSaved,
}: {
  proposal: Proposal;
  commons: Commons;
  onSaved: (p: Proposal) => void;
}) {
  const { t, date } = useI18n();
  const election = proposal.election!;
  const name = namer(proposal);
  const me = commons.me?.status === 'member' ? commons.me.accountId : null;
  const open = proposal.status === 'open';
  const nominations = open && nominating(election);
  const mine = me ? election.candidates.find((c) => c.accountId === me) : undefined;
  const standing = election.candidates.filter((c) => c.accepted);
  const [members, setMembers] = useState<MemberPage['items']>([]);
  const [nominee, setNominee] = useState('');
  const [ranking, setRanking] = useState<string[]>(() => {
    const b = proposal.myPosition?.ballot;
    return b && 'ranking' in b ? b.ranking : [];
  });
  const [announce, setAnnounce] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const base = `/api/v1/commons/${commons.id}/proposals/${proposal.id}`;

  useEffect(() => {
    if (!nominations || !me) return;
    let live = true;
    api
      .get(`/api/v1/commons/${commons.id}/members?status=member&limit=200`)
      .then((page) => live && setMembers(page.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [commons.id, nominations, me]);

  const run = async (f: () => Promise<Proposal>) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      onSaved(await f());
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const nominate = async (e: FormEvent) => {
    e.preventDefault();
    if (!nominee) return;
    if (await run(() => api.post(`${base}/nominations`, { accountId: nominee }))) setNominee('');
  };
  const cast = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => api.put(`${base}/ballot`, { ballot: { ranking }, reason: '' }))) setSaved(true);
  };
  const unnominated = members.filter((m) => !election.candidates.some((c) => c.accountId === m.accountId));
  const question = {
    options: standing.map((c) => ({ id: c.accountId, label: name(c.accountId), statusQuo: false })),
  };

  return (
    <section className="card election" aria-labelledby="election-heading">
      <h2 id="election-heading">{t('election.candidates')}</h2>
      {nominations ? (
        <p className="meta">
          {election.nominationsCloseAt
            ? t('election.nominationsUntil', { date: date(election.nominationsCloseAt) })
            : t('election.nominationsUntilProposer')}
        </p>
      ) : (
        open && <p className="meta">{t('election.ballotOpen')}</p>
      )}
      {election.candidates.length === 0 ? (
        <p className="muted">{t('election.noCandidates')}</p>
      ) : (
        <ul className="candidates">
          {election.candidates.map((c) => (
            <li key={c.accountId}>
              <strong>{name(c.accountId)}</strong>{' '}
              <span className="muted">
                {c.nominatedBy === c.accountId
                  ? t('election.selfNominated')
                  : t('election.nominatedBy', { name: name(c.nominatedBy) })}
                {' · '}
                {c.accepted ? t('election.stands') : t('election.notAccepted')}
              </span>
            </li>
          ))}
        </ul>
      )}
      <FormError error={error} />
      {nominations && me && (
        <>
          {mine && !mine.accepted && (
            <p>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={asyncHandler(() => run(() => api.post(`${base}/nominations/accept`)))}
              >
                {t('election.accept')}
              </button>{' '}
              <button
                type="button"
                className="button quiet"
                disabled={busy}
                onClick={asyncHandler(() => run(() => api.post(`${base}/nominations/decline`)))}
              >
                {t('election.decline')}
              </button>
            </p>
          )}
          {!mine && (
            <p>
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={asyncHandler(() => run(() => api.post(`${base}/nominations`, { accountId: me })))}
              >
                {t('election.stand')}
              </button>
            </p>
          )}
          {unnominated.length > 0 && (
            <form onSubmit={asyncHandler(nominate)} className="inline-form">
              <div className="field">
                <label htmlFor="nominee">{t('election.nominee')}</label>
                <select id="nominee" value={nominee} onChange={(e) => setNominee(e.target.value)}>
                  <option value="">—</option>
                  {unnominated.map((m) => (
                    <option key={m.accountId} value={m.accountId}>
                      {m.displayName}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" className="button" disabled={busy || !nominee}>
                {t('election.nominate')}
              </button>
            </form>
          )}
          {proposal.proposer.accountId === me && election.nominationsCloseAt === null && (
            <p>
              <button
                type="button"
                className="button primary"
                disabled={busy}
                onClick={asyncHandler(() => run(() => api.post(`${base}/nominations/open-ballot`)))}
              >
                {t('election.openBallot')}
              </button>
            </p>
          )}
        </>
      )}
      {open && !nominations && proposal.canTakePosition && standing.length > 0 && (
        <form onSubmit={asyncHandler(cast)} aria-labelledby="election-ballot-heading">
          <h3 id="election-ballot-heading">{t('poll.ballot.title')}</h3>
          <Ranking
            question={question}
            ranking={ranking}
            onChange={(r, said) => {
              setRanking(r);
              setAnnounce(said);
            }}
          />
          <p className="visually-hidden" aria-live="polite">
            {announce}
          </p>
          <button type="submit" className="button primary" disabled={busy}>
            {proposal.myPosition ? t('poll.ballot.replace') : t('poll.ballot.cast')}
          </button>
          {saved && (
            <p role="status" className="alert alert-success">
              {t('election.ballotSaved')}
            </p>
          )}
        </form>
      )}
    </section>
  );
}

/** An election's count: who is elected, the quota, and each round's votes, elections, exclusions and transfers. */
export function ElectionResults({ proposal, tally }: { proposal: Proposal; tally: ElectionTally }) {
  const { t } = useI18n();
  const name = namer(proposal);
  const candidates = [...new Set(tally.rounds.flatMap((r) => r.tally.map((x) => x.candidate)))];
  return (
    <section className="election-results" aria-labelledby="election-results-heading">
      <h3 id="election-results-heading">{t('poll.results')}</h3>
      <p className="election-elected">
        {tally.elected.length > 0
          ? t('election.elected', { names: tally.elected.map(name).join(', ') })
          : t('election.noneElected')}
      </p>
      <p className="meta">
        {t('poll.ballots', { count: tally.ballots })}
        {tally.quota !== null && <> · {t('election.quota', { quota: tally.quota })}</>}
      </p>
      {tally.rounds.length > 0 && (
        <div className="table-scroll">
          <table className="stv-rounds">
            <caption>{t('election.rounds')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('election.candidate')}</th>
                {tally.rounds.map((r) => (
                  <th key={r.round} scope="col">
                    {t('poll.round', { count: r.round })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {candidates.map((c) => (
                <tr key={c}>
                  <th scope="row">{name(c)}</th>
                  {tally.rounds.map((r) => {
                    const v = r.tally.find((x) => x.candidate === c)?.votes ?? '—';
                    const mark = r.elected.includes(c)
                      ? ` ${t('election.markElected')}`
                      : r.excluded.includes(c)
                        ? ` ${t('election.markExcluded')}`
                        : '';
                    return (
                      <td key={r.round}>
                        {v}
                        {mark && <strong>{mark}</strong>}
                      </td>
                    );
                  })}
                </tr>
              ))}
              <tr>
                <th scope="row">{t('election.nonTransferable')}</th>
                {tally.rounds.map((r) => (
                  <td key={r.round}>{r.nonTransferable}</td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
      )}
      {tally.rounds.some((r) => r.transfers.length > 0) && (
        <>
          <h4>{t('election.transfers')}</h4>
          <ul className="transfers">
            {tally.rounds.flatMap((r) =>
              r.transfers.map((x, i) => (
                <li key={`${r.round}-${i}`}>
                  {t('poll.round', { count: r.round })}:{' '}
                  {x.to === null
                    ? t('poll.transferExhausted', { votes: x.votes, from: name(x.from) })
                    : t('poll.transfer', { votes: x.votes, from: name(x.from), to: name(x.to) })}
                </li>
              )),
            )}
          </ul>
        </>
      )}
    </section>
  );
}

/** Under delegation: each direct voter's weight and each delegator's chain. */
export function DelegationResults({ tally, name }: { tally: DelegationTally; name: (id: string) => string }) {
  const { t } = useI18n();
  return (
    <section className="delegation-results" aria-labelledby="delegation-results-heading">
      <h3 id="delegation-results-heading">{t('delegation.weights')}</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('delegation.voter')}</th>
            <th scope="col">{t('delegation.weight')}</th>
          </tr>
        </thead>
        <tbody>
          {tally.weights.map((w) => (
            <tr key={w.member}>
              <th scope="row">{name(w.member)}</th>
              <td>{w.weight}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {tally.chains.length > 0 && (
        <ul className="chains">
          {tally.chains.map((c) => (
            <li key={c.member}>
              {t('delegation.chain', {
                chain: [c.member, ...c.chain.filter((x) => x !== c.member)].map(name).join(' → '),
              })}
            </li>
          ))}
        </ul>
      )}
      {tally.notCounted.length > 0 && (
        <ul className="chains muted">
          {tally.notCounted.map((n) => (
            <li key={n.member}>
              {t('delegation.notCounted', {
                name: name(n.member),
                reason: t(`delegation.reason.${n.reason === 'cycle' ? 'cycle' : 'other'}`),
              })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
