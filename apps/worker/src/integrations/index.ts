import type { TaskIntegration } from '@redstep/core';
import { errorPrefix } from './aws.js';
import { failed, type Integration, type InvokeCall, type InvokeResult } from './types.js';

export type { Integration, InvokeCall, InvokeResult } from './types.js';

/**
 * Integrations by `<service>:<action>` (the resource without its pattern suffix). A resource
 * with no integration, or a pattern its integration lacks, fails the Task at once with AWS's
 * naming, never a hang.
 */
export class IntegrationRegistry {
  private readonly byResource = new Map<string, Integration>();
  private sdk: Integration | undefined;

  register(service: string, action: string, integration: Integration): this {
    this.byResource.set(`${service}:${action}`, integration);
    return this;
  }

  /** The integration of every `aws-sdk:<service>:<action>`. */
  registerAwsSdk(integration: Integration): this {
    this.sdk = integration;
    return this;
  }

  async invoke(call: InvokeCall): Promise<InvokeResult> {
    const { integration } = call.task;
    const found = this.byResource.get(`${integration.service}:${integration.action}`) ?? (integration.service.startsWith('aws-sdk:') ? this.sdk : undefined);
    if (!found) return unsupported(call.task.resource, integration);
    if (integration.pattern !== 'request' && !found.patterns.includes(integration.pattern)) return unsupported(call.task.resource, integration);
    return found.invoke(call);
  }
}

function unsupported(resource: string, integration: TaskIntegration): InvokeResult {
  return failed(`${errorPrefix(integration.service)}.SdkClientException`, `RedStep has no endpoint configured for the resource '${resource}'.`);
}
