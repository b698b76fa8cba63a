import type { Closing, HistoryEvent } from '@redstep/core';
import type { ExecutionRecord, Metrics } from '@redstep/store';

const CLOSED_COUNTER = {
  SUCCEEDED: 'executionsSucceeded',
  FAILED: 'executionsFailed',
  ABORTED: 'executionsAborted',
  TIMED_OUT: 'executionsTimedOut',
} as const;

const activityOf = (resource: string) => resource.slice(resource.lastIndexOf(':') + 1);

/**
 * Counts what one committed step wrote: metrics move only after the fenced commit succeeded,
 * so a replayed job never counts twice.
 */
export function observeCommittedStep(m: Metrics, rec: ExecutionRecord, events: HistoryEvent[], closing: Closing | undefined, now: number): void {
  const stateMachine = rec.stateMachineName;
  for (const e of events) {
    if (e.type.endsWith('StateEntered')) {
      m.stateTransitions.inc({ state_machine: stateMachine, state_type: e.type.slice(0, -'StateEntered'.length) });
    } else if (e.type === 'ActivityScheduled') {
      const { resource } = e.activityScheduledEventDetails as { resource: string };
      m.activitiesScheduled.inc({ activity: activityOf(resource) });
    } else if (e.type === 'ActivityTimedOut') {
      const error = (e.activityTimedOutEventDetails as { error?: string }).error;
      const activity = activityOf(rec.cursor?.task?.resource ?? 'unknown');
      if (error === 'States.HeartbeatTimeout') m.activitiesHeartbeatTimedOut.inc({ activity });
      else m.activitiesTimedOut.inc({ activity });
    } else if (e.type === 'MapStateStarted') {
      m.mapRunsStarted.inc({ state_machine: stateMachine, mode: 'INLINE' });
    } else if (e.type === 'MapIterationStarted') {
      m.mapIterations.inc({ state_machine: stateMachine, mode: 'INLINE' });
    }
  }
  if (closing) {
    const express = rec.arn.includes(':express:');
    const labels = { state_machine: stateMachine, type: express ? 'EXPRESS' : 'STANDARD' };
    m[CLOSED_COUNTER[closing.status]].inc(labels);
    m.executionTime.observe({ ...labels, status: closing.status }, (now - rec.startDate) / 1000);
    if (express) m.expressExecutions.inc({ state_machine: stateMachine, status: closing.status });
  }
}
