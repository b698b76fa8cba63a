import { describe, expect, it } from 'vitest';
import { validateRequest, javaHashSetOrder } from './validate.js';
import { SerializationException, UnknownOperationException, ValidationException } from './errors.js';
import { compileJavaPattern, javaPatternToJs } from './java-regex.js';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:sm';
const ROLE = 'arn:aws:iam::123456789012:role/r';

function caught(op: string, body: unknown): unknown {
  try {
    validateRequest(op, body);
  } catch (e) {
    return e;
  }
  return undefined;
}

function validationMessage(op: string, body: unknown): string {
  const e = caught(op, body);
  expect(e).toBeInstanceOf(ValidationException);
  return (e as ValidationException).message;
}

function serializationMessage(op: string, body: unknown): string {
  const e = caught(op, body);
  expect(e).toBeInstanceOf(SerializationException);
  return (e as SerializationException).message;
}

describe('validateRequest: accepts', () => {
  it('a valid request, ignoring unknown members and treating null as absent', () => {
    expect(caught('StartExecution', { stateMachineArn: SM, name: 'x', input: null, extra: 1 })).toBeUndefined();
    expect(caught('ListStateMachines', undefined)).toBeUndefined();
    expect(caught('ListExecutions', { stateMachineArn: SM, maxResults: 0, statusFilter: 'RUNNING' })).toBeUndefined();
  });

  it('an unknown member nested deeper than the call stack: ignored, and still shown in a violation without a fault', () => {
    const deep = JSON.parse(`${'{"n":'.repeat(50_000)}1${'}'.repeat(50_000)}`) as unknown;
    expect(caught('ListActivities', { a: deep })).toBeUndefined();
    expect(caught('PublishStateMachineVersion', { a: deep })).toBeInstanceOf(ValidationException);
    const route = { stateMachineVersionArn: `${SM}:1`, weight: 1, a: deep };
    expect(validationMessage('CreateStateMachineAlias', { name: 'a', routingConfiguration: [route, route, route] })).toMatch(/a=\{\.\.\.\}.*Member must have length less than or equal to 2$/);
  });

  it('rejects an unknown operation', () => {
    const e = caught('NoSuchThing', {});
    expect(e).toBeInstanceOf(UnknownOperationException);
    expect((e as UnknownOperationException).toBody()).toEqual({ __type: 'UnknownOperationException' });
  });
});

describe('validateRequest: SerializationException for wrong JSON types', () => {
  it.each([
    [{ stateMachineArn: 5 }, 'NUMBER_VALUE can not be converted to a String'],
    [{ stateMachineArn: true }, 'TRUE_VALUE can not be converted to a String'],
    [{ stateMachineArn: [SM] }, 'Start of list found where not expected'],
    [{ stateMachineArn: { a: 1 } }, 'Start of structure or map found where not expected.'],
    [{ stateMachineArn: SM, maxResults: '1' }, 'STRING_VALUE can not be converted to an Integer'],
    [{ stateMachineArn: SM, maxResults: false }, 'FALSE_VALUE can not be converted to an Integer'],
    [{ stateMachineArn: SM, maxResults: 1.5 }, ''],
    [{ stateMachineArn: SM, maxResults: 2 ** 31 }, ''],
  ])('ListExecutions %j', (body, message) => {
    expect(serializationMessage('ListExecutions', body)).toBe(message);
  });

  it('checks nested structures, lists and booleans', () => {
    const base = { name: 'n', definition: '{}', roleArn: ROLE };
    expect(serializationMessage('CreateStateMachine', { ...base, loggingConfiguration: 'x' })).toBe('Expected null');
    expect(serializationMessage('CreateStateMachine', { ...base, tags: 'x' })).toBe('Expected list or null');
    expect(serializationMessage('CreateStateMachine', { ...base, tags: [{ key: 1 }] })).toBe(
      'NUMBER_VALUE can not be converted to a String',
    );
    expect(serializationMessage('CreateStateMachine', { ...base, publish: 'yes' })).toBe(
      'STRING_VALUE can not be converted to an Boolean',
    );
  });

  it('refuses a body that is not an object', () => {
    expect(serializationMessage('ListActivities', [])).toBe('Start of list found where not expected');
    expect(serializationMessage('ListActivities', 'x')).toBe('');
    expect(serializationMessage('ListActivities', null)).toBe('');
    expect(new SerializationException().toBody()).toEqual({ __type: 'SerializationException' });
  });

  it('reports type errors before constraint errors', () => {
    expect(serializationMessage('StartExecution', { name: 7 })).toBe('NUMBER_VALUE can not be converted to a String');
  });
});

