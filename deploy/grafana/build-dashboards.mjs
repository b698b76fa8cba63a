#!/usr/bin/env node
// Builds the Grafana dashboards in deploy/grafana/dashboards/ from the definitions below.
// The JSON files are committed; test/deploy/grafana.test.ts fails when they drift from this
// script. Run after editing: `node deploy/grafana/build-dashboards.mjs`.
// Metric names and labels come from deploy/METRICS.md.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DS = { type: 'prometheus', uid: '${datasource}' };
const NS = 'namespace=~"$namespace"';
const RI = '$__rate_interval';

/**
 * redstep_queue_depth is reported by every api and worker pod, for every shard, with the same
 * value: max per shard removes the copies, sum adds the shards (deploy/METRICS.md).
 */
const queueTotal = (selector, by = '') =>
  `sum${by ? ` by (${by})` : ''} (max by (namespace, queue, shard${by.includes('state') ? '' : ', state'}) (redstep_queue_depth{${selector}}))`;

// ---- panel helpers ----------------------------------------------------------------------------

const target = (expr, legendFormat = '', extra = {}) => ({ expr, legendFormat, ...extra });

function timeseries(title, targets, { unit = 'short', description = '', stack = false, w = 12, h = 8, min } = {}) {
  const defaults = {
    unit,
    custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: stack ? 30 : 10, showPoints: 'never', spanNulls: false, stacking: { mode: stack ? 'normal' : 'none', group: 'A' } },
  };
  if (min !== undefined) defaults.min = min;
  return {
    type: 'timeseries',
    title,
    description,
    w,
    h,
    targets,
    fieldConfig: { defaults, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
  };
}

function stat(title, expr, { unit = 'short', description = '', w = 4, h = 4, decimals, thresholds } = {}) {
  const defaults = { unit, thresholds: thresholds ?? { mode: 'absolute', steps: [{ color: 'green', value: null }] } };
  if (decimals !== undefined) defaults.decimals = decimals;
  return {
    type: 'stat',
    title,
    description,
    w,
    h,
    targets: [target(expr, '', { instant: true })],
    fieldConfig: { defaults, overrides: [] },
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    },
  };
}

function heatmap(title, bucketMetric, selector, { description = '', w = 12, h = 8 } = {}) {
  return {
    type: 'heatmap',
    title,
    description,
    w,
    h,
    targets: [target(`sum by (le) (increase(${bucketMetric}{${selector}}[${RI}]))`, '{{le}}', { format: 'heatmap' })],
    fieldConfig: { defaults: {}, overrides: [] },
    options: { calculate: false, yAxis: { unit: 's' }, color: { mode: 'scheme', scheme: 'Oranges', steps: 64 }, cellGap: 1, tooltip: { show: true, yHistogram: false } },
  };
}

const row = (title) => ({ type: 'row', title });

/** p50/p90/p99 of a histogram, by an optional label. */
function quantiles(metric, selector, by = '', qs = [0.5, 0.9, 0.99]) {
  const byLabels = by ? `${by}, le` : 'le';
  return qs.map((q) =>
    target(`histogram_quantile(${q}, sum by (${byLabels}) (rate(${metric}_bucket{${selector}}[${RI}])))`, by ? `p${q * 100} {{${by}}}` : `p${q * 100}`),
  );
}

// ---- layout and dashboard envelope ------------------------------------------------------------

/** Places panels left to right on a 24-column grid; rows start a new line. */
function layout(items) {
  const panels = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let id = 1;
  for (const item of items) {
    if (item.type === 'row') {
      if (x > 0) y += rowHeight;
      panels.push({ type: 'row', title: item.title, id: id++, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
      y += 1;
      x = 0;
      rowHeight = 0;
      continue;
    }
    const { w, h, targets, ...rest } = item;
    if (x + w > 24) {
      y += rowHeight;
      x = 0;
      rowHeight = 0;
    }
    panels.push({
      ...rest,
      id: id++,
      datasource: DS,
      gridPos: { h, w, x, y },
      targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), datasource: DS, range: !t.instant, ...t })),
    });
    x += w;
    rowHeight = Math.max(rowHeight, h);
  }
  return panels;
}

