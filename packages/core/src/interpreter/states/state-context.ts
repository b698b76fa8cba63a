import type { QueryLanguage } from '../../asl/types.js';
import type { PathContext } from '../../jsonpath/index.js';
import type { Recorder } from '../recorder.js';
import type { Cursor, ExecutionInfo, StepOptions, Suspension, Wake } from '../types.js';

/** Everything a state executor may read; it writes only through `recorder`. */
export interface StateContext {
  execution: ExecutionInfo;
  cursor: Cursor;
  wake: Wake;
  now: number;
  recorder: Recorder;
  options: StepOptions;
  /** `$$` and variables for path evaluation. */
  paths: (taskToken?: string) => PathContext;
  language: QueryLanguage;
  /** Variables the state reads: values from before its own Assign. */
  variables: Readonly<Record<string, unknown>>;
}

/** How a state ended this step. */
export type Outcome =
  /** Leave the state with `output`, to `next` or (when absent) ending the execution. */
  | { kind: 'exit'; output: unknown; next?: string; assigned?: Record<string, unknown> }
  /** An error: Retry/Catch of the state apply, else the execution fails. */
  | { kind: 'error'; error?: string; cause?: string; location?: string }
  /** Stay in the state until woken. `patch` is merged into the cursor. */
  | { kind: 'suspend'; suspension: Suspension; patch: Partial<Cursor> };

/** `Next` of a state, or undefined when it ends the execution. */
export function successor(state: { Next?: string; End?: boolean }): string | undefined {
  return state.End ? undefined : state.Next;
}