describe('validateRequest: ValidationException wording', () => {
  it('required member', () => {
    expect(validationMessage('StartExecution', {})).toBe(
      "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
    );
  });

  it('length, max and min', () => {
    expect(validationMessage('StartExecution', { stateMachineArn: SM, name: 'a'.repeat(81) })).toBe(
      `1 validation error detected: Value '${'a'.repeat(81)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`,
    );
    expect(validationMessage('StartExecution', { stateMachineArn: '' })).toBe(
      "1 validation error detected: Value '' at 'stateMachineArn' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('counts length in code points', () => {
    expect(caught('StartExecution', { stateMachineArn: SM, name: '😀'.repeat(80) })).toBeUndefined();
  });

  it('enum, listing values in the order AWS prints them', () => {
    expect(validationMessage('ListExecutions', { stateMachineArn: SM, statusFilter: 'succeeded' })).toBe(
      "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]",
    );
  });

  it('integer range', () => {
    expect(validationMessage('ListStateMachines', { maxResults: 1001 })).toBe(
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
    expect(validationMessage('ListStateMachines', { maxResults: -1 })).toContain(
      "Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0",
    );
  });

  it('float range prints the value as Java does', () => {
    expect(
      validationMessage('UpdateMapRun', { mapRunArn: 'arn:aws:states:us-east-1:123456789012:mapRun:sm/m:1', toleratedFailurePercentage: 101 }),
    ).toContain("Value '101.0' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value less than or equal to 100");
  });

  it('pattern, quoting the Java pattern from the model', () => {
    expect(validationMessage('StartExecution', { stateMachineArn: SM, traceHeader: 'é' })).toBe(
      "1 validation error detected: Value 'é' at 'traceHeader' failed to satisfy constraint: Member must satisfy regular expression pattern: \\p{ASCII}*",
    );
  });

  it('length and pattern on one value give two errors', () => {
    const msg = validationMessage('CreateStateMachineAlias', { name: '', routingConfiguration: [{ stateMachineVersionArn: `${SM}:1`, weight: 100 }] });
    expect(msg).toBe(
      "2 validation errors detected: Value '' at 'name' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$",
    );
  });

  it('nested paths and list items as a.N.member.b', () => {
    const msg = validationMessage('CreateStateMachine', {
      name: 'n',
      definition: '{}',
      roleArn: ROLE,
      loggingConfiguration: { level: 'LOUD', destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: '' } }] },
      tags: [{ key: 'ok' }, { key: '' }],
    });
    expect(msg).toBe(
      '3 validation errors detected: ' +
        "Value 'LOUD' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: [ALL, FATAL, ERROR, OFF]; " +
        "Value '' at 'loggingConfiguration.destinations.1.member.cloudWatchLogsLogGroup.logGroupArn' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value '' at 'tags.2.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('list length and required members inside list items', () => {
    const msg = validationMessage('CreateStateMachineAlias', { name: 'a', routingConfiguration: [{}, {}, {}] });
    expect(msg.startsWith('7 validation errors detected: ')).toBe(true);
    expect(msg).toContain("at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2");
    expect(msg).toContain("Value null at 'routingConfiguration.3.member.weight' failed to satisfy constraint: Member must not be null");
  });

  it('multiple errors in model member order, joined with "; "', () => {
    const msg = validationMessage('CreateStateMachine', { name: 'x'.repeat(81), type: 'BATCH' });
    expect(msg.split('; ')).toEqual([
      `4 validation errors detected: Value '${'x'.repeat(81)}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80`,
      "Value null at 'definition' failed to satisfy constraint: Member must not be null",
      "Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
      "Value 'BATCH' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [EXPRESS, STANDARD]",
    ]);
  });

  it('omits the value of sensitive shapes', () => {
    const msg = validationMessage('CreateStateMachine', { name: 'n', definition: '', roleArn: ROLE });
    expect(msg).toBe(
      "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    const big = validationMessage('SendTaskFailure', { taskToken: 't', cause: 'secret'.repeat(6000) });
    expect(big).not.toContain('secret');
    expect(big).toContain("Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768");
  });
});

describe('javaHashSetOrder', () => {
  it('reproduces orders AWS printed', () => {
    expect(javaHashSetOrder(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'])).toEqual([
      'SUCCEEDED', 'TIMED_OUT', 'PENDING_REDRIVE', 'ABORTED', 'FAILED', 'RUNNING',
    ]);
    expect(javaHashSetOrder(['OFF', 'ON', 'OPTIONAL'])).toEqual(['OPTIONAL', 'OFF', 'ON']);
  });

  it('keeps model order past 24 values', () => {
    const many = Array.from({ length: 30 }, (_, i) => `V${i}`);
    expect(javaHashSetOrder(many)).toEqual(many);
  });
});

describe('java patterns', () => {
  it('translates \\p{ASCII} which JS would misread', () => {
    expect(javaPatternToJs('\\p{ASCII}*')).toBe('[\\x00-\\x7F]*');
    expect(compileJavaPattern('\\p{ASCII}*').test('Root=1-abc;Sampled=1')).toBe(true);
    expect(compileJavaPattern('\\p{ASCII}*').test('p{ASCII}é')).toBe(false);
  });

  it('matches the whole value like Matcher.matches()', () => {
    expect(compileJavaPattern('[!-~]+').test('abc')).toBe(true);
    expect(compileJavaPattern('[!-~]+').test('ab c')).toBe(false);
  });

  it('keeps the alias-name lookahead and Java dot semantics', () => {
    const re = compileJavaPattern('^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$');
    expect(re.test('PROD')).toBe(true);
    expect(re.test('v1.2')).toBe(true);
    expect(re.test('123')).toBe(false);
    expect(javaPatternToJs('a.b')).toBe('a[^\\n\\r\\u0085\\u2028\\u2029]b');
  });
});