const datasourceVar = {
  type: 'datasource',
  name: 'datasource',
  label: 'Data source',
  query: 'prometheus',
  current: {},
  hide: 0,
  refresh: 1,
  regex: '',
  options: [],
};

function queryVar(name, label, query, { multi = true, includeAll = true } = {}) {
  return {
    type: 'query',
    name,
    label,
    datasource: DS,
    definition: query,
    query: { query, refId: `${name}-variable` },
    refresh: 2,
    sort: 1,
    multi,
    includeAll,
    allValue: '.*',
    current: {},
    hide: 0,
    regex: '',
    options: [],
  };
}

const namespaceVar = queryVar('namespace', 'Namespace', 'label_values(redstep_api_requests_total, namespace)');

function dashboard({ uid, title, description, variables, items }) {
  return {
    uid,
    title,
    description,
    tags: ['redstep'],
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    fiscalYearStartMonth: 0,
    liveNow: false,
    weekStart: '',
    links: [{ type: 'dashboards', title: 'RedStep', tags: ['redstep'], asDropdown: true, includeVars: true, keepTime: true, icon: 'external link', targetBlank: false, tooltip: '', url: '' }],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: [datasourceVar, ...variables] },
    panels: layout(items),
  };
}

// ---- dashboards -------------------------------------------------------------------------------

const EXEC_OUTCOMES = [
  ['started', 'redstep_executions_started_total'],
  ['succeeded', 'redstep_executions_succeeded_total'],
  ['failed', 'redstep_executions_failed_total'],
  ['aborted', 'redstep_executions_aborted_total'],
  ['timed out', 'redstep_executions_timed_out_total'],
];

function overview() {
  const sel = NS;
  return dashboard({
    uid: 'redstep-overview',
    title: 'RedStep / Overview',
    description: 'Executions, API traffic and fleet health of one RedStep installation.',
    variables: [namespaceVar],
    items: [
      row('Executions'),
      stat('Executions started / s', `sum(rate(redstep_executions_started_total{${sel}}[${RI}]))`, { unit: 'reqps', decimals: 2 }),
      stat(
        'Success ratio (range)',
        `sum(increase(redstep_executions_succeeded_total{${sel}}[$__range])) / sum(increase({__name__=~"redstep_executions_(succeeded|failed|aborted|timed_out)_total", ${sel}}[$__range]))`,
        {
          unit: 'percentunit',
          decimals: 2,
          description: 'Succeeded among executions that finished in the time range.',
          thresholds: { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'orange', value: 0.9 }, { color: 'green', value: 0.99 }] },
        },
      ),
      stat('State transitions / s', `sum(rate(redstep_state_transitions_total{${sel}}[${RI}]))`, { unit: 'reqps', decimals: 1 }),
      stat('Steps waiting', queueTotal(`${sel}, state="waiting"`), { description: 'Jobs waiting for a worker, all queues and shards.' }),
      stat('Oldest waiting job', `max(redstep_queue_oldest_waiting_seconds{${sel}})`, {
        description: 'The oldest job waiting in any shard.',
        unit: 's',
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 10 }, { color: 'red', value: 60 }] },
      }),
      stat('Worker saturation', `sum(redstep_worker_jobs_in_flight{${sel}}) / sum(redstep_worker_concurrency{${sel}})`, {
        unit: 'percentunit',
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 0.75 }, { color: 'red', value: 0.95 }] },
      }),
      timeseries(
        'Executions / s',
        [
          ...EXEC_OUTCOMES.map(([name, m]) => target(`sum(rate(${m}{${sel}}[${RI}]))`, name)),
          target(`sum(rate(redstep_executions_throttled_total{${sel}}[${RI}]))`, 'throttled'),
        ],
        { unit: 'reqps' },
      ),
      timeseries('Execution time', quantiles('redstep_execution_time_seconds', sel), { unit: 's', description: 'Start to end of finished executions.' }),
      timeseries('State transitions / s by state type', [target(`sum by (state_type) (rate(redstep_state_transitions_total{${sel}}[${RI}]))`, '{{state_type}}')], {
        unit: 'reqps',
        stack: true,
      }),
      timeseries(
        'Executions / s by type',
        [target(`sum by (type) (rate(redstep_executions_started_total{${sel}}[${RI}]))`, '{{type}}')],
        { unit: 'reqps', stack: true },
      ),
      row('API'),
      timeseries('Requests / s by action', [target(`sum by (action) (rate(redstep_api_requests_total{${sel}}[${RI}]))`, '{{action}}')], { unit: 'reqps', stack: true }),
      timeseries(
        'Errors / s by error code',
        [target(`sum by (error_code) (rate(redstep_api_requests_total{${sel}, error_code!="none"}[${RI}]))`, '{{error_code}}')],
        { unit: 'reqps', stack: true },
      ),
      timeseries(
        'Latency p99 by action (long polls excluded)',
        [
          target(
            `histogram_quantile(0.99, sum by (action, le) (rate(redstep_api_request_duration_seconds_bucket{${sel}, action!="GetActivityTask"}[${RI}])))`,
            '{{action}}',
          ),
        ],
        { unit: 's' },
      ),
      timeseries('Requests in flight', [target(`sum by (action) (redstep_api_requests_in_flight{${sel}})`, '{{action}}')], { stack: true }),
      row('Fleet'),
      timeseries(
        'Processes up',
        [target(`sum by (job) (up{${sel}, job=~"redstep-api|redstep-worker"})`, '{{job}}')],
        { description: 'Scraped targets that answered, by Service.', min: 0 },
      ),
      timeseries('CPU by pod', [target(`sum by (pod) (rate(process_cpu_seconds_total{${sel}, job=~"redstep-api|redstep-worker"}[${RI}]))`, '{{pod}}')], {
        unit: 'percentunit',
      }),
      timeseries('Resident memory by pod', [target(`max by (pod) (process_resident_memory_bytes{${sel}, job=~"redstep-api|redstep-worker"})`, '{{pod}}')], {
        unit: 'bytes',
      }),
      timeseries('Event loop lag p99 by pod', [target(`max by (pod) (nodejs_eventloop_lag_p99_seconds{${sel}, job=~"redstep-api|redstep-worker"})`, '{{pod}}')], {
        unit: 's',
      }),
    ],
  });
}

