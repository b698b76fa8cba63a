import { describe, expect, test } from 'vitest';
import { parseRoute, pathOf } from './router.js';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';
const EX = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1';

describe('routes', () => {
  test('each page has its stable path, and parses back', () => {
    expect(pathOf({ page: 'home' })).toBe('/console/');
    expect(pathOf({ page: 'state-machine', arn: SM })).toBe(`/console/state-machines/${SM}`);
    expect(pathOf({ page: 'execution', arn: EX })).toBe(`/console/executions/${EX}`);
    for (const route of [{ page: 'home' }, { page: 'state-machine', arn: SM }, { page: 'execution', arn: EX }, { page: 'activity', arn: 'arn:aws:states:us-east-1:123456789012:activity:a' }] as const) {
      expect(parseRoute(pathOf(route))).toEqual(route);
    }
  });

  test('an encoded ARN is accepted; unknown paths are not found', () => {
    expect(parseRoute(`/console/executions/${encodeURIComponent(EX)}`)).toEqual({ page: 'execution', arn: EX });
    expect(parseRoute('/console')).toEqual({ page: 'home' });
    expect(parseRoute('/console/nothing/x').page).toBe('not-found');
    expect(parseRoute('/console/executions/').page).toBe('not-found');
  });

  test('a Map Run ARN (with a slash) and a child execution ARN survive the round trip', () => {
    const run = 'arn:aws:states:us-east-1:123456789012:mapRun:orders/Fan:0b8c';
    expect(pathOf({ page: 'map-run', arn: run })).toBe(`/console/map-runs/${run}`);
    expect(parseRoute(pathOf({ page: 'map-run', arn: run }))).toEqual({ page: 'map-run', arn: run });
    const child = 'arn:aws:states:us-east-1:123456789012:execution:orders/Fan:0b8c1d2e-000000000003';
    expect(parseRoute(pathOf({ page: 'execution', arn: child }))).toEqual({ page: 'execution', arn: child });
  });
});
