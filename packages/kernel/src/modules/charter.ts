// The charter and the constitution: adopted and amended (each carried out from a passed proposal).
import type { Evolvers } from './module';

export const charterEvents = {
  CharterAdopted(w, e) {
    const core = w.core();
    core.purpose = e.data.purpose;
    core.charter = e.data.charter;
  },
  ConstitutionAmended(w, e) {
    const core = w.core();
    core.history = [...core.history, core.constitution];
    core.constitution = e.data.constitution;
  },
} satisfies Evolvers<'CharterAdopted' | 'ConstitutionAmended'>;
