/** The syntax tree of one intrinsic call, e.g. `States.Format('x{}', $.a)`. */
export type IntrinsicArg =
  | { kind: 'call'; name: string; args: IntrinsicArg[] }
  /** `raw` keeps `\{` and `\}` so States.Format can tell literal braces from placeholders. */
  | { kind: 'string'; value: string; raw: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'path'; path: string };

export type IntrinsicCall = Extract<IntrinsicArg, { kind: 'call' }>;
