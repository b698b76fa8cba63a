import { describe, expect, test } from 'vitest';
import { MockConfig, MockConfigError } from './mock-config.js';

const file = {
  StateMachines: {
    Orders: {
      TestCases: {
        HappyPath: { Charge: 'ChargeOk', Notify: 'NotifyOk' },
        RetryPath: { Charge: 'ChargeFlaky' },
      },
    },
  },
  MockedResponses: {
    ChargeOk: { '0': { Return: { StatusCode: 200, Payload: { charged: true } } } },
    ChargeFlaky: {
      '0': { Throw: { Error: 'Lambda.ServiceException', Cause: 'busy' } },
      '1-2': { Throw: { Error: 'Lambda.TooManyRequestsException', Cause: 'slow down' } },
      '3': { Return: { ok: 1 } },
    },
    NotifyOk: { '0': { Return: 'sent' } },
  },
};

describe('mock configuration', () => {
  const config = MockConfig.parse(JSON.stringify(file));

  test('test cases and the states they mock', () => {
    expect(config.hasTestCase('Orders', 'HappyPath')).toBe(true);
    expect(config.hasTestCase('Orders', 'Nope')).toBe(false);
    expect(config.hasTestCase('Other', 'HappyPath')).toBe(false);
    expect(config.mocks('Orders', 'RetryPath', 'Charge')).toBe(true);
    expect(config.mocks('Orders', 'RetryPath', 'Notify')).toBe(false);
  });

  test('answers by invocation number, ranges inclusive, the last one repeating', () => {
    const at = (n: number) => config.answer('Orders', 'RetryPath', 'Charge', n);
    expect(at(0)).toEqual({ kind: 'throw', error: 'Lambda.ServiceException', cause: 'busy' });
    expect(at(1)).toEqual({ kind: 'throw', error: 'Lambda.TooManyRequestsException', cause: 'slow down' });
    expect(at(2)).toEqual(at(1));
    expect(at(3)).toEqual({ kind: 'return', value: { ok: 1 } });
    expect(at(9)).toEqual({ kind: 'return', value: { ok: 1 } });
    expect(config.answer('Orders', 'HappyPath', 'Notify', 0)).toEqual({ kind: 'return', value: 'sent' });
    expect(config.answer('Orders', 'HappyPath', 'Missing', 0)).toBeUndefined();
  });

  test.each([
    ['not JSON', '{', /not JSON/],
    ['an unknown response', JSON.stringify({ StateMachines: { M: { TestCases: { T: { S: 'X' } } } } }), /'X', which MockedResponses does not define/],
    ['a gap in the ranges', JSON.stringify({ MockedResponses: { R: { '0': { Return: 1 }, '2': { Return: 2 } } } }), /invocation 1 has no response/],
    ['a range not starting at 0', JSON.stringify({ MockedResponses: { R: { '1-2': { Return: 1 } } } }), /invocation 0 has no response/],
    ['a bad key', JSON.stringify({ MockedResponses: { R: { first: { Return: 1 } } } }), /not an invocation index/],
    ['both Return and Throw', JSON.stringify({ MockedResponses: { R: { '0': { Return: 1, Throw: { Error: 'E', Cause: 'C' } } } } }), /exactly one of Return and Throw/],
    ['a Throw without Cause', JSON.stringify({ MockedResponses: { R: { '0': { Throw: { Error: 'E' } } } } }), /string Error and Cause/],
    ['a reversed range', JSON.stringify({ MockedResponses: { R: { '0': { Return: 1 }, '3-1': { Return: 2 } } } }), /ends before it starts/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => MockConfig.parse(text)).toThrow(MockConfigError);
    expect(() => MockConfig.parse(text)).toThrow(message);
  });
});