function stateMachine() {
  const sel = `${NS}, state_machine=~"$state_machine"`;
  const byName = (m) => target(`sum by (state_machine) (rate(${m}{${sel}}[${RI}]))`, '{{state_machine}}');
  return dashboard({
    uid: 'redstep-state-machine',
    title: 'RedStep / State machines',
    description: 'Executions, durations, transitions, express and Map runs per state machine.',
    variables: [namespaceVar, queryVar('state_machine', 'State machine', `label_values(redstep_executions_started_total{${NS}}, state_machine)`)],
    items: [
      row('Executions'),
      timeseries('Started / s', [byName('redstep_executions_started_total')], { unit: 'reqps' }),
      timeseries('Succeeded / s', [byName('redstep_executions_succeeded_total')], { unit: 'reqps' }),
      timeseries('Failed / s', [byName('redstep_executions_failed_total')], { unit: 'reqps', w: 6 }),
      timeseries('Timed out / s', [byName('redstep_executions_timed_out_total')], { unit: 'reqps', w: 6 }),
      timeseries('Aborted / s', [byName('redstep_executions_aborted_total')], { unit: 'reqps', w: 6 }),
      timeseries('Throttled / s', [byName('redstep_executions_throttled_total')], { unit: 'reqps', w: 6 }),
      timeseries(
        'Failure ratio',
        [
          target(
            `sum by (state_machine) (rate({__name__=~"redstep_executions_(failed|timed_out)_total", ${sel}}[${RI}])) / sum by (state_machine) (rate({__name__=~"redstep_executions_(succeeded|failed|aborted|timed_out)_total", ${sel}}[${RI}]))`,
            '{{state_machine}}',
          ),
        ],
        { unit: 'percentunit', description: 'FAILED and TIMED_OUT among finished executions.', min: 0 },
      ),
      timeseries('Execution time p99', quantiles('redstep_execution_time_seconds', sel, 'state_machine', [0.99]), { unit: 's' }),
      timeseries('Execution time p50', quantiles('redstep_execution_time_seconds', sel, 'state_machine', [0.5]), { unit: 's' }),
      heatmap('Execution time distribution', 'redstep_execution_time_seconds_bucket', sel),
      row('Transitions'),
      timeseries('State transitions / s by state machine', [byName('redstep_state_transitions_total')], { unit: 'reqps', stack: true }),
      timeseries(
        'State transitions / s by state type',
        [target(`sum by (state_type) (rate(redstep_state_transitions_total{${sel}}[${RI}]))`, '{{state_type}}')],
        { unit: 'reqps', stack: true },
      ),
      row('Express and Map'),
      timeseries(
        'Express executions / s by status',
        [target(`sum by (state_machine, status) (rate(redstep_express_executions_total{${sel}}[${RI}]))`, '{{state_machine}} {{status}}')],
        { unit: 'reqps', w: 8 },
      ),
      timeseries(
        'Map runs / s',
        [
          target(`sum by (mode) (rate(redstep_map_runs_started_total{${sel}}[${RI}]))`, 'started {{mode}}'),
          target(`sum by (mode, status) (rate(redstep_map_runs_completed_total{${sel}}[${RI}]))`, '{{status}} {{mode}}'),
        ],
        { unit: 'reqps', w: 8 },
      ),
      timeseries('Map iterations / s', [target(`sum by (state_machine, mode) (rate(redstep_map_iterations_total{${sel}}[${RI}]))`, '{{state_machine}} {{mode}}')], {
        unit: 'reqps',
        w: 8,
      }),
    ],
  });
}

