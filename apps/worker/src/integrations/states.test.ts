import { describe, expect, it } from 'vitest';
import { InvalidExecutionInput, InvalidName } from '@redstep/core';
import { apiFailure, startExecutionParams, startResponse } from './states.js';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:child';
const NONCE = 'ffffffffeeeeddddccccbbbbbbbbbbbb';

describe('states:startExecution parameters', () => {
  it('serializes an object Input, keeps a string Input as the input text, defaults to {}', () => {
    expect(startExecutionParams({ StateMachineArn: SM, Input: { a: 1 } }, NONCE).input).toBe('{"a":1}');
    expect(startExecutionParams({ StateMachineArn: SM, Input: '{"b":2}' }, NONCE).input).toBe('{"b":2}');
    expect(startExecutionParams({ StateMachineArn: SM }, NONCE).input).toBe('{}');
    expect(startExecutionParams({ StateMachineArn: SM, Input: [1, 2] }, NONCE).input).toBe('[1,2]');
  });

  it('refuses an Input string that is not JSON', () => {
    expect(() => startExecutionParams({ StateMachineArn: SM, Input: 'not json' }, NONCE)).toThrow(InvalidExecutionInput);
  });

  it('takes Name, or derives a UUID from the task nonce', () => {
    expect(startExecutionParams({ StateMachineArn: SM, Name: 'run-1' }, NONCE).name).toBe('run-1');
    expect(startExecutionParams({ StateMachineArn: SM }, NONCE).name).toBe('ffffffff-eeee-dddd-cccc-bbbbbbbbbbbb');
    expect(() => startExecutionParams({ StateMachineArn: SM, Name: 'bad name' }, NONCE)).toThrow(InvalidName);
  });
});

describe('states:startExecution results', () => {
  it('answers StartExecution in PascalCase with StartDate in ms', () => {
    const out = startResponse('arn:x', 1234, 'req-1');
    expect(out).toMatchObject({ ExecutionArn: 'arn:x', StartDate: 1234, SdkResponseMetadata: { RequestId: 'req-1' } });
  });

  it('names API errors StepFunctions.<Code>Exception', () => {
    expect(apiFailure('StateMachineDoesNotExist', "State Machine Does Not Exist: 'x'", 'r')).toEqual({
      kind: 'failed',
      error: 'StepFunctions.StateMachineDoesNotExistException',
      cause: "State Machine Does Not Exist: 'x' (Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; Request ID: r; Proxy: null)",
    });
    expect(apiFailure('ValidationException', 'bad', 'r')).toMatchObject({ error: 'StepFunctions.ValidationException' });
  });
});
