import { readFileSync } from 'node:fs';
import { MockConfig } from '@redstep/core';
import type { Config } from '@redstep/store';
import { AwsSdkIntegration, OPTIMIZED_ACTIONS } from './aws.js';
import { EgressGuard } from './egress-guard.js';
import { HttpIntegration, loadConnections } from './http.js';
import { IntegrationRegistry } from './index.js';
import { LambdaIntegration } from './lambda.js';
import { StatesIntegration, type StatesDeps } from './states.js';

/**
 * The integrations a worker offers, the egress guard every outbound call goes through, and the
 * mock file when SFN_MOCK_CONFIG names one. With the stores, `states:startExecution` starts nested
 * executions of RedStep's own state machines.
 */
export function integrationsFrom(config: Config, stores?: StatesDeps): { registry: IntegrationRegistry; guard: EgressGuard; mocks?: MockConfig } {
  const guard = EgressGuard.fromConfig(config.egress);
  const registry = new IntegrationRegistry()
    .register('http', 'invoke', new HttpIntegration(loadConnections(config.httpConnectionsPath), config.httpTimeoutMs, guard.fetch))
    .register('lambda', 'invoke', new LambdaIntegration(config.lambdaEndpoint, config.httpTimeoutMs, guard.fetch));
  const aws = new AwsSdkIntegration(config.aws, config.httpTimeoutMs, guard);
  for (const [service, actions] of Object.entries(OPTIMIZED_ACTIONS)) for (const action of Object.keys(actions)) registry.register(service, action, aws);
  registry.registerAwsSdk(aws);
  if (stores) registry.register('states', 'startExecution', new StatesIntegration(stores));
  if (!config.mockConfigPath) return { registry, guard };
  return { registry, guard, mocks: MockConfig.parse(readFileSync(config.mockConfigPath, 'utf8')) };
}
