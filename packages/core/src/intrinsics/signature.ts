/** How an intrinsic declares its arguments: data, checked by one shared checker (check-args.ts). */
export type ArgType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'any';

export interface IntrinsicDefinition {
  /** Full name as written in ASL, e.g. `States.Format`. */
  readonly name: string;
  /** Required positional arguments. */
  readonly params: readonly ArgType[];
  /** Trailing arguments that may be left out. */
  readonly optional?: readonly ArgType[];
  /** Type of any number of further arguments (States.Format, States.Array). */
  readonly rest?: ArgType;
  /**
   * The first argument is a template whose `\{`, `\}` and `\\` escapes must survive parsing
   * (States.Format): a string literal is passed in its raw, still-escaped form.
   */
  readonly escapedTemplate?: boolean;
  /** Runs with arguments already checked against the declared types. */
  run(args: readonly unknown[]): unknown;
}
