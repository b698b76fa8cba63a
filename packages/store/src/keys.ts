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
  /**
   * Hash: an execution's outbox, obligation id -> obligation JSON (see outbox.ts): what its last
   * commits oblige that is not yet carried out. Under the execution's tag, so the commit that
   * creates an obligation writes it in the same atomic step (DESIGN.md rule 1).
   */
  outbox: (id: string) => `${P}:o:{${id}}`,
  /**
   * Sorted set: executions that may be running, by when the reconciler next looks at them (ms).
   * Spread over a fixed number of buckets so a cluster spreads them too.
   */
  runningIndex: (bucket: number) => `${P}:run:{${bucket}}`,
  /** String with a time to live: a worker is reconciling; the others skip the round. */
  reconcileLease: () => `${P}:reconciling`,
  /** String: the secret task-token nonces are derived with, made once per Redis. */
  tokenSecret: () => `${P}:secret`,
  /** Hash: nonces of an activity's tasks pushed to its list and not yet handed out (one push per task). */
  activityPushed: (name: string) => `${P}:aqp:{${name}}`,
  /** Hash: tags of the resource with this ARN. */
  tags: (arn: string) => `${P}:tags:{${arn}}`,
} as const;

/** How many buckets the running index is spread over (fixed: changing it would orphan entries). */
export const RUNNING_BUCKETS = 16;

/** The running index bucket of an execution id (FNV-1a, stable across processes and versions). */
export function runningBucket(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % RUNNING_BUCKETS;
}

/** BullMQ's key prefix: one hash tag so its multi-key scripts stay in one Cluster slot. */
export const QUEUE_PREFIX = '{rsq}';
export const STEP_QUEUE = 'steps';
