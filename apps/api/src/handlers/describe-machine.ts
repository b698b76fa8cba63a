import { variableReferences } from '@redstep/core';
import { epochSeconds } from '../context.js';

/** What AWS reports for a machine whose logging and tracing were never configured. */
export const DEFAULT_LOGGING = { level: 'OFF', includeExecutionData: false };
export const DEFAULT_TRACING = { enabled: false };

export interface DescribedMachine {
  arn: string;
  name: string;
  type: string;
  definition: string;
  roleArn: string;
  createdAt: number;
  /** Stored JSON texts; absent means never configured. */
  logging?: string;
  tracing?: string;
  revisionId?: string;
  description?: string;
}

/** DescribeStateMachine's answer, for a state machine or one of its versions. */
export function describeMachine(m: DescribedMachine): Record<string, unknown> {
  const out: Record<string, unknown> = {
    stateMachineArn: m.arn,
    name: m.name,
    status: 'ACTIVE',
    definition: m.definition,
    roleArn: m.roleArn,
    type: m.type,
    creationDate: epochSeconds(m.createdAt),
    loggingConfiguration: m.logging ? JSON.parse(m.logging) : DEFAULT_LOGGING,
    tracingConfiguration: m.tracing ? JSON.parse(m.tracing) : DEFAULT_TRACING,
  };
  if (m.revisionId) out.revisionId = m.revisionId;
  if (m.description !== undefined) out.description = m.description;
  const refs = variableReferences(JSON.parse(m.definition));
  if (refs) out.variableReferences = refs;
  return out;
}

/** Drops undefined members (optional fields stay absent rather than present as undefined). */
export function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
