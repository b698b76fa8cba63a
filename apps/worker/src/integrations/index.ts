import type { TaskIntegration } from '@redstep/core';
import { failed, type Integration, type InvokeCall, type InvokeResult } from './types.js';

export type { Integration, InvokeCall, InvokeResult } from './types.js';

/**
 * Integrations by `<service>:<action>` (the resource without its pattern suffix). A resource
 * with no integration, or a pattern its integration lacks, fails the Task at once with AWS's
 * naming, never a hang.
 */
export class IntegrationRegistry {
  private readonly byResource = new Map<string, Integration>();

  register(service: string, action: string, integration: Integration): this {
    this.byResource.set(`${service}:${action}`, integration);
    return this;
  }

  async invoke(call: InvokeCall): Promise<InvokeResult> {
    const { integration } = call.task;
    const found = this.byResource.get(`${integration.service}:${integration.action}`);
    if (!found) return unsupported(call.task.resource, integration);
    if (integration.pattern !== 'request' && !found.patterns.includes(integration.pattern)) return unsupported(call.task.resource, integration);
    return found.invoke(call);
  }
}

function unsupported(resource: string, integration: TaskIntegration): InvokeResult {
  const service = integration.service.startsWith('aws-sdk:') ? integration.service.slice('aws-sdk:'.length) : integration.service;
  const name = SERVICE_NAMES[service] ?? service.charAt(0).toUpperCase() + service.slice(1);
  return failed(`${name}.SdkClientException`, `RedStep has no endpoint configured for the resource '${resource}'.`);
}

/** How AWS names a service in its errors (`SQS.QueueDoesNotExistException`, `DynamoDB.…`). */
const SERVICE_NAMES: Record<string, string> = {
  sqs: 'SQS',
  sns: 'SNS',
  dynamodb: 'DynamoDB',
  events: 'EventBridge',
  s3: 'S3',
  states: 'StepFunctions',
  ecs: 'ECS',
  apigateway: 'ApiGateway',
};
