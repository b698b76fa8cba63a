import { describe, expect, it } from 'vitest';
import { StatesError } from '../errors.js';
import { applyAssignment, assignedVariablesDetails, nestedScope, VARIABLE_LIMITS, visibleVariables } from './variables.js';

describe('variable scopes', () => {
  it('reads the own scope over the enclosing ones', () => {
    expect(visibleVariables({ variables: { a: 1 }, outerVariables: { a: 0, b: 2 } })).toEqual({ a: 1, b: 2 });
    expect(visibleVariables({})).toEqual({});
  });

  it('gives inline branches the visible variables and distributed children none', () => {
    const parent = { variables: { x: 42 }, outerVariables: { y: 1 } };
    expect(nestedScope(parent, false)).toEqual({ x: 42, y: 1 });
    expect(nestedScope(parent, true)).toBeUndefined();
  });

  it('assigns into the own scope only', () => {
    expect(applyAssignment({ a: 1 }, { o: 1 }, { a: 2, b: 3 }, 'S')).toEqual({ a: 2, b: 3 });
  });
});

describe('variable limits', () => {
  const big = 'x'.repeat(VARIABLE_LIMITS.maxValueBytes);
  it('refuses a single value over the limit', () => {
    expect(() => applyAssignment({}, undefined, { v: big }, 'S')).toThrow(StatesError);
  });
  it('refuses an Assign block over the limit', () => {
    const half = 'x'.repeat(VARIABLE_LIMITS.maxAssignBytes / 2);
    expect(() => applyAssignment({}, undefined, { a: half, b: half }, 'S')).toThrow(/combined size/);
  });
  it('refuses growing the execution past its total', () => {
    const own: Record<string, string> = {};
    const chunk = 'x'.repeat(200 * 1024);
    for (let i = 0; i < 51; i++) own[`v${i}`] = chunk;
    expect(() => applyAssignment(own, undefined, { last: chunk }, 'S')).toThrow(/total size/);
  });
});

describe('assignedVariablesDetails', () => {
  it('records each value as JSON text', () => {
    expect(assignedVariablesDetails({ s: 'a', n: 1, o: { k: null } })).toEqual({
      assignedVariables: { s: '"a"', n: '1', o: '{"k":null}' },
      assignedVariablesDetails: { truncated: false },
    });
  });
  it('records nothing for an empty Assign', () => {
    expect(assignedVariablesDetails({})).toEqual({});
  });
});
