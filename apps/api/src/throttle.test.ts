import { describe, expect, test } from 'vitest';
import { ThrottlingException } from '@redstep/core';
import { Throttle, throttleGroup } from './throttle.js';

describe('Throttle', () => {
  test('groups actions as AWS does', () => {
    expect(throttleGroup('StartExecution')).toBe('START_EXECUTION');
    expect(throttleGroup('GetActivityTask')).toBe('GET_ACTIVITY_TASK');
    for (const a of ['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat']) expect(throttleGroup(a)).toBe('SEND_TASK');
    for (const a of ['DescribeExecution', 'StartSyncExecution', 'ListStateMachines']) expect(throttleGroup(a)).toBe('OTHER');
  });

  test('a bucket gives its burst, then a token per 1/rate seconds, per account and group', () => {
    let t = 0;
    const throttle = new Throttle({ START_EXECUTION: { burst: 3, perSecond: 2 } }, () => t);
    for (let i = 0; i < 3; i++) throttle.take('111111111111', 'StartExecution');
    let refused: unknown;
    try {
      throttle.take('111111111111', 'StartExecution');
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(ThrottlingException);
    expect((refused as ThrottlingException).toBody()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    expect((refused as ThrottlingException).httpStatus).toBe(400);
    // Another account, and another group, have buckets of their own (OTHER is not throttled here).
    throttle.take('222222222222', 'StartExecution');
    for (let i = 0; i < 100; i++) throttle.take('111111111111', 'DescribeExecution');
    t = 499;
    expect(() => throttle.take('111111111111', 'StartExecution')).toThrow(ThrottlingException);
    t = 500;
    throttle.take('111111111111', 'StartExecution');
    expect(() => throttle.take('111111111111', 'StartExecution')).toThrow(ThrottlingException);
    // Refills stop at the bucket size.
    t = 3_600_000;
    for (let i = 0; i < 3; i++) throttle.take('111111111111', 'StartExecution');
    expect(() => throttle.take('111111111111', 'StartExecution')).toThrow(ThrottlingException);
  });

  test('with no group configured it is off', () => {
    const throttle = new Throttle({});
    expect(throttle.enabled).toBe(false);
    for (let i = 0; i < 10_000; i++) throttle.take('111111111111', 'StartExecution');
  });
});
