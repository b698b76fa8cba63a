/** What every check needs while walking one definition. */
import type { Diagnostics, JsonObject, MachineType, QueryLanguage } from './diagnostics.js';

/** A StartAt/States container: the machine itself, a Parallel branch or a Map's ItemProcessor. */
export interface Scope {
  location: string;
  startAt: string;
  states: JsonObject;
}

export interface Walk {
  d: Diagnostics;
  machineType: MachineType;
  /** The machine-level language; nested containers inherit it, not their Map/Parallel's. */
  rootLanguage: QueryLanguage;
  scopes: Scope[];
  /** Every state name seen so far, anywhere, with its location (names are unique machine-wide). */
  names: Map<string, string>;
  /** Checks a nested StartAt/States container (set by the machine walker; avoids an import cycle). */
  container: (value: unknown, location: string, kind: 'branch' | 'processor') => void;
}

/** One state under check. */
export interface StateCheck {
  walk: Walk;
  name: string;
  state: JsonObject;
  location: string;
  language: QueryLanguage;
}
