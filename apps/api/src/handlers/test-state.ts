import { randomUUID } from 'node:crypto';
import { testState, type InspectionLevel, type TestStateRequest } from '@redstep/core';
import type { ApiContext } from '../context.js';
import { optStr, str } from './common.js';

type Body = Record<string, unknown>;

/**
 * TestState: one state run in-process through the shared interpreter, with the mock, context
 * and state configuration the caller gives. Nothing is stored. The request shape was already
 * checked against the service model by the protocol layer.
 */
export function testStateHandler(ctx: ApiContext) {
  return async (body: Body) => {
    const request: TestStateRequest = { definition: str(body, 'definition') };
    for (const key of ['roleArn', 'input', 'variables', 'stateName', 'context'] as const) {
      const value = optStr(body, key);
      if (value !== undefined) request[key] = value;
    }
    const level = optStr(body, 'inspectionLevel');
    if (level !== undefined) request.inspectionLevel = level as InspectionLevel;
    if (typeof body.revealSecrets === 'boolean') request.revealSecrets = body.revealSecrets;
    if (typeof body.mock === 'object' && body.mock !== null) request.mock = body.mock as TestStateRequest['mock'];
    if (typeof body.stateConfiguration === 'object' && body.stateConfiguration !== null) {
      request.stateConfiguration = body.stateConfiguration as TestStateRequest['stateConfiguration'];
    }
    const result = await testState(request, {
      now: ctx.now(),
      region: ctx.scope.region,
      accountId: ctx.scope.account,
      newId: randomUUID,
    });
    return { ...result };
  };
}
