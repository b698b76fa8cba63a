import { readFileSync } from 'node:fs';
import { MockConfig } from '@redstep/core';
import type { Config } from '@redstep/store';
import { HttpIntegration, loadConnections } from './http.js';
import { IntegrationRegistry } from './index.js';
import { LambdaIntegration } from './lambda.js';

/** The integrations a worker offers, and the mock file when SFN_MOCK_CONFIG names one. */
export function integrationsFrom(config: Config): { registry: IntegrationRegistry; mocks?: MockConfig } {
  const registry = new IntegrationRegistry()
    .register('http', 'invoke', new HttpIntegration(loadConnections(config.httpConnectionsPath), config.httpTimeoutMs))
    .register('lambda', 'invoke', new LambdaIntegration(config.lambdaEndpoint, config.httpTimeoutMs));
  if (!config.mockConfigPath) return { registry };
  return { registry, mocks: MockConfig.parse(readFileSync(config.mockConfigPath, 'utf8')) };
}
