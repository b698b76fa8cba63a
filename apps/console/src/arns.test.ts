import { describe, expect, test } from 'vitest';
import { machineOfExecution, mapRunLabel } from './arns.js';

describe('map run ARNs', () => {
  test("a map run's label, and the machine of its parent execution", () => {
    expect(mapRunLabel('arn:aws:states:us-east-1:123456789012:mapRun:orders/Fan:0b8c1d2e-0000-4000-8000-000000000000')).toBe('Fan');
    expect(mapRunLabel('arn:aws:states:us-east-1:123456789012:mapRun:orders/Fan out')).toBe('Fan out');
    expect(machineOfExecution('arn:aws:states:us-east-1:123456789012:execution:orders:run-1')).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:orders');
  });
});
