import { describe, expect, it } from 'vitest';
import type { ChoiceRule, ChoiceState } from '../asl/types.js';
import { StatesError } from '../errors.js';
import { evaluateChoiceRule, selectChoice } from './index.js';

const ctx = { context: { Execution: { Input: { n: 0 } } }, variables: { flag: true } };
const check = (rule: ChoiceRule, input: unknown) => evaluateChoiceRule(rule, input, ctx);
const on = (operator: string, operand: unknown, value: unknown) => check({ Variable: '$.v', [operator]: operand }, { v: value });
const onPath = (operator: string, value: unknown, other: unknown) =>
  check({ Variable: '$.v', [`${operator}Path`]: '$.o' }, { v: value, o: other });

/** Values of every JSON type, used to show that mismatched types are simply false. */
const ALL_TYPES: unknown[] = [null, true, 0, 1.5, '', 'text', '2012-10-09T19:00:55Z', [], [1], {}, { a: 1 }];

describe('comparison operators', () => {
  it.each([
    ['StringEquals', 'abc', 'abc', true],
    ['StringEquals', 'abc', 'abd', false],
    ['StringLessThan', 'A', 'AB', true],
    ['StringLessThan', 'AB', 'A', false],
    ['StringGreaterThan', 'b', 'a', true],
    ['StringGreaterThan', 'a', 'a', false],
    ['StringLessThanEquals', 'a', 'a', true],
    ['StringGreaterThanEquals', 'a', 'b', false],
    ['NumericEquals', 1, 1.0, true],
    ['NumericEquals', 1.1, 1, false],
    ['NumericLessThan', 0, 1, true],
    ['NumericLessThan', 1, 1, false],
    ['NumericGreaterThan', 2, 1.5, true],
    ['NumericLessThanEquals', 1, 1, true],
    ['NumericGreaterThanEquals', 0, 1, false],
    ['BooleanEquals', false, false, true],
    ['BooleanEquals', true, false, false],
    ['TimestampEquals', '2012-10-09T20:00:55+01:00', '2012-10-09T19:00:55Z', true],
    ['TimestampLessThan', '2012-10-09T19:00:55Z', '2012-10-09T19:00:56Z', true],
    ['TimestampGreaterThan', '2012-10-09T19:00:55Z', '2012-10-09T19:00:56Z', false],
    ['TimestampLessThanEquals', '2012-10-09T19:00:55Z', '2012-10-09T19:00:55Z', true],
    ['TimestampGreaterThanEquals', '2012-10-09T19:00:55.5Z', '2012-10-09T19:00:55Z', true],
  ])('%s: %j vs %j is %s, literal and Path form alike', (operator, value, operand, expected) => {
    expect(on(operator, operand, value)).toBe(expected);
    expect(onPath(operator, value, operand)).toBe(expected);
  });

  it.each([
    ['StringEquals', 'text'],
    ['NumericEquals', 0],
    ['BooleanEquals', true],
    ['TimestampEquals', '2012-10-09T19:00:55Z'],
  ])('%s is false for values of another type', (operator, operand) => {
    const matching = ALL_TYPES.filter((value) => on(operator, operand, value));
    expect(matching).toEqual([operand]);
  });

  it('treats strings that are not RFC 3339 timestamps as mismatches', () => {
    expect(on('TimestampEquals', '2012-10-09T19:00:55Z', '2012-10-09T19:00:55')).toBe(false);
    expect(on('TimestampLessThan', '2012-10-09T19:00:55Z', '2023-02-24 12:15:56.832957')).toBe(false);
  });

  it('compares against a mismatched Path operand as false', () => {
    expect(onPath('NumericEquals', 1, '1')).toBe(false);
    expect(onPath('StringEquals', 'a', null)).toBe(false);
  });
});

