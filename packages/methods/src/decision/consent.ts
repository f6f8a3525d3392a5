import { step, plural, DecisionInputError, type ExplanationStep } from './explain';
import { formatFraction, needed, reaches, type Fraction } from './fraction';

/** A member's position under consent: consent, a (reasoned) objection, or standing aside. */
export interface ConsentPosition {
  voter: string;
  position: 'consent' | 'object' | 'stand_aside';
  /** The reason of an objection; consent decision-making expects one. */
  reason?: string;
  /** An objection resolved by amending the proposal, or withdrawn by its author, no longer stands. */
  withdrawn?: boolean;
}

/** Options of a consent decision. */
export interface ConsentOptions {
  electorate?: number;
  /** Share of the electorate that must take a position (none by default). */
  quorum?: Fraction;
  /** Whether an objection without a reason still stands (default true; sociocracy asks for reasons). */
  unreasonedObjectionsStand?: boolean;
}

/** The outcome of a consent decision. */
export interface ConsentResult {
  method: 'consent';
  passed: boolean;
  counts: { consent: number; object: number; standAside: number; withdrawn: number; participants: number };
  objections: { voter: string; reason: string | null }[];
  explanation: ExplanationStep[];
}

/**
 * Consent: a proposal passes when no objection stands (objections resolved or withdrawn do not count), with an
 * optional participation quorum. Variant: one standing objection suffices to stop it; objections without a reason
 * stand unless configured otherwise. Source: Sociocracy 3.0, "Consent Decision-Making" pattern
 * (sociocracy30.org, 2022); G. Endenburg, Sociocracy: the organization of decision-making (1998).
 */
export function consent(positions: readonly ConsentPosition[], options: ConsentOptions = {}): ConsentResult {
  const seen = new Set<string>();
  const counts = { consent: 0, object: 0, standAside: 0, withdrawn: 0, participants: 0 };
  const objections: ConsentResult['objections'] = [];
  const unreasonedStand = options.unreasonedObjectionsStand ?? true;
  const explanation: ExplanationStep[] = [];
  positions.forEach((p, i) => {
    if (seen.has(p.voter))
      throw new DecisionInputError(`position ${i + 1}: ${p.voter} took a position twice`);
    seen.add(p.voter);
    counts.participants += 1;
    if (p.position === 'consent') counts.consent += 1;
    else if (p.position === 'stand_aside') counts.standAside += 1;
    else if (p.position === 'object') {
      if (p.withdrawn) counts.withdrawn += 1;
      else if (!p.reason && !unreasonedStand) counts.withdrawn += 1;
      else {
        counts.object += 1;
        objections.push({ voter: p.voter, reason: p.reason ?? null });
      }
    } else throw new DecisionInputError(`position ${i + 1}: must be "consent", "object" or "stand_aside"`);
  });
  explanation.push(
    step(
      'counted',
      {
        consent: counts.consent,
        object: counts.object,
        standAside: counts.standAside,
        withdrawn: counts.withdrawn,
      },
      `${plural(counts.consent, 'member')} consented, ${counts.standAside} stood aside, ${plural(counts.object, 'objection')} stood and ${counts.withdrawn} ${counts.withdrawn === 1 ? 'was' : 'were'} withdrawn or resolved.`,
    ),
  );
  let quorumMet = true;
  if (options.quorum && options.quorum.num > 0) {
    if (options.electorate === undefined)
      throw new DecisionInputError('the size of the electorate is needed for a quorum');
    const need = needed(options.electorate, options.quorum, false);
    quorumMet = reaches(counts.participants, options.electorate, options.quorum, false);
    explanation.push(
      step(
        quorumMet ? 'quorum_met' : 'quorum_not_met',
        {
          participants: counts.participants,
          electorate: options.electorate,
          quorum: formatFraction(options.quorum),
          needed: need,
        },
        `${counts.participants} of ${options.electorate} took a position; at least ${need} were needed, so the quorum was ${quorumMet ? '' : 'not '}met.`,
      ),
    );
  }
  for (const o of objections) {
    explanation.push(
      step(
        'objection_stands',
        { voter: o.voter, reason: o.reason ?? '' },
        `${o.voter} objected${o.reason ? `: "${o.reason}"` : ' (no reason given)'}.`,
      ),
    );
  }
  const passed = quorumMet && objections.length === 0;
  explanation.push(
    step(
      passed ? 'passed' : 'failed',
      { objections: objections.length },
      passed
        ? 'No objection stood, so the proposal has consent.'
        : objections.length > 0
          ? `${plural(objections.length, 'objection')} stood, so the proposal does not have consent.`
          : 'The proposal did not pass.',
    ),
  );
  return { method: 'consent', passed, counts, objections, explanation };
}
