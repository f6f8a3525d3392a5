// A chambers decision, chamber by chamber: each stakeholder class's count and why it passed or failed there.
import type { ChambersTally, Commons, Procedure } from '../api/types';
import { describeReason, fraction, stanceLabel } from '../describe';
import { useI18n, type Translate } from '../i18n';
import { className } from '../pages/new-commons';

/** A stakeholder class's name in the reader's language, by its id (the id itself for a class the commons lacks). */
export function classLabel(t: Translate, commons: Pick<Commons, 'classes'> | null): (id: string) => string {
  return (id) => {
    const c = commons?.classes.find((x) => x.id === id);
    return c ? className(t, c) : id;
  };
}

export function ChambersResults({
  tally,
  procedure,
  commons,
  people,
}: {
  tally: ChambersTally;
  procedure: Procedure;
  commons: Commons;
  people: (id: string) => string;
}) {
  const { t } = useI18n();
  const name = classLabel(t, commons);
  // Each chamber's own rule, for its reasons' words ("more than" or "at least" a vote's threshold).
  const ruleOf = (classId: string) =>
    procedure.type === 'chambers' ? procedure.chambers.find((c) => c.classId === classId)?.rule : undefined;
  const weighted = tally.weighted;
  return (
    <div className="chambers-results">
      {/* The table scrolls sideways on a narrow screen: a focusable region, so the keyboard can scroll it too. */}
      <div className="chambers-scroll" role="region" aria-label={t('chambers.caption')} tabIndex={0}>
        <table>
          <caption>{t('chambers.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('chambers.chamber')}</th>
              <th scope="col">{t('chambers.eligible')}</th>
              {(['agree', 'disagree', 'abstain', 'block'] as const).map((s) => (
                <th key={s} scope="col">
                  {stanceLabel(t, s, procedure)}
                </th>
              ))}
              <th scope="col">{t('chambers.participation')}</th>
              {weighted && <th scope="col">{t('chambers.weight')}</th>}
              <th scope="col">{t('chambers.result')}</th>
              <th scope="col">{t('chambers.why')}</th>
            </tr>
          </thead>
          <tbody>
            {tally.chambers.map((c) => (
              <tr key={c.classId} className={c.passed && !c.vetoed ? 'chamber-passed' : 'chamber-failed'}>
                <th scope="row">{name(c.classId)}</th>
                <td>{c.counts.electorate}</td>
                <td>{c.counts.agree}</td>
                <td>{c.counts.disagree}</td>
                <td>{c.counts.abstain}</td>
                <td>{c.counts.block}</td>
                <td>
                  {c.counts.electorate > 0
                    ? `${c.counts.participants} / ${c.counts.electorate} (${Math.round((100 * c.counts.participants) / c.counts.electorate)} %)`
                    : '—'}
                </td>
                {weighted && <td>{c.weight}</td>}
                <td>
                  {c.vetoed ? t('chambers.vetoed') : c.passed ? t('chambers.passed') : t('chambers.failed')}
                </td>
                <td>
                  <ul className="chamber-reasons">
                    {c.reasons.map((r, i) => (
                      <li key={i}>{describeReason(t, r, people, undefined, name, ruleOf(c.classId))}</li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {weighted && (
        <p className="meta">
          {t('chambers.weighted', {
            share: weighted.share,
            approx: weighted.approx,
            threshold: fraction(t, weighted.threshold),
          })}
        </p>
      )}
    </div>
  );
}