describe('type tests', () => {
  it.each([
    ['IsNull', [null]],
    ['IsNumeric', [0, 1.5]],
    ['IsString', ['', 'text', '2012-10-09T19:00:55Z']],
    ['IsBoolean', [true]],
    ['IsTimestamp', ['2012-10-09T19:00:55Z']],
    ['IsPresent', ALL_TYPES],
  ])('%s: true selects exactly its type, false the rest', (operator, values) => {
    expect(ALL_TYPES.filter((value) => on(operator, true, value))).toEqual(values);
    expect(ALL_TYPES.filter((value) => on(operator, false, value))).toEqual(ALL_TYPES.filter((v) => !values.includes(v)));
  });
  it('a missing Variable is not present, and no Is* test fails on it', () => {
    expect(check({ Variable: '$.missing', IsPresent: true }, {})).toBe(false);
    expect(check({ Variable: '$.missing', IsPresent: false }, {})).toBe(true);
    expect(check({ Variable: '$.missing', IsNull: true }, {})).toBe(false);
    expect(check({ Variable: '$.missing', IsString: false }, {})).toBe(true);
  });
});

describe('StringMatches', () => {
  it('matches wildcards and only applies to strings', () => {
    expect(on('StringMatches', 'log-*.txt', 'log-1.txt')).toBe(true);
    expect(on('StringMatches', 'log-*.txt', 'log-1.csv')).toBe(false);
    expect(on('StringMatches', '*', 5)).toBe(false);
  });
});

describe('Variable sources and missing paths', () => {
  it('reads the context object and variables', () => {
    expect(check({ Variable: '$$.Execution.Input.n', NumericLessThanEquals: 0 }, {})).toBe(true);
    expect(check({ Variable: '$flag', BooleanEquals: true }, {})).toBe(true);
  });
  it('fails with States.Runtime when the Variable or a Path operand selects nothing', () => {
    for (const [rule, input] of [
      [{ Variable: '$.missing', NumericEquals: 1 }, {}],
      [{ Variable: '$.v', NumericEqualsPath: '$.missing' }, { v: 1 }],
    ] as const) {
      let error: unknown;
      try {
        check(rule, input);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StatesError);
      expect(error).toMatchObject({
        error: 'States.Runtime',
        cause: "Invalid path '$.missing': The choice state's condition path references an invalid value.",
      });
    }
  });
});

describe('And / Or / Not', () => {
  const input = { type: 'Private', value: 22 };
  const inTwenties: ChoiceRule = {
    And: [
      { Variable: '$.value', NumericGreaterThanEquals: 20 },
      { Variable: '$.value', NumericLessThan: 30 },
    ],
  };
  it('combine nested rules', () => {
    expect(check(inTwenties, input)).toBe(true);
    expect(check({ Not: inTwenties }, input)).toBe(false);
    expect(check({ Or: [{ Not: { Variable: '$.type', StringEquals: 'Private' } }, inTwenties] }, input)).toBe(true);
    expect(check({ Or: [{ Variable: '$.type', StringEquals: 'Public' }] }, input)).toBe(false);
    expect(check({ And: [{ Variable: '$.type', StringEquals: 'Private' }] }, input)).toBe(true);
  });
  it('short-circuit, so later rules with missing paths are not reached', () => {
    expect(check({ Or: [{ Variable: '$.value', IsPresent: true }, { Variable: '$.missing', NumericEquals: 1 }] }, input)).toBe(true);
    expect(check({ And: [{ Variable: '$.value', IsNull: true }, { Variable: '$.missing', NumericEquals: 1 }] }, input)).toBe(false);
  });
});

describe('selectChoice', () => {
  const state: ChoiceState = {
    Type: 'Choice',
    Choices: [
      { Variable: '$.n', NumericLessThan: 0, Next: 'Negative' },
      { Variable: '$.n', NumericEquals: 0, Next: 'Zero' },
      { Variable: '$.n', NumericLessThan: 10, Next: 'Small' },
    ],
    Default: 'Large',
  };
  it('returns the first matching rule, or undefined', () => {
    expect(selectChoice(state, { n: -1 }, ctx)?.Next).toBe('Negative');
    expect(selectChoice(state, { n: 0 }, ctx)?.Next).toBe('Zero');
    expect(selectChoice(state, { n: 5 }, ctx)?.Next).toBe('Small');
    expect(selectChoice(state, { n: 50 }, ctx)).toBeUndefined();
  });
});
