// Roles: created, changed, given and recalled (each carried out from a passed proposal).
import { roleIn, type Evolvers } from './module';

export const roleEvents = {
  RoleCreated(w, e) {
    w.roles()[e.data.role.id] = e.data.role;
  },
  RoleChanged(w, e) {
    // Only the fields a role has: the event's other keys (the proposal) are not the role's.
    const { name, description, mandate, termDays } = e.data;
    const r = roleIn(w, e, e.data.roleId);
    if (name !== undefined) r.name = name;
    if (description !== undefined) r.description = description;
    if (mandate !== undefined) r.mandate = mandate;
    if (termDays !== undefined) r.termDays = termDays;
  },
  RoleAssigned(w, e) {
    // A new term replaces one that has ended (a holder is listed once).
    const r = roleIn(w, e, e.data.roleId);
    r.holders = [
      ...r.holders.filter((h) => h.accountId !== e.data.accountId),
      { accountId: e.data.accountId, since: e.at, until: e.data.until },
    ];
  },
  RoleUnassigned(w, e) {
    const r = roleIn(w, e, e.data.roleId);
    r.holders = r.holders.filter((h) => h.accountId !== e.data.accountId);
  },
} satisfies Evolvers<'RoleCreated' | 'RoleChanged' | 'RoleAssigned' | 'RoleUnassigned'>;