function activitiesAndWorkers() {
  const sel = `${NS}, activity=~"$activity"`;
  const byAct = (m) => target(`sum by (activity) (rate(${m}{${sel}}[${RI}]))`, '{{activity}}');
  const pods = `${NS}, job="redstep-worker"`;
  return dashboard({
    uid: 'redstep-activities-workers',
    title: 'RedStep / Activities and workers',
    description: 'Activity tasks (CloudWatch activity metrics) and the BullMQ worker fleet.',
    variables: [namespaceVar, queryVar('activity', 'Activity', `label_values(redstep_activities_scheduled_total{${NS}}, activity)`)],
    items: [
      row('Activities'),
      timeseries('Scheduled / s', [byAct('redstep_activities_scheduled_total')], { unit: 'reqps', w: 8 }),
      timeseries('Started / s', [byAct('redstep_activities_started_total')], { unit: 'reqps', w: 8 }),
      timeseries('Succeeded / s', [byAct('redstep_activities_succeeded_total')], { unit: 'reqps', w: 8 }),
      timeseries('Failed / s', [byAct('redstep_activities_failed_total')], { unit: 'reqps', w: 8 }),
      timeseries('Timed out / s', [byAct('redstep_activities_timed_out_total')], { unit: 'reqps', w: 8 }),
      timeseries('Heartbeat timed out / s', [byAct('redstep_activities_heartbeat_timed_out_total')], { unit: 'reqps', w: 8 }),
      timeseries('Schedule time p50 / p99', quantiles('redstep_activity_schedule_time_seconds', sel, 'activity', [0.5, 0.99]), {
        unit: 's',
        w: 8,
        description: 'Scheduled until a worker took the task with GetActivityTask.',
      }),
      timeseries('Run time p50 / p99', quantiles('redstep_activity_run_time_seconds', sel, 'activity', [0.5, 0.99]), {
        unit: 's',
        w: 8,
        description: 'Taken until closed.',
      }),
      timeseries('Activity time p99', quantiles('redstep_activity_time_seconds', sel, 'activity', [0.99]), { unit: 's', w: 8, description: 'Scheduled until closed.' }),
      timeseries('Tasks waiting', [target(`max by (activity) (redstep_activity_tasks_waiting{${sel}})`, '{{activity}}')], { w: 12 }),
      timeseries('Pollers connected', [target(`sum by (activity) (redstep_activity_pollers{${sel}})`, '{{activity}}')], {
        w: 12,
        description: 'GetActivityTask long polls held open by the api pods.',
      }),
      row('Workers'),
      stat('Workers up', `sum(up{${pods}})`),
      stat('Jobs in flight', `sum(redstep_worker_jobs_in_flight{${NS}})`),
      stat('Concurrency', `sum(redstep_worker_concurrency{${NS}})`),
      stat('Jobs / s', `sum(rate(redstep_worker_jobs_total{${NS}}[${RI}]))`, { unit: 'reqps', decimals: 1 }),
      stat('Fenced replays / s', `sum(rate(redstep_worker_jobs_total{${NS}, outcome="fenced"}[${RI}]))`, {
        unit: 'reqps',
        decimals: 2,
        description: 'Jobs that found the execution sequence moved and wrote nothing (stalled-job retries).',
      }),
      stat('Failed jobs / s', `sum(rate(redstep_worker_jobs_total{${NS}, outcome="failed"}[${RI}]))`, { unit: 'reqps', decimals: 2 }),
      timeseries('Jobs / s by outcome', [target(`sum by (outcome) (rate(redstep_worker_jobs_total{${NS}}[${RI}]))`, '{{outcome}}')], { unit: 'reqps', stack: true }),
      timeseries('Job duration', quantiles('redstep_worker_job_duration_seconds', NS), { unit: 's' }),
      timeseries(
        'In flight and concurrency by pod',
        [
          target(`sum by (pod) (redstep_worker_jobs_in_flight{${NS}})`, 'in flight {{pod}}'),
          target(`sum by (pod) (redstep_worker_concurrency{${NS}})`, 'concurrency {{pod}}'),
        ],
        { w: 12 },
      ),
      timeseries('CPU by worker pod', [target(`sum by (pod) (rate(process_cpu_seconds_total{${pods}}[${RI}]))`, '{{pod}}')], { unit: 'percentunit' }),
      timeseries('Heap used by worker pod', [target(`max by (pod) (nodejs_heap_size_used_bytes{${pods}})`, '{{pod}}')], { unit: 'bytes' }),
      timeseries('GC time / s by worker pod', [target(`sum by (pod) (rate(nodejs_gc_duration_seconds_sum{${pods}}[${RI}]))`, '{{pod}}')], { unit: 'percentunit' }),
    ],
  });
}

