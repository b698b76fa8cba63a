import { readFileSync } from 'node:fs';
import { MockConfig } from '@redstep/core';
import type { Config } from '@redstep/store';
import { AwsSdkIntegration, OPTIMIZED_ACTIONS } from './aws.js';
import { HttpIntegration, loadConnections } from './http.js';
import { IntegrationRegistry } from './index.js';
import { LambdaIntegration } from './lambda.js';
import { StatesIntegration, type StatesDeps } from './states.js';

/**
 * The integrations a worker offers, and the mock file when SFN_MOCK_CONFIG names one. With the
 * stores, `states:startExecution` starts nested executions of RedStep's own state machines.
 */
export function integrationsFrom(config: Config, stores?: StatesDeps): { registry: IntegrationRegistry; mocks?: MockConfig } {
  const registry = new IntegrationRegistry()
    .register('http', 'invoke', new HttpIntegration(loadConnections(config.httpConnectionsPath), config.httpTimeoutMs))
    .register('lambda', 'invoke', new LambdaIntegration(config.lambdaEndpoint, config.httpTimeoutMs));
  const aws = new AwsSdkIntegration(config.aws, config.httpTimeoutMs);
  for (const [service, actions] of Object.entries(OPTIMIZED_ACTIONS)) for (const action of Object.keys(actions)) registry.register(service, action, aws);
  registry.registerAwsSdk(aws);
  if (stores) registry.register('states', 'startExecution', new StatesIntegration(stores));
  if (!config.mockConfigPath) return { registry };
  return { registry, mocks: MockConfig.parse(readFileSync(config.mockConfigPath, 'utf8')) };
}
