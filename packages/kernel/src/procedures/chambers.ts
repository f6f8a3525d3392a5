import { Type } from 'typebox';
import { IdSchema } from '../input';
import type { ChamberRule, ChamberSpec } from '../types';
import {
  fraction,
  HoursSchema,
  MAX_HOURS,
  procedureSchema,
  ratio,
  RatioSchema,
  validHours,
  validRatio,
  type ProcedureDefinition,
} from './definition';

/** The most chambers a procedure can have, and the largest weight of one. */
export const CHAMBER_LIMITS = { chambers: 32, weight: 1_000 } as const;
const ABSTENTIONS = ['quorum_only', 'ignored', 'against'] as const;

const ChamberRuleSchema = Type.Union([
  Type.Object(
    {
      type: Type.Literal('vote'),
      threshold: RatioSchema,
      strict: Type.Boolean(),
      quorum: RatioSchema,
      abstentions: Type.Union(ABSTENTIONS.map((a) => Type.Literal(a))),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('consent') }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('consensus'), minParticipation: RatioSchema },
    { additionalProperties: false },
  ),
]);

const ChamberSchema = Type.Object(
  {
    classId: IdSchema,
    rule: ChamberRuleSchema,
    weight: Type.Optional(Type.Integer({ minimum: 1, maximum: CHAMBER_LIMITS.weight })),
    veto: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

function ruleProblem(r: ChamberRule): string | null {
  if (typeof r !== 'object' || r === null) return 'needs a rule';
  switch (r.type) {
    case 'vote':
      if (!validRatio(r.threshold) || r.threshold.num === 0)
        return 'threshold must be a fraction above 0 and at most 1';
      if (!validRatio(r.quorum)) return 'quorum must be a fraction between 0 and 1';
      if (typeof r.strict !== 'boolean') return 'strict must be true or false';
      if (!(ABSTENTIONS as readonly string[]).includes(r.abstentions))
        return 'abstentions must be quorum_only, ignored or against';
      if (r.strict && r.threshold.num === r.threshold.den) return 'a strict threshold of 1 can never be met';
      return null;
    case 'consent':
      return null;
    case 'consensus':
      return validRatio(r.minParticipation) ? null : 'minParticipation must be a fraction between 0 and 1';
    default:
      return `rule must be a vote, consent or consensus, not "${String((r as { type: unknown }).type)}"`;
  }
}

function normaliseRule(r: ChamberRule): ChamberRule {
  switch (r.type) {
    case 'vote':
      return {
        type: 'vote',
        threshold: ratio(r.threshold),
        strict: r.strict,
        quorum: ratio(r.quorum),
        abstentions: r.abstentions,
      };
    case 'consent':
      return { type: 'consent' };
    case 'consensus':
      return { type: 'consensus', minParticipation: ratio(r.minParticipation) };
  }
}

/** A chamber's rule in words (English; the web app renders its own translations). */
export function describeChamberRule(r: ChamberRule): string {
  switch (r.type) {
    case 'vote':
      return `${r.strict ? 'more than' : 'at least'} ${fraction(r.threshold)} of its votes agree, with at least ${fraction(r.quorum)} of its members taking part`;
    case 'consent':
      return 'none of its members objects';
    case 'consensus':
      return `none of its members blocks and at least ${fraction(r.minParticipation)} of them take part`;
  }
}

/**
 * Chambers of stakeholder classes: each class (chamber) decides by its own rule, the proposal passes when it
 * passes in every chamber and no class with a veto has a majority of its votes against it; optional weights add a
 * weighted share of the classes that must also be reached. The commons' own classes are checked by `problemIn`.
 */
export const chambers: ProcedureDefinition<'chambers'> = {
  type: 'chambers',
  schema: procedureSchema('chambers', {
    hours: HoursSchema,
    chambers: Type.Array(ChamberSchema, { minItems: 1, maxItems: CHAMBER_LIMITS.chambers }),
    weighted: Type.Optional(
      Type.Object({ threshold: RatioSchema, strict: Type.Boolean() }, { additionalProperties: false }),
    ),
  }),
  problem: (p) => {
    if (!validHours(p.hours, 1)) return `hours must be a whole number from 1 to ${MAX_HOURS}`;
    if (!Array.isArray(p.chambers) || p.chambers.length === 0) return 'it needs at least one chamber';
    if (p.chambers.length > CHAMBER_LIMITS.chambers)
      return `it can have at most ${CHAMBER_LIMITS.chambers} chambers`;
    const seen = new Set<string>();
    for (const [i, c] of p.chambers.entries()) {
      if (typeof c !== 'object' || c === null) return `chamber ${i + 1} must be an object`;
      if (typeof c.classId !== 'string' || c.classId === '')
        return `chamber ${i + 1} needs the id of a stakeholder class`;
      if (seen.has(c.classId)) return `the class "${c.classId}" has two chambers`;
      seen.add(c.classId);
      const bad = ruleProblem(c.rule);
      if (bad) return `the chamber of "${c.classId}": ${bad}`;
      if (
        c.weight !== undefined &&
        (!Number.isInteger(c.weight) || c.weight < 1 || c.weight > CHAMBER_LIMITS.weight)
      )
        return `the weight of "${c.classId}" must be a positive whole number up to ${CHAMBER_LIMITS.weight}`;
      if (c.veto !== undefined && typeof c.veto !== 'boolean')
        return `the veto of "${c.classId}" must be true or false`;
    }
    if (p.weighted !== undefined) {
      if (typeof p.weighted !== 'object' || p.weighted === null) return 'weighted must be an object';
      if (!validRatio(p.weighted.threshold) || p.weighted.threshold.num === 0)
        return 'the weighted threshold must be a fraction above 0 and at most 1';
      if (typeof p.weighted.strict !== 'boolean') return 'the weighted strict must be true or false';
      if (p.weighted.strict && p.weighted.threshold.num === p.weighted.threshold.den)
        return 'a strict weighted threshold of 1 can never be met';
    } else if (p.chambers.some((c) => c.weight !== undefined)) {
      return 'weights need a weighted threshold (weighted) to count toward';
    }
    return null;
  },
  problemIn: (p, core) => {
    const known = new Set(core.classes.map((c) => c.id));
    for (const c of p.chambers)
      if (!known.has(c.classId))
        return `there is no stakeholder class "${c.classId}" in this commons (its classes: ${[...known].join(', ')})`;
    const named = new Set(p.chambers.map((c) => c.classId));
    const missing = [...known].filter((id) => !named.has(id));
    if (missing.length > 0)
      return `every stakeholder class needs a chamber: ${missing.map((m) => `"${m}"`).join(', ')} ${missing.length === 1 ? 'has' : 'have'} none`;
    return null;
  },
  normalise: (p) => ({
    type: 'chambers',
    hours: p.hours,
    chambers: p.chambers.map((c): ChamberSpec => ({
      classId: c.classId,
      rule: normaliseRule(c.rule),
      ...(p.weighted ? { weight: c.weight ?? 1 } : {}),
      ...(c.veto ? { veto: true } : {}),
    })),
    ...(p.weighted
      ? { weighted: { threshold: ratio(p.weighted.threshold), strict: p.weighted.strict } }
      : {}),
  }),
  openHours: (p) => p.hours,
  describe: (p, core) => {
    const name = (id: string) => core?.classes.find((c) => c.id === id)?.name ?? id;
    const parts = p.chambers.map(
      (c) =>
        `in ${name(c.classId)}, ${describeChamberRule(c.rule)}${p.weighted ? ` (weight ${c.weight ?? 1})` : ''}${c.veto ? '; its members can veto by a majority against' : ''}`,
    );
    const w = p.weighted
      ? ` and the classes' weighted share of agree must be ${p.weighted.strict ? 'more than' : 'at least'} ${fraction(p.weighted.threshold)}`
      : '';
    return `Each stakeholder class votes as its own chamber over ${p.hours} hours; it passes only if it passes in every chamber: ${parts.join('; ')}${w}.`;
  },
};
