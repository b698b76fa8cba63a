import { describe, expect, it } from 'vitest';
import {
  activityArn,
  baseStateMachineArn,
  executionArn,
  expressExecutionArn,
  formatArn,
  mapRunArn,
  parseArn,
  parseArnOf,
  stateMachineAliasArn,
  stateMachineArn,
  stateMachineVersionArn,
  type ArnScope,
} from './arn.js';
import { InvalidArn } from './errors.js';

const scope: ArnScope = { partition: 'aws', region: 'us-east-1', account: '123456789012' };
const P = 'arn:aws:states:us-east-1:123456789012';

function arnError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArn);
    return (e as InvalidArn).message;
  }
  throw new Error('expected InvalidArn');
}

describe('ARN builders and parser round-trip', () => {
  it.each([
    [stateMachineArn(scope, 'sm'), `${P}:stateMachine:sm`, { kind: 'stateMachine', name: 'sm' }],
    [stateMachineVersionArn(scope, 'sm', 3), `${P}:stateMachine:sm:3`, { kind: 'stateMachineVersion', name: 'sm', version: 3 }],
    [stateMachineAliasArn(scope, 'sm', 'PROD'), `${P}:stateMachine:sm:PROD`, { kind: 'stateMachineAlias', name: 'sm', alias: 'PROD' }],
    [executionArn(scope, 'sm', 'run-1'), `${P}:execution:sm:run-1`, { kind: 'execution', stateMachineName: 'sm', executionName: 'run-1' }],
    [
      executionArn(scope, 'sm', 'child', 'map'),
      `${P}:execution:sm/map:child`,
      { kind: 'execution', stateMachineName: 'sm', executionName: 'child', mapRunLabel: 'map' },
    ],
    [
      expressExecutionArn(scope, 'sm', 'e1', 'abc-123'),
      `${P}:express:sm:e1:abc-123`,
      { kind: 'expressExecution', stateMachineName: 'sm', executionName: 'e1', executionId: 'abc-123' },
    ],
    [
      mapRunArn(scope, 'sm', 'label', '7f3c'),
      `${P}:mapRun:sm/label:7f3c`,
      { kind: 'mapRun', stateMachineName: 'sm', mapRunLabel: 'label', mapRunId: '7f3c' },
    ],
    [activityArn(scope, 'act'), `${P}:activity:act`, { kind: 'activity', name: 'act' }],
  ])('%s', (built, expected, fields) => {
    expect(built).toBe(expected);
    const parsed = parseArn(built);
    expect(parsed).toEqual({ ...fields, scope });
    expect(formatArn(parsed)).toBe(built);
  });

  it('parses a labelled (Distributed Map) state machine ARN', () => {
    const arn = parseArn(`${P}:stateMachine:sm/mapLabel`);
    expect(arn).toEqual({ kind: 'stateMachine', scope, name: 'sm', label: 'mapLabel' });
    expect(formatArn(arn)).toBe(`${P}:stateMachine:sm/mapLabel`);
  });

  it.each(['aws', 'aws-cn', 'aws-us-gov'] as const)('handles partition %s', (partition) => {
    const s: ArnScope = { partition, region: partition === 'aws-cn' ? 'cn-north-1' : 'us-gov-west-1', account: '123456789012' };
    const arn = activityArn(s, 'a');
    expect(parseArn(arn).scope).toEqual(s);
  });

  it('gives the unqualified ARN behind a version or alias', () => {
    expect(baseStateMachineArn(parseArnOf(`${P}:stateMachine:sm:PROD`, 'stateMachineAlias'))).toBe(`${P}:stateMachine:sm`);
  });
});

describe('InvalidArn', () => {
  it('prefix', () => {
    expect(arnError(() => parseArn('not_a_valid_arn'))).toBe("Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'");
    expect(arnError(() => parseArn(''))).toBe("Invalid Arn: 'Invalid ARN prefix: '");
  });

  it('resource type not valid in this context', () => {
    expect(arnError(() => parseArnOf(`${P}:execution:sm:e`, 'stateMachine'))).toBe(
      "Invalid Arn: 'Resource type not valid in this context: execution'",
    );
    expect(arnError(() => parseArnOf(`${P}:stateMachine:sm`, 'execution', 'expressExecution'))).toBe(
      "Invalid Arn: 'Resource type not valid in this context: stateMachine'",
    );
    expect(arnError(() => parseArn(`${P}:function:f`))).toBe("Invalid Arn: 'Resource type not valid in this context: function'");
  });

  it.each([
    'arn:aws:lambda:us-east-1:123456789012:stateMachine:sm',
    'arn:azure:states:us-east-1:123456789012:stateMachine:sm',
    'arn:aws:states:useast:123456789012:stateMachine:sm',
    'arn:aws:states:us-east-1:1234:stateMachine:sm',
    'arn:aws:states:us-east-1:123456789012',
    `${P}:stateMachine:`,
    `${P}:stateMachine:sm:`,
    `${P}:stateMachine:sm:0`,
    `${P}:stateMachine:sm:1:2`,
    `${P}:stateMachine:sm:bad alias`,
    `${P}:stateMachine:a/b/c`,
    `${P}:execution:sm`,
    `${P}:execution:sm:bad name`,
    `${P}:express:sm:e`,
    `${P}:mapRun:sm:id`,
    `${P}:activity:a:b`,
  ])('malformed %s', (value) => {
    expect(arnError(() => parseArn(value))).toBe("Invalid Arn: 'Malformed ARN'");
  });

  it('narrows the type to the accepted kinds', () => {
    const arn = parseArnOf(`${P}:stateMachine:sm:2`, 'stateMachine', 'stateMachineVersion', 'stateMachineAlias');
    expect(arn.kind).toBe('stateMachineVersion');
    expect(arn.name).toBe('sm');
  });
});
