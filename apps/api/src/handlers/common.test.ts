import { AccessDeniedException } from '@redstep/core';
import { describe, expect, test } from 'vitest';
import type { ApiContext } from '../context.js';
import { arns, listingScope } from './common.js';

/** What `arns` reads of a request context: its scope, caller and action. */
const request = (account: string, region: string) =>
  ({ scope: { partition: 'aws', account, region }, accessKeyId: 'AKIAB', action: 'DescribeExecution' }) as unknown as ApiContext;

describe('arns in a request scope', () => {
  test('builds ARNs and stored names in the caller\'s account and region', () => {
    const a = arns(request('222222222222', 'eu-west-1'));
    expect(a.stateMachine('M')).toBe('arn:aws:states:eu-west-1:222222222222:stateMachine:M');
    expect(a.key('M')).toBe('222222222222.eu-west-1~M');
    expect(a.listing()).toBe('222222222222.eu-west-1');
    // The default home scope (123456789012, us-east-1) keeps bare names.
    expect(arns(request('123456789012', 'us-east-1')).key('M')).toBe('M');
  });

  test('owned: another account is IAM\'s AccessDeniedException; another region is simply not here', () => {
    const a = arns(request('222222222222', 'eu-west-1'));
    expect(a.owned('arn:aws:states:eu-west-1:222222222222:execution:M:e')).toBe(true);
    expect(a.owned('arn:aws:states:us-east-1:222222222222:execution:M:e')).toBe(false);
    const foreign = 'arn:aws:states:eu-west-1:111111111111:execution:M:e';
    expect(() => a.owned(foreign)).toThrow(AccessDeniedException);
    expect(() => a.owned(foreign)).toThrow(
      `User: arn:aws:iam::222222222222:user/AKIAB is not authorized to perform: states:DescribeExecution on resource: ${foreign} because no resource-based policy allows the states:DescribeExecution action`,
    );
  });

  test('listing tokens are scoped to the caller', () => {
    expect(listingScope(request('222222222222', 'eu-west-1'), 'ListActivities')).not.toBe(listingScope(request('111111111111', 'eu-west-1'), 'ListActivities'));
  });
});
