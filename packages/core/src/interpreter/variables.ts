/**
 * Workflow variables. A scope is the top-level states of an execution, or one Parallel branch /
 * Map iteration; a nested scope reads the variables of the scopes around it (read-only: AWS
 * refuses definitions that assign an outer name inside a branch) except a distributed Map's
 * child workflows, which start empty. Values a state assigns take effect when it exits, so every
 * expression of that state (Output, Assign, Catch) reads the values from before it.
 */
import { StatesError } from '../errors.js';
import type { Cursor } from './types.js';

export type Variables = Record<string, unknown>;

/** AWS's variable limits: one value, one Assign block, and everything an execution holds. */
export const VARIABLE_LIMITS = {
  maxValueBytes: 256 * 1024,
  maxAssignBytes: 256 * 1024,
  maxTotalBytes: 10 * 1024 * 1024,
};

/** What a state can read: the own scope over the enclosing ones. */
export function visibleVariables(cursor: Pick<Cursor, 'variables' | 'outerVariables'>): Variables {
  if (!cursor.outerVariables) return cursor.variables ?? {};
  return { ...cursor.outerVariables, ...cursor.variables };
}

/** The read-only outer scope a Parallel branch or Map iteration starts with. */
export function nestedScope(parent: Pick<Cursor, 'variables' | 'outerVariables'>, distributed: boolean): Variables | undefined {
  if (distributed) return undefined;
  const visible = visibleVariables(parent);
  return Object.keys(visible).length > 0 ? visible : undefined;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** The state's own scope after `assigned` takes effect; enforces the size limits. */
export function applyAssignment(own: Variables | undefined, outer: Variables | undefined, assigned: Variables, state: string): Variables {
  let assignBytes = 0;
  for (const [name, value] of Object.entries(assigned)) {
    const size = bytes(value);
    if (size > VARIABLE_LIMITS.maxValueBytes) {
      throw new StatesError(
        'States.Runtime',
        `The variable '${name}' assigned in the state '${state}' has a size exceeding the maximum number of bytes service limit.`,
        true,
      );
    }
    assignBytes += size;
  }
  if (assignBytes > VARIABLE_LIMITS.maxAssignBytes) {
    throw new StatesError('States.Runtime', `The variables assigned in the state '${state}' have a combined size exceeding the maximum number of bytes service limit.`, true);
  }
  const next = { ...own, ...assigned };
  if (bytes({ ...outer, ...next }) > VARIABLE_LIMITS.maxTotalBytes) {
    throw new StatesError('States.Runtime', `The variables stored by the execution have a total size exceeding the maximum number of bytes service limit.`, true);
  }
  return next;
}

/** History's record of an assignment: each value as JSON text. Absent when nothing was assigned. */
export function assignedVariablesDetails(assigned: Variables | undefined): Record<string, unknown> {
  if (!assigned || Object.keys(assigned).length === 0) return {};
  const texts: Record<string, string> = {};
  for (const [name, value] of Object.entries(assigned)) texts[name] = JSON.stringify(value);
  return { assignedVariables: texts, assignedVariablesDetails: { truncated: false } };
}
