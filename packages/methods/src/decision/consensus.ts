import { step, plural, DecisionInputError, type ExplanationStep } from './explain';
import { formatFraction, needed, reaches, type Fraction } from './fraction';

/** A member's position under consensus (Seeds for Change's four hands). */
export interface ConsensusPosition {
  voter: string;
  position: 'agree' | 'reservations' | 'stand_aside' | 'block';
  reason?: string;
}

/** Options of a consensus decision. */
export interface ConsensusOptions {
  electorate?: number;
  /** Share of the electorate that must take part (default: none). */
  minParticipation?: Fraction;
  /** At most this many stand-asides (more means the group is not behind it); none by default. */
  maxStandAsides?: number;
  /**
   * Modified consensus: when blocked, the proposal still passes if agree + reservations reach this share of
   * agree + reservations + block (e.g. 9/10, Occupy Wall Street's General Assembly). None by default.
   */
  fallback?: Fraction;
}

/** The outcome of a consensus decision. */
export interface ConsensusResult {
  method: 'consensus';
  passed: boolean;
  /** `consensus`, `fallback` (modified consensus carried it) or null when it failed. */
  by: 'consensus' | 'fallback' | null;
  counts: { agree: number; reservations: number; standAside: number; block: number; participants: number };
  blocks: { voter: string; reason: string | null }[];
  explanation: ExplanationStep[];
}

/**
 * Consensus: passes when nobody blocks, enough members take part and not too many stand aside; optionally a
 * modified-consensus supermajority overrides blocks. Source: Seeds for Change, "Consensus Decision Making"
 * (2013, agree / reservations / stand aside / block); C.T. Butler & A. Rothstein, On Conflict and Consensus
 * (1987); modified consensus with a 9/10 fallback as used by the Occupy Wall Street NYC General Assembly (2011).
 */
export function consensus(
  positions: readonly ConsensusPosition[],
  options: ConsensusOptions = {},
): ConsensusResult {
  const seen = new Set<string>();
  const counts = { agree: 0, reservations: 0, standAside: 0, block: 0, participants: 0 };
  const blocks: ConsensusResult['blocks'] = [];
  positions.forEach((p, i) => {
    if (seen.has(p.voter))
      throw new DecisionInputError(`position ${i + 1}: ${p.voter} took a position twice`);
    seen.add(p.voter);
    counts.participants += 1;
    switch (p.position) {
      case 'agree':
        counts.agree += 1;
        break;
      case 'reservations':
        counts.reservations += 1;
        break;
      case 'stand_aside':
        counts.standAside += 1;
        break;
      case 'block':
        counts.block += 1;
        blocks.push({ voter: p.voter, reason: p.reason ?? null });
        break;
      default:
        throw new DecisionInputError(
          `position ${i + 1}: must be "agree", "reservations", "stand_aside" or "block"`,
        );
    }
  });
  const explanation: ExplanationStep[] = [
    step(
      'counted',
      { ...counts },
      `${counts.agree} agreed, ${counts.reservations} agreed with reservations, ${counts.standAside} stood aside and ${counts.block} blocked.`,
    ),
  ];
  let ok = true;
  if (options.minParticipation && options.minParticipation.num > 0) {
    if (options.electorate === undefined)
      throw new DecisionInputError('the size of the electorate is needed for a minimum participation');
    const need = needed(options.electorate, options.minParticipation, false);
    const met = reaches(counts.participants, options.electorate, options.minParticipation, false);
    explanation.push(
      step(
        met ? 'participation_met' : 'participation_short',
        {
          participants: counts.participants,
          electorate: options.electorate,
          required: formatFraction(options.minParticipation),
          needed: need,
        },
        `${counts.participants} of ${options.electorate} took part; consensus needs at least ${need} (${formatFraction(options.minParticipation)}).`,
      ),
    );
    ok &&= met;
  }
  if (options.maxStandAsides !== undefined && counts.standAside > options.maxStandAsides) {
    explanation.push(
      step(
        'too_many_stand_asides',
        { standAside: counts.standAside, max: options.maxStandAsides },
        `${counts.standAside} stood aside, more than the ${options.maxStandAsides} allowed: the group is not behind it.`,
      ),
    );
    ok = false;
  }
  let by: ConsensusResult['by'] = null;
  if (blocks.length === 0) {
    if (ok) by = 'consensus';
  } else {
    for (const b of blocks) {
      explanation.push(
        step(
          'blocked',
          { voter: b.voter, reason: b.reason ?? '' },
          `${b.voter} blocked${b.reason ? `: "${b.reason}"` : ''}.`,
        ),
      );
    }
    if (options.fallback) {
      const support = counts.agree + counts.reservations;
      const whole = support + counts.block;
      const f = formatFraction(options.fallback);
      const met = reaches(support, whole, options.fallback, false);
      explanation.push(
        step(
          met ? 'fallback_met' : 'fallback_not_met',
          { support, whole, fallback: f },
          `Modified consensus: ${support} of ${whole} (agree, reservations and blocks) supported it; at least ${f} was needed, so the blocks were ${met ? '' : 'not '}overridden.`,
        ),
      );
      if (met && ok) by = 'fallback';
    }
  }
  const passed = by !== null;
  explanation.push(
    step(
      passed ? 'passed' : 'failed',
      { by: by ?? '' },
      passed
        ? by === 'consensus'
          ? 'Nobody blocked: consensus reached.'
          : 'Passed by modified consensus despite the blocks.'
        : blocks.length > 0
          ? `${plural(blocks.length, 'block')} stood: no consensus.`
          : 'No consensus.',
    ),
  );
  return { method: 'consensus', passed, by, counts, blocks, explanation };
}
