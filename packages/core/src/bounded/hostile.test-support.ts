/**
 * The most expensive evaluations we could build, one state each, on inputs within AWS's 256 KiB:
 * each must fail its state (States.Runtime, or States.QueryEvaluationError in JSONata) within
 * the evaluation bound instead of holding the worker. Shared by the unit tests, the end-to-end
 * test and the measurement of how long each blocks.
 */
import type { StateMachineDefinition } from '../asl/types.js';

export interface HostileCase {
  name: string;
  definition: StateMachineDefinition;
  input: unknown;
  /** The error the execution fails with; none: it succeeds, the evaluation made fast rather than cut short. */
  error?: 'States.Runtime' | 'States.QueryEvaluationError';
}

const MAX_BYTES = 262_144;

/** An object nested `depth` levels (`{"a":{"a":...}}`): deep scans over it cost depth² and more. */
export function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** A flat array of distinct small objects filling most of the 256 KiB. */
export function wide(bytes = MAX_BYTES - 1024): unknown[] {
  const items: unknown[] = [];
  let size = 2;
  for (let i = 0; size < bytes - 40; i++) {
    const item = { a: i, b: `v${i}` };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return items;
}

const pass = (fields: Record<string, unknown>): StateMachineDefinition => ({ StartAt: 'S', States: { S: { Type: 'Pass', ...fields, End: true } } }) as StateMachineDefinition;

const jsonata = (fields: Record<string, unknown>): StateMachineDefinition =>
  ({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', ...fields, End: true } } }) as StateMachineDefinition;

/** `count` copies of `value` as a template's fields (`f0.$`, `f1.$`, ...). */
const fields = (count: number, value: string): Record<string, string> => Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i}.$`, value]));

export function hostileCases(): HostileCase[] {
  const deep = nested(800);
  const items = { items: wide() };
  const choices = (rule: Record<string, unknown>, count: number) => Array.from({ length: count }, (_, i) => ({ ...rule, Next: `N${i % 2}` }));
  let deepRule: Record<string, unknown> = { Variable: '$..a', IsPresent: true };
  for (let i = 0; i < 2_001; i++) deepRule = { Not: deepRule };
  const range = 'States.ArrayRange(1, 1000, 1)';
  return [
    { name: 'JSONPath: nested deep scans over a deep input ($..*..*..*)', definition: pass({ OutputPath: '$..*..*..*' }), input: deep, error: 'States.Runtime' },
    { name: 'JSONPath: a filter over every node of a wide input, many times', definition: pass({ Parameters: fields(400, '$..[?(@.a >= 0 && @.b != "x")]') }), input: items, error: 'States.Runtime' },
    { name: 'JSONPath: thousands of deep scans in one template', definition: pass({ Parameters: fields(5_000, '$..b') }), input: items, error: 'States.Runtime' },
    {
      name: 'Intrinsics: nested ArrayRange at its limit, thousands of times',
      definition: pass({ Parameters: { 'x.$': `States.Array(${Array.from({ length: 6_000 }, () => range).join(', ')})` } }),
      input: {},
      error: 'States.Runtime',
    },
    {
      name: 'Intrinsics: ArrayUnique, StringSplit, JsonMerge and Hash over the whole input, many times',
      definition: pass({
        Parameters: {
          ...fields(300, 'States.ArrayUnique($.items)'),
          ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`s${i}.$`, "States.StringSplit(States.JsonToString($.items), ',:')"])),
          ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`m${i}.$`, 'States.JsonMerge($, $, false)'])),
          ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`h${i}.$`, "States.Hash($.text, 'SHA-512')"])),
        },
      }),
      input: { items: wide(MAX_BYTES - 12_000), text: 'x'.repeat(10_000) },
      error: 'States.Runtime',
    },
    {
      name: 'Choice: thousands of rules, each a deep scan',
      definition: {
        StartAt: 'C',
        States: { C: { Type: 'Choice', Choices: choices({ Variable: '$..b', StringEquals: 'never' }, 5_000), Default: 'N0' }, N0: { Type: 'Succeed' }, N1: { Type: 'Succeed' } },
      } as StateMachineDefinition,
      input: items,
      error: 'States.Runtime',
    },
    {
      name: 'Choice: deeply nested Not over a deep scan',
      definition: { StartAt: 'C', States: { C: { Type: 'Choice', Choices: choices(deepRule, 300), Default: 'N0' }, N0: { Type: 'Succeed' }, N1: { Type: 'Succeed' } } } as StateMachineDefinition,
      input: items,
      error: 'States.Runtime',
    },
    {
      name: 'Choice: StringMatches with many wildcards (catastrophic backtracking)',
      definition: {
        StartAt: 'C',
        States: { C: { Type: 'Choice', Choices: choices({ Variable: '$.s', StringMatches: `${'*a'.repeat(30)}*b` }, 100), Default: 'N0' }, N0: { Type: 'Succeed' }, N1: { Type: 'Succeed' } },
      } as StateMachineDefinition,
      input: { s: 'a'.repeat(200_000) },
    },
    { name: 'JSONata: an endless loop', definition: jsonata({ Output: '{% ($f := function($n) { $n >= 0 ? $f($n + 1) : 0 }; $f(0)) %}' }), input: {}, error: 'States.QueryEvaluationError' },
    {
      name: 'JSONata: many expressions, each just under its own timeout',
      definition: jsonata({ Output: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`x${i}`, '{% $count([1..200000].($ * 2)) %}'])) }),
      input: items,
      error: 'States.QueryEvaluationError',
    },
    {
      name: 'JSONata: $sort and $distinct over the largest array an input holds (native calls no timeout reaches)',
      definition: jsonata({ Output: '{% $count($distinct($sort($states.input.n))) + $count($distinct($states.input.o)) %}' }),
      input: { n: Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 40_000), o: Array.from({ length: 5_000 }, (_, i) => ({ k: i % 2500 })) },
    },
    { name: 'JSONata: a catastrophic regex', definition: jsonata({ Output: '{% $contains($states.input.s, /(a|aa)+$/) %}' }), input: { s: `${'a'.repeat(50_000)}!` } },
    { name: 'JSONata: a backreference regex', definition: jsonata({ Output: '{% $contains($states.input.s, /^(a+)+\\1$/) %}' }), input: { s: `${'a'.repeat(40)}!` }, error: 'States.QueryEvaluationError' },
  ];
}
