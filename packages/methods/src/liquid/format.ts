import { DecisionInputError } from '../decision/explain';
import { parseJsonInput } from '../decision/format';
import type { YesNoChoice } from '../decision/majority';
import type { LiquidDelegation, LiquidInput, LiquidIssue, LiquidMember } from './liquid';

/** A liquid vote read from our JSON format: the delegation input, and the direct voters' choices if given. */
export interface LiquidFile {
  input: LiquidInput;
  /** Each direct voter's yes/no/abstain, when the ballots carry a choice. */
  choices: Map<string, YesNoChoice> | null;
  rules: Record<string, unknown>;
}

const SCOPES = new Set(['unit', 'area', 'issue']);

/**
 * Reads our liquid JSON: `{"issue": {"unit", "area", "issue"}, "members": [{"id", "weight", "eligible"}] or ids,
 * "delegations": [{"truster", "trustee", "scope", "unit"|"area"|"issue"}], "ballots": [{"voter", "choice"}]}`
 * ("votes": [ids] instead of ballots when there is no question). Every problem names the file and line.
 */
export function readLiquidJson(text: string, file?: string): LiquidFile {
  const input = parseJsonInput(text, file);
  const raw = input.raw;
  if (!Array.isArray(raw.members))
    input.fail(['members'], '"members" must be an array of ids or {"id", "weight", "eligible"} objects');
  const known = new Set<string>();
  const members: LiquidMember[] = (raw.members as unknown[]).map((m, i) => {
    let member: LiquidMember;
    if (typeof m === 'string') member = { id: m };
    else if (m && typeof m === 'object') {
      const o = m as Record<string, unknown>;
      if (o.weight !== undefined && (!Number.isSafeInteger(o.weight) || (o.weight as number) < 0))
        input.fail(['members', i], `member ${i + 1}: "weight" must be a non-negative integer`);
      if (o.eligible !== undefined && typeof o.eligible !== 'boolean')
        input.fail(['members', i], `member ${i + 1}: "eligible" must be true or false`);
      member = {
        id: o.id as string,
        weight: o.weight as number | undefined,
        eligible: o.eligible as boolean | undefined,
      };
    } else return input.fail(['members', i], `member ${i + 1} must be an id or an object`);
    if (typeof member.id !== 'string' || member.id === '')
      input.fail(['members', i], `member ${i + 1} needs a non-empty "id"`);
    if (known.has(member.id)) input.fail(['members', i], `member ${member.id} is listed twice`);
    known.add(member.id);
    return member;
  });
  const rawDelegations = raw.delegations ?? [];
  if (!Array.isArray(rawDelegations)) input.fail(['delegations'], '"delegations" must be an array');
  const seenScope = new Set<string>();
  const delegations: LiquidDelegation[] = (rawDelegations as unknown[]).map((d, i) => {
    const fail = (problem: string): never =>
      input.fail(['delegations', i], `delegation ${i + 1}: ${problem}`);
    if (!d || typeof d !== 'object') fail('must be an object');
    const o = d as Record<string, unknown>;
    if (typeof o.truster !== 'string' || !known.has(o.truster))
      fail(`the truster ${JSON.stringify(o.truster)} is not a member`);
    if (o.trustee !== null && typeof o.trustee !== 'string') fail('"trustee" must be a member id or null');
    const scope = o.scope ?? 'unit';
    if (!SCOPES.has(scope as string)) fail('"scope" must be unit, area or issue');
    if (o.trustee === null && scope === 'unit') fail('a unit delegation cannot have a null trustee');
    for (const k of ['unit', 'area', 'issue'])
      if (o[k] !== undefined && typeof o[k] !== 'string') fail(`"${k}" must be a string`);
    const key = `${o.truster}\u0000${scope}\u0000${o[scope as string] ?? ''}`;
    if (seenScope.has(key))
      fail(
        `${o.truster} already delegates at ${scope} scope${o[scope as string] ? ` for ${o[scope as string]}` : ''}`,
      );
    seenScope.add(key);
    return {
      truster: o.truster as string,
      trustee: o.trustee as string | null,
      scope: scope as LiquidDelegation['scope'],
      unit: o.unit as string | undefined,
      area: o.area as string | undefined,
      issue: o.issue as string | undefined,
    };
  });
  let issue: LiquidIssue | undefined;
  if (raw.issue !== undefined) {
    const o = raw.issue as Record<string, unknown>;
    if (!o || typeof o !== 'object')
      input.fail(['issue'], '"issue" must be an object {"unit", "area", "issue"}');
    for (const k of ['unit', 'area', 'issue'])
      if (o[k] !== undefined && typeof o[k] !== 'string')
        input.fail(['issue'], `issue.${k} must be a string`);
    issue = {
      unit: o.unit as string | undefined,
      area: o.area as string | undefined,
      issue: o.issue as string | undefined,
    };
  }
  const directVoters: string[] = [];
  let choices: Map<string, YesNoChoice> | null = null;
  if (raw.ballots !== undefined) {
    if (!Array.isArray(raw.ballots))
      input.fail(['ballots'], '"ballots" must be an array of {"voter", "choice"}');
    choices = new Map();
    (raw.ballots as unknown[]).forEach((b, i) => {
      const o = b as Record<string, unknown>;
      if (!o || typeof o !== 'object' || typeof o.voter !== 'string')
        input.fail(['ballots', i], `ballot ${i + 1}: needs a "voter"`);
      if (!known.has(o.voter as string))
        input.fail(['ballots', i], `ballot ${i + 1}: ${o.voter} is not a member`);
      if (choices!.has(o.voter as string))
        input.fail(['ballots', i], `ballot ${i + 1}: ${o.voter} voted twice`);
      if (o.choice !== 'yes' && o.choice !== 'no' && o.choice !== 'abstain')
        input.fail(['ballots', i], `ballot ${i + 1}: "choice" must be yes, no or abstain`);
      choices!.set(o.voter as string, o.choice as YesNoChoice);
      directVoters.push(o.voter as string);
    });
  } else {
    const votes = raw.votes ?? [];
    if (!Array.isArray(votes))
      input.fail(['votes'], '"votes" must be an array of member ids (the direct voters)');
    const seen = new Set<string>();
    (votes as unknown[]).forEach((v, i) => {
      if (typeof v !== 'string' || !known.has(v))
        input.fail(['votes', i], `vote ${i + 1}: ${JSON.stringify(v)} is not a member`);
      if (seen.has(v as string)) input.fail(['votes', i], `vote ${i + 1}: ${v} is listed twice`);
      seen.add(v as string);
      directVoters.push(v as string);
    });
  }
  const rules = raw.rules ?? {};
  if (typeof rules !== 'object' || rules === null)
    throw new DecisionInputError('"rules" must be an object', file);
  return {
    input: { members, delegations, directVoters, issue },
    choices,
    rules: rules as Record<string, unknown>,
  };
}