function redisAndQueues() {
  const q = `${NS}, queue=~"$queue"`;
  const redis = `${NS}, job="redstep-redis"`;
  return dashboard({
    uid: 'redstep-redis-queues',
    title: 'RedStep / Redis and queues',
    description: 'BullMQ queues and the Redis that holds all RedStep state.',
    variables: [namespaceVar, queryVar('queue', 'Queue', `label_values(redstep_queue_depth{${NS}}, queue)`)],
    items: [
      row('Queues'),
      stat('Waiting', queueTotal(`${q}, state="waiting"`), { description: 'Jobs waiting for a worker, all shards.' }),
      stat('Active', queueTotal(`${q}, state="active"`), { description: 'Jobs a worker is running, all shards.' }),
      stat('Delayed', queueTotal(`${q}, state="delayed"`), { description: 'Timers: Wait states, retry backoff, timeouts, all shards.' }),
      stat('Failed', queueTotal(`${q}, state="failed"`), {
        description: 'Jobs that exhausted their attempts, all shards.',
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 1 }] },
      }),
      stat('Oldest waiting job', `max(redstep_queue_oldest_waiting_seconds{${q}})`, {
        unit: 's',
        description: 'The oldest job waiting in any shard.',
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 10 }, { color: 'red', value: 60 }] },
      }),
      stat('Shards', `count(max by (namespace, queue, shard) (redstep_queue_depth{${q}, state="waiting"}))`, {
        description: 'Shard queues reported (REDSTEP_SHARDS for each queue and namespace).',
      }),
      timeseries('Jobs by state', [target(queueTotal(q, 'queue, state'), '{{queue}} {{state}}')], {
        description: 'All shards: max per shard (every pod reports the same values), then the sum over shards.',
      }),
      timeseries('Waiting jobs by shard', [target(`max by (queue, shard) (redstep_queue_depth{${q}, state="waiting"})`, '{{queue}} shard {{shard}}')], {
        description: 'Stacked: the top line is the whole backlog. One shard far above the others is a hot or stuck shard.',
        stack: true,
      }),
      timeseries('Active jobs by shard', [target(`max by (queue, shard) (redstep_queue_depth{${q}, state="active"})`, '{{queue}} shard {{shard}}')], {
        stack: true,
      }),
      timeseries('Oldest waiting job by shard', [target(`max by (queue, shard) (redstep_queue_oldest_waiting_seconds{${q}})`, '{{queue}} shard {{shard}}')], {
        unit: 's',
        description: 'A shard whose oldest job keeps ageing while others stay low: its Redis node (cluster master) may be down.',
      }),
      timeseries('Jobs finished / s', [target(`sum by (queue, outcome) (rate(redstep_worker_jobs_total{${q}}[${RI}]))`, '{{queue}} {{outcome}}')], { unit: 'reqps' }),
      timeseries(
        'Worker saturation',
        [target(`sum by (queue) (redstep_worker_jobs_in_flight{${q}}) / sum by (queue) (redstep_worker_concurrency{${q}})`, '{{queue}}')],
        { unit: 'percentunit', min: 0 },
      ),
      row('Redis as RedStep sees it'),
      timeseries(
        'Command latency p99',
        [target(`histogram_quantile(0.99, sum by (command, le) (rate(redstep_redis_command_duration_seconds_bucket{${NS}}[${RI}])))`, '{{command}}')],
        { unit: 's' },
      ),
      timeseries('Commands / s', [target(`sum by (command) (rate(redstep_redis_command_duration_seconds_count{${NS}}[${RI}]))`, '{{command}}')], {
        unit: 'reqps',
        stack: true,
      }),
      timeseries('Command errors / s', [target(`sum by (command) (rate(redstep_redis_command_errors_total{${NS}}[${RI}]))`, '{{command}}')], { unit: 'reqps' }),
      timeseries('Command latency p50', [target(`histogram_quantile(0.5, sum by (command, le) (rate(redstep_redis_command_duration_seconds_bucket{${NS}}[${RI}])))`, '{{command}}')], {
        unit: 's',
      }),
      row('Redis server (redis_exporter)'),
      stat('Redis up', `min(redis_up{${redis}})`, {
        thresholds: { mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'green', value: 1 }] },
      }),
      stat('Memory used of maxmemory', `max(redis_memory_used_bytes{${redis}} / (redis_memory_max_bytes{${redis}} > 0))`, {
        description: 'The fullest Redis node (cluster and Sentinel installs run several).',
        unit: 'percentunit',
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 0.7 }, { color: 'red', value: 0.85 }] },
      }),
      stat('Connected clients', `sum(redis_connected_clients{${redis}})`),
      timeseries('Memory', [target(`max by (pod) (redis_memory_used_bytes{${redis}})`, 'used {{pod}}'), target(`max by (pod) (redis_memory_max_bytes{${redis}})`, 'maxmemory {{pod}}')], {
        unit: 'bytes',
      }),
      timeseries('Server commands / s', [target(`sum by (pod) (rate(redis_commands_processed_total{${redis}}[${RI}]))`, '{{pod}}')], { unit: 'reqps' }),
      timeseries('Replicas connected', [target(`max by (pod) (redis_connected_slaves{${redis}})`, '{{pod}}')], {
        description: 'Replicas attached to each node: a master (cluster or Sentinel) at 0 has no copy of its writes.',
        min: 0,
      }),
    ],
  });
}

export function buildDashboards() {
  return {
    'redstep-overview.json': overview(),
    'redstep-state-machine.json': stateMachine(),
    'redstep-activities-workers.json': activitiesAndWorkers(),
    'redstep-redis-queues.json': redisAndQueues(),
  };
}

export const render = (dash) => `${JSON.stringify(dash, null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [file, dash] of Object.entries(buildDashboards())) {
    writeFileSync(new URL(`./dashboards/${file}`, import.meta.url), render(dash));
    console.log(`wrote deploy/grafana/dashboards/${file}`);
  }
}
