import type { StateMachineDefinition, TaskState, State } from '@redstep/core';
import type { StateMachineStore } from './state-machines.js';

export interface LoadedDefinition {
  definition: StateMachineDefinition;
  /** Activity ARNs any Task of the definition names; checked before a step so it stays pure. */
  activities: string[];
}

/**
 * Parsed definitions by content hash. Definitions are immutable under their hash, so caching
 * them never goes stale; the cap bounds memory.
 */
export class DefinitionCache {
  private readonly cache = new Map<string, LoadedDefinition>();

  constructor(
    private readonly store: StateMachineStore,
    private readonly capacity = 1000,
  ) {}

  async get(sha: string): Promise<LoadedDefinition | undefined> {
    const hit = this.cache.get(sha);
    if (hit) return hit;
    const text = await this.store.getDefinition(sha);
    if (text === undefined) return undefined;
    const definition = JSON.parse(text) as StateMachineDefinition;
    const loaded = { definition, activities: [...activityArns(definition)] };
    if (this.cache.size >= this.capacity) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(sha, loaded);
    return loaded;
  }
}

function* activityArns(def: StateMachineDefinition): Generator<string> {
  for (const state of Object.values(def.States) as State[]) {
    if (state.Type === 'Task' && /:activity:/.test((state as TaskState).Resource)) yield (state as TaskState).Resource;
    if (state.Type === 'Parallel') for (const b of state.Branches) yield* activityArns(b);
    if (state.Type === 'Map') {
      const proc = state.ItemProcessor ?? state.Iterator;
      if (proc) yield* activityArns(proc);
    }
  }
}
