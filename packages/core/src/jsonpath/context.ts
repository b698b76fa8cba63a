/** What a JSONPath expression can read besides the state input. */
export interface PathContext {
  /** The context object, read as `$$` / `$$.Execution.Input` ... */
  context: unknown;
  /** Workflow variables set by Assign, read as `$name` / `$name.field` in JSONPath mode. */
  variables?: Record<string, unknown>;
}
