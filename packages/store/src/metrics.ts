import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

type MetricsJson = Awaited<ReturnType<typeof register.getMetricsAsJSON>>;

/**
 * Every metric RedStep exports, as `deploy/METRICS.md` lists them (the contract the dashboards
 * and alerts read). One registry per process: in one-process mode api and worker share it.
 * Labels are bounded: names of state machines and activities, actions, error codes — never ARNs.
 */
let defaultsCollected = false;

function counter(name: string, help: string, labelNames: string[]) {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}
function gauge(name: string, help: string, labelNames: string[]) {
  return (register.getSingleMetric(name) as Gauge<string>) ?? new Gauge({ name, help, labelNames });
}
function histogram(name: string, help: string, labelNames: string[], buckets: number[]) {
  return (register.getSingleMetric(name) as Histogram<string>) ?? new Histogram({ name, help, labelNames, buckets });
}

const EXECUTION_BUCKETS = [0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400, 86400];
const ACTIVITY_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];
const FAST_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const REDIS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export function metrics() {
  if (!defaultsCollected) {
    collectDefaultMetrics();
    defaultsCollected = true;
  }
  return {
    executionsStarted: counter('redstep_executions_started_total', 'Executions started', ['state_machine', 'type']),
    executionsSucceeded: counter('redstep_executions_succeeded_total', 'Executions that ended SUCCEEDED', ['state_machine', 'type']),
    executionsFailed: counter('redstep_executions_failed_total', 'Executions that ended FAILED', ['state_machine', 'type']),
    executionsAborted: counter('redstep_executions_aborted_total', 'Executions stopped: by StopExecution, or as the .sync child of a Task its parent abandoned', ['state_machine', 'type']),
    executionsTimedOut: counter('redstep_executions_timed_out_total', 'Executions past their TimeoutSeconds', ['state_machine', 'type']),
    executionsThrottled: counter('redstep_executions_throttled_total', 'StartExecution calls refused by throttling', ['state_machine']),
    executionsExpired: counter('redstep_executions_expired_total', 'Closed executions removed after the retention period', []),
    executionTime: histogram('redstep_execution_time_seconds', 'Start to end of finished executions', ['state_machine', 'type', 'status'], EXECUTION_BUCKETS),
    expressExecutions: counter('redstep_express_executions_total', 'Express executions finished', ['state_machine', 'status']),
    mapRunsStarted: counter('redstep_map_runs_started_total', 'Map states entered and map runs started', ['state_machine', 'mode']),
    mapRunsCompleted: counter('redstep_map_runs_completed_total', 'Map states and map runs finished', ['state_machine', 'mode', 'status']),
    mapIterations: counter('redstep_map_iterations_total', 'Map iterations started', ['state_machine', 'mode']),
    activitiesScheduled: counter('redstep_activities_scheduled_total', 'Activity tasks scheduled', ['activity']),
    activitiesStarted: counter('redstep_activities_started_total', 'Activity tasks handed out by GetActivityTask', ['activity']),
    activitiesSucceeded: counter('redstep_activities_succeeded_total', 'SendTaskSuccess accepted for activity tasks', ['activity']),
    activitiesFailed: counter('redstep_activities_failed_total', 'SendTaskFailure accepted for activity tasks', ['activity']),
    activitiesTimedOut: counter('redstep_activities_timed_out_total', 'Activity tasks past their TimeoutSeconds', ['activity']),
    activitiesHeartbeatTimedOut: counter('redstep_activities_heartbeat_timed_out_total', 'Activity tasks past their HeartbeatSeconds', ['activity']),
    executionsReconciled: counter('redstep_executions_reconciled_total', 'Running executions idle past the bound whose waits the reconciler re-derived and enqueued again', ['state_machine']),
    activityTasksRequeued: counter('redstep_activity_tasks_requeued_total', 'Activity tasks an api took for a poller and died before handing out, put back', ['activity']),
    activityScheduleTime: histogram('redstep_activity_schedule_time_seconds', 'Scheduled to handed out', ['activity'], ACTIVITY_BUCKETS),
    activityRunTime: histogram('redstep_activity_run_time_seconds', 'Handed out to closed', ['activity'], ACTIVITY_BUCKETS),
    activityTime: histogram('redstep_activity_time_seconds', 'Scheduled to closed', ['activity'], ACTIVITY_BUCKETS),
    apiRequests: counter('redstep_api_requests_total', 'API requests answered', ['action', 'error_code']),
    apiRequestDuration: histogram('redstep_api_request_duration_seconds', 'API request duration', ['action'], [
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 65,
    ]),
    apiInFlight: gauge('redstep_api_requests_in_flight', 'API requests being handled', ['action']),
    activityPollers: gauge('redstep_activity_pollers', 'GetActivityTask long polls held open', ['activity']),
    stateTransitions: counter('redstep_state_transitions_total', 'States entered', ['state_machine', 'state_type']),
    workerJobs: counter('redstep_worker_jobs_total', 'Jobs finished by this worker', ['queue', 'outcome']),
    workerJobDuration: histogram('redstep_worker_job_duration_seconds', 'Time spent in one job', ['queue'], FAST_BUCKETS),
    workerJobsInFlight: gauge('redstep_worker_jobs_in_flight', 'Jobs being processed now', ['queue']),
    workerConcurrency: gauge('redstep_worker_concurrency', 'Configured worker concurrency', ['queue']),
    queueDepth: gauge('redstep_queue_depth', 'Jobs in a shard\'s queue by state', ['queue', 'shard', 'state']),
    queueOldestWaiting: gauge('redstep_queue_oldest_waiting_seconds', 'Age of the oldest waiting job of a shard\'s queue', ['queue', 'shard']),
    activityTasksWaiting: gauge('redstep_activity_tasks_waiting', 'Activity tasks not yet handed out', ['activity']),
    redisCommandDuration: histogram('redstep_redis_command_duration_seconds', 'Redis command and script latency', ['command'], REDIS_BUCKETS),
    redisCommandErrors: counter('redstep_redis_command_errors_total', 'Redis commands and scripts that failed', ['command']),
  };
}

export type Metrics = ReturnType<typeof metrics>;

/** Metrics of another thread of this process (one-process mode runs the worker in a thread). */
let threadMetrics: (() => Promise<MetricsJson>) | undefined;

export function addThreadMetrics(source: () => Promise<MetricsJson>): void {
  threadMetrics = source;
}

/** This thread's metrics as JSON, for the thread that serves /metrics. */
export function metricsJson(): Promise<MetricsJson> {
  return register.getMetricsAsJSON();
}

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  if (!threadMetrics) return { contentType: register.contentType, body: await register.metrics() };
  // Counters and histograms add up across threads; process metrics are the same process twice.
  const merged = AggregatorRegistry.aggregate([await register.getMetricsAsJSON(), await threadMetrics()] as never);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
