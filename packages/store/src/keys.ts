/**
 * The Redis key layout: the only place that knows it. Every key of one execution carries the
 * same hash tag `{<stateMachineName>:<executionName>}`, so the execution's Lua scripts run on
 * Redis Cluster too (DESIGN.md rule 7). Names cannot contain braces (AWS name rules), so a name
 * never breaks a tag.
 */
const P = 'rs';

/** The part of an execution ARN after `:execution:` — `<smName>:<execName>`, unique per account and region. */
export function executionId(executionArn: string): string {
  const at = executionArn.indexOf(':execution:');
  const express = executionArn.indexOf(':express:');
  if (at >= 0) return executionArn.slice(at + ':execution:'.length);
  if (express >= 0) return executionArn.slice(express + ':express:'.length);
  throw new Error(`not an execution ARN: ${executionArn}`);
}

/** The state machine name of a `stateMachineExecutions` key. */
export function machineOfExecutionIndex(key: string): string {
  return key.slice(key.indexOf('{') + 1, key.lastIndexOf('}'));
}

/** The same id from its parts, for code that holds names rather than an ARN. */
export function executionIdOf(stateMachineName: string, executionName: string): string {
  return `${stateMachineName}:${executionName}`;
}

export const keys = {
  /**
   * Hash: one execution's small mutable fields (status, sequence, wake, pending task). Every
   * value stays short so Redis keeps it in its compact listpack encoding.
   */
  execution: (id: string) => `${P}:x:{${id}}`,
  /** String: one execution's immutable facts as JSON (ARNs, names, input, definition hash). */
  executionMeta: (id: string) => `${P}:m:{${id}}`,
  /** String: where a running execution stands (the interpreter's cursor) as JSON. */
  cursor: (id: string) => `${P}:c:{${id}}`,
  /** List: one execution's history events as JSON, oldest first. */
  history: (id: string) => `${P}:h:{${id}}`,
  /** Hash: a state machine. */
  stateMachine: (name: string) => `${P}:sm:{${name}}`,
  /** Sorted set: state machine names by creation time. */
  stateMachines: () => `${P}:sms`,
  /**
   * Set: names of every state machine that ever had an execution index, deleted ones included
   * (their executions stay describable until retention removes them).
   */
  indexedMachines: () => `${P}:smx`,
  /** Sorted set: a state machine's execution names by start time (ms). */
  stateMachineExecutions: (name: string) => `${P}:sx:{${name}}`,
  /** String: set once a worker has found every execution index of older data (see retention). */
  indexesDiscovered: () => `${P}:smx:found`,
  /** String with a time to live: a worker is sweeping retention; the others skip the round. */
  retentionSweep: () => `${P}:sweeping`,
  /** SCAN pattern of every `stateMachineExecutions` key. */
  stateMachineExecutionsMatch: () => `${P}:sx:*`,
  /**
   * Hash: a state machine's published versions (`v:<n>` -> version JSON), the last number given
   * (`last`, never reused) and which version each revision became (`r:<revisionId>` -> n).
   * Shares the machine's tag so one script reads the machine and its versions.
   */
  stateMachineVersions: (name: string) => `${P}:smv:{${name}}`,
  /** Sorted set: a state machine's version numbers (score = number), for newest-first listing. */
  stateMachineVersionIndex: (name: string) => `${P}:smvi:{${name}}`,
  /** Hash: a state machine's aliases (`a:<alias>` -> routing JSON, `c:<alias>` created, `u:<alias>` updated). */
  stateMachineAliases: (name: string) => `${P}:sma:{${name}}`,
  /** String: a definition text by its content hash; executions point at it so updates never change them. */
  definition: (sha: string) => `${P}:def:{${sha}}`,
  /** Hash: an activity. */
  activity: (name: string) => `${P}:act:{${name}}`,
  /** Sorted set: activity names by creation time. */
  activities: () => `${P}:acts`,
  /** List: tasks scheduled on an activity, waiting for GetActivityTask. */
  activityTasks: (name: string) => `${P}:aq:{${name}}`,
  /**
   * List: tasks a poller took (moved here from the task list in the same command) whose hand-out
   * is not yet recorded; what a dead api leaves here goes back to the task list.
   */
  activityHandout: (name: string) => `${P}:aqh:{${name}}`,
  /** Hash: an execution's map runs (`<uuid>` -> map run JSON), under the execution's tag. */
  mapRuns: (executionIdValue: string) => `${P}:mr:{${executionIdValue}}`,
  /** Hash: limits UpdateMapRun set on an execution's running map runs (`<arn>` -> JSON). */
  mapRunLimits: (executionIdValue: string) => `${P}:mrl:{${executionIdValue}}`,
  /** String: the execution ARN of a map run (its ARN does not name the execution). */
  mapRunExecution: (mapRunId: string) => `${P}:mrx:{${mapRunId}}`,
  /** Hash: tags of the resource with this ARN. */
  tags: (arn: string) => `${P}:tags:{${arn}}`,
} as const;

/** BullMQ's key prefix: one hash tag so its multi-key scripts stay in one Cluster slot. */
export const QUEUE_PREFIX = '{rsq}';
export const STEP_QUEUE = 'steps';
