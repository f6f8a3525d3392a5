// Domains and their modes of coordination: a commons groups its kinds of action into domains (membership, finance,
// operations...), each with a mode that says which types of procedure its kinds may have. The modes are a registry,
// so that the resources issue can add market and gift as one entry each.
import { ACTION_LABELS } from '../actions';
import { own } from '../dict';
import { DomainError } from '../errors';
import { LIMITS, text } from '../input';
import { ruleFor } from '../constitution';
import {
  ACTION_KINDS,
  MODES,
  TIERS,
  type ActionKind,
  type Constitution,
  type Domain,
  type Mode,
  type ProcedureType,
  type Reason,
} from '../types';

/** What the house knows about one mode of coordination. */
export interface ModeDefinition {
  mode: Mode;
  /** The types of procedure a kind of action in a domain of this mode may have. */
  procedures: readonly ProcedureType[];
  /** The mode in plain English (the web app renders its own translations). */
  describe: string;
}

export const MODE_DEFINITIONS = {
  peer: {
    mode: 'peer',
    procedures: ['consent', 'consensus', 'vote', 'poll', 'chambers'],
    describe: 'peer: the members deliberate and decide together',
  },
  hierarchy: {
    mode: 'hierarchy',
    procedures: ['role'],
    describe: 'hierarchy: a member holding a role decides within its mandate',
  },
  do_ocracy: {
    mode: 'do_ocracy',
    procedures: ['automatic'],
    describe: 'do-ocracy: whoever does it decides, unless a member objects in time',
  },
} as const satisfies { [M in Mode]: ModeDefinition & { mode: M } };

/** The most domains a constitution can have. */
export const DOMAIN_LIMITS = { domains: 32 } as const;

const ID = /^[A-Za-z0-9_-]+$/;

/** Checks and normalises domains from an amendment: unique ids, names, known modes and tiers, each kind once. */
export function checkDomains(domains: unknown): Domain[] {
  const bad = (what: string): never => {
    throw new DomainError('invalid_domains', `The domains are invalid: ${what}.`);
  };
  if (!Array.isArray(domains)) bad('they must be a list');
  const list = domains as Domain[];
  if (list.length > DOMAIN_LIMITS.domains) bad(`there can be at most ${DOMAIN_LIMITS.domains}`);
  const ids = new Set<string>();
  const placed = new Map<ActionKind, string>();
  return list.map((d, i) => {
    if (typeof d !== 'object' || d === null) bad(`domain ${i + 1} must be an object`);
    if (typeof d.id !== 'string' || !ID.test(d.id) || d.id.length > LIMITS.id)
      bad(`domain ${i + 1} needs an id of letters, digits, - and _`);
    if (ids.has(d.id)) bad(`two domains have the id "${d.id}"`);
    ids.add(d.id);
    let name = '';
    try {
      name = text('name', d.name);
    } catch {
      bad(`domain ${i + 1} needs a name of at most ${LIMITS.name} characters`);
    }
    if (!(MODES as readonly string[]).includes(d.mode))
      bad(`the mode of "${name}" must be one of ${MODES.join(', ')}`);
    if (d.tier !== undefined && !(TIERS as readonly string[]).includes(d.tier))
      bad(`the tier of "${name}" must be one of ${TIERS.join(', ')}`);
    if (!Array.isArray(d.kinds)) bad(`the kinds of "${name}" must be a list`);
    const kinds: ActionKind[] = [];
    for (const k of d.kinds) {
      if (!(ACTION_KINDS as readonly string[]).includes(k))
        bad(`there is no kind of action called "${String(k)}"`);
      const other = placed.get(k);
      if (other !== undefined) bad(`"${k}" is in two domains, "${other}" and "${name}"`);
      placed.set(k, name);
      kinds.push(k);
    }
    return { id: d.id, name, mode: d.mode, ...(d.tier ? { tier: d.tier } : {}), kinds };
  });
}

/**
 * What the domains' modes refuse in a constitution: each kind of action whose rule is of a type its domain's mode
 * does not allow, one reason each (code `mode_forbids`).
 */
export function modeProblems(constitution: Constitution): Reason[] {
  const out: Reason[] = [];
  for (const d of constitution.domains ?? []) {
    const mode = own(MODE_DEFINITIONS, d.mode);
    if (!mode) continue;
    for (const kind of d.kinds) {
      const rule = ruleFor(constitution, kind);
      if ((mode.procedures as readonly string[]).includes(rule.type)) continue;
      out.push({
        code: 'mode_forbids',
        params: { kind, domain: d.name, mode: d.mode, procedure: rule.type },
        text: `"${ACTION_LABELS[kind]}" is in the domain "${d.name}", whose mode is ${mode.describe}: its rule must be ${allowedText(d.mode)}, not ${rule.type}.`,
      });
    }
  }
  return out;
}

/** The procedure types a mode allows, in words. */
function allowedText(mode: Mode): string {
  const types = MODE_DEFINITIONS[mode].procedures;
  return types.length === 1 ? `of type ${types[0]}` : `one of ${types.join(', ')}`;
}

/** Throws `invalid_domains` listing every kind whose rule its domain's mode forbids. */
export function requireModesKept(constitution: Constitution): void {
  const problems = modeProblems(constitution);
  if (problems.length > 0)
    throw new DomainError('invalid_domains', problems.map((p) => p.text).join(' '), { problems });
}
