import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { analysePromql, checkExpression, codeIsSharded, expandNameRegex, loadContract, read, stripGrafanaVariables, walk, yamlDocs } from './support.js';

const contract = loadContract();

interface Dashboard {
  uid: string;
  templating: { list: { type: string; name: string; query: unknown; definition?: string }[] };
  panels: { title: string; type: string; targets?: { expr: string }[] }[];
}
const dashboards = walk('deploy/grafana/dashboards', (p) => p.endsWith('.json')).map((file) => ({ file, dash: JSON.parse(read(file)) as Dashboard }));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const ruleFile = yamlDocs('deploy/prometheus/rules.yaml')[0] as { spec: { groups: { name: string; rules: Rule[] }[] } };
const rules = ruleFile.spec.groups.flatMap((g) => g.rules);

const scaledObjects = walk('deploy/kubernetes', (p) => /\.ya?ml$/.test(p))
  .flatMap((f) => yamlDocs(f) as { kind?: string; spec?: { triggers?: { type: string; metadata: Record<string, string> }[] } }[])
  .filter((o) => o.kind === 'ScaledObject');

/** All PromQL the deployment reads, with where it comes from. */
function allExpressions(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const { file, dash } of dashboards) {
    for (const panel of dash.panels) for (const t of panel.targets ?? []) out.push({ where: `${file} / ${panel.title}`, expr: t.expr });
  }
  for (const r of rules) out.push({ where: `rules.yaml / ${r.alert ?? r.record}`, expr: r.expr });
  for (const so of scaledObjects) for (const t of so.spec?.triggers ?? []) if (t.type === 'prometheus') out.push({ where: 'ScaledObject', expr: t.metadata.query! });
  return out;
}

describe('metrics contract (deploy/METRICS.md)', () => {
  it('lists the Step Functions and service metrics with types and labels', () => {
    expect(contract.size).toBeGreaterThan(40);
    for (const name of [
      'redstep_executions_started_total',
      'redstep_executions_throttled_total',
      'redstep_execution_time_seconds',
      'redstep_activities_heartbeat_timed_out_total',
      'redstep_activity_schedule_time_seconds',
      'redstep_api_requests_total',
      'redstep_queue_depth',
      'redstep_queue_oldest_waiting_seconds',
      'redstep_worker_jobs_in_flight',
      'redstep_redis_command_duration_seconds',
      'process_cpu_seconds_total',
    ]) {
      expect(contract.has(name), name).toBe(true);
    }
  });

  it('follows Prometheus naming: counters end in _total, histograms carry a unit, no gauge ends in _total', () => {
    for (const m of contract.values()) {
      if (m.type === 'counter') expect(m.name, m.name).toMatch(/_total$/);
      if (m.type === 'gauge') expect(m.name, m.name).not.toMatch(/_total$/);
      if (m.type === 'histogram') expect(m.name, m.name).toMatch(/_(seconds|bytes)$/);
    }
  });

  it('keeps labels bounded: no ARN, execution, token, job id or key labels', () => {
    for (const m of contract.values()) {
      for (const l of m.labels) expect(l, `${m.name}{${l}}`).not.toMatch(/arn|execution|token|job_id|key|request_id|name$/);
    }
    expect(contract.get('redstep_api_requests_total')!.labels).toEqual(['action', 'error_code']);
    expect(contract.get('redstep_queue_depth')!.labels).toEqual(['queue', 'shard', 'state']);
    expect(contract.get('redstep_queue_oldest_waiting_seconds')!.labels).toEqual(['queue', 'shard']);
  });

  it('states the worker metrics port and health endpoints', () => {
    const doc = read('deploy/METRICS.md');
    expect(doc).toMatch(/METRICS_PORT.*9464/);
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(doc).toContain(path);
  });
});

describe('PromQL reader', () => {
  it('finds metrics, labels and grouping labels', () => {
    const use = analysePromql(
      'histogram_quantile(0.99, sum by (action, le) (rate(redstep_api_request_duration_seconds_bucket{namespace=~"$namespace", action!="GetActivityTask"}[$__rate_interval])))',
    );
    expect(use.metrics).toEqual(['redstep_api_request_duration_seconds_bucket']);
    expect(use.selectors[0]!.labels).toEqual(['namespace', 'action']);
    expect(use.groupingLabels).toEqual(['action', 'le']);
  });

  it('reads bare metric names, binary operators and __name__ regexes', () => {
    expect(analysePromql('sum(up) / count(process_start_time_seconds) > bool 0').metrics).toEqual(['up', 'process_start_time_seconds']);
    const use = analysePromql('sum(rate({__name__=~"redstep_executions_(failed|timed_out)_total", namespace="a"}[5m]))');
    expect(use.selectors[0]!.nameRegex).toBe('redstep_executions_(failed|timed_out)_total');
    expect(expandNameRegex(use.selectors[0]!.nameRegex!)).toEqual(['redstep_executions_failed_total', 'redstep_executions_timed_out_total']);
  });

  it('reports unknown metrics, wrong labels, histograms without suffix and foreign grouping labels', () => {
    expect(checkExpression(contract, 'rate(redstep_nope_total[5m])')).toHaveLength(1);
    expect(checkExpression(contract, 'rate(redstep_api_requests_total{execution_arn="x"}[5m])')[0]).toMatch(/execution_arn/);
    expect(checkExpression(contract, 'redstep_execution_time_seconds')).toHaveLength(1);
    expect(checkExpression(contract, 'sum by (state_machine) (rate(redstep_worker_jobs_total[5m]))')[0]).toMatch(/state_machine/);
    expect(checkExpression(contract, 'sum by (queue) (redstep_queue_depth{state="waiting"})')).toEqual([]);
  });

  it('replaces Grafana variables', () => {
    expect(stripGrafanaVariables('rate(x{a=~"$ns", b="${v}"}[$__rate_interval])')).toBe('rate(x{a=~"x", b="x"}[5m])');
  });
});

describe('dashboards, alerts and scalers read only contract metrics', () => {
  it('has expressions to check', () => {
    expect(dashboards.length).toBe(4);
    expect(rules.length).toBeGreaterThanOrEqual(4);
    expect(scaledObjects.length).toBe(1);
  });

  for (const { where, expr } of allExpressions()) {
    it(where, () => {
      expect(checkExpression(contract, expr)).toEqual([]);
    });
  }

  // Every pod reports every shard's queue: max per shard removes the copies, sum adds the shards.
  // A bare max reads one shard, a bare sum counts each shard once per pod.
  it('aggregate the queue gauges per shard: max by (..., shard) first, never a sum of raw series', () => {
    let depthReads = 0;
    for (const { where, expr } of allExpressions()) {
      const flat = expr.replace(/\s+/g, ' ');
      const depth = [...flat.matchAll(/redstep_queue_depth\b/g)].length;
      const wrapped = [...flat.matchAll(/max by \(([^()]*)\) \(redstep_queue_depth\b/g)];
      expect(wrapped.length, `${where}: ${expr}`).toBe(depth);
      for (const m of wrapped) expect(m[1]!.split(',').map((l) => l.trim()), `${where}: ${expr}`).toContain('shard');
      depthReads += depth;
      const oldest = [...flat.matchAll(/redstep_queue_oldest_waiting_seconds\b/g)].length;
      const maxed = [...flat.matchAll(/max(?: by \([^()]*\) )?\(redstep_queue_oldest_waiting_seconds\b/g)].length;
      expect(maxed, `${where}: ${expr}`).toBe(oldest);
    }
    expect(depthReads).toBeGreaterThanOrEqual(5);
  });

  it('the KEDA backlog trigger adds up the waiting jobs of every shard', () => {
    const backlog = scaledObjects[0]!.spec!.triggers!.find((t) => t.metadata.query!.includes('redstep_queue_depth'))!;
    expect(backlog.metadata.query).toBe('sum(max by (shard) (redstep_queue_depth{namespace="redstep", queue="steps", state="waiting"}))');
    expect(scaledObjects[0]!.spec!.triggers!.map((t) => t.metadata.query).some((q) => q!.includes('redstep_worker_jobs_in_flight'))).toBe(true);
  });

  it('template variables query contract metrics', () => {
    for (const { file, dash } of dashboards) {
      for (const v of dash.templating.list.filter((t) => t.type === 'query')) {
        const q = typeof v.query === 'string' ? v.query : (v.query as { query: string }).query;
        const m = /^label_values\((.+),\s*([a-z_]+)\)$/.exec(q);
        expect(m, `${file} $${v.name}: ${q}`).not.toBeNull();
        expect(checkExpression(contract, `count by (${m![2]}) (${m![1]})`), `${file} $${v.name}`).toEqual([]);
      }
    }
  });
});

describe('alert rules (deploy/prometheus/rules.yaml)', () => {
  it('covers failure rate, queue backlog, activity timeouts and a fleet without workers', () => {
    const names = rules.map((r) => r.alert);
    for (const a of ['RedStepExecutionFailureRateHigh', 'RedStepQueueBacklog', 'RedStepActivityTimeouts', 'RedStepNoWorkerConsuming']) expect(names).toContain(a);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every alert a duration, a severity and a summary', () => {
    for (const r of rules) {
      expect(r.alert, r.expr).toMatch(/^RedStep[A-Za-z]+$/);
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(['info', 'warning', 'critical'], r.alert).toContain(r.labels?.severity);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      expect(r.annotations?.description, r.alert).toBeTruthy();
    }
  });

  // promtool ships in Debian's prometheus package; the check runs where it is installed.
  const promtool = (() => {
    try {
      execFileSync('promtool', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!promtool)('passes promtool check rules, and every dashboard query parses', () => {
    const dir = mkdtempSync(join(tmpdir(), 'redstep-rules-'));
    writeFileSync(join(dir, 'rules.yaml'), stringify(ruleFile.spec));
    execFileSync('promtool', ['check', 'rules', join(dir, 'rules.yaml')], { stdio: 'pipe' });
    const recording = {
      groups: [
        {
          name: 'dashboards',
          rules: allExpressions().map(({ expr }, i) => ({ record: `redstep:dashboard_query_${i}`, expr: stripGrafanaVariables(expr) })),
        },
      ],
    };
    writeFileSync(join(dir, 'queries.yaml'), stringify(recording));
    execFileSync('promtool', ['check', 'rules', join(dir, 'queries.yaml')], { stdio: 'pipe' });
  });
});

describe('the code registers the contract', () => {
  // Runs once packages/store exports metrics() (the prom-client registry of every process).
  it('registers every contract metric with its type and labels, and nothing else under redstep_', async () => {
    const store = (await import('@redstep/store')) as Record<string, unknown>;
    if (typeof store.metrics !== 'function') return;
    (store.metrics as () => unknown)();
    const { register } = await import('prom-client');
    const registered = new Map<string, { type: string; labels: string[] }>();
    for (const m of register.getMetricsAsArray() as unknown as { name: string; labelNames?: string[]; constructor: { name: string } }[]) {
      registered.set(m.name, { type: m.constructor.name.toLowerCase(), labels: [...(m.labelNames ?? [])] });
    }
    expect(registered.size).toBeGreaterThan(30);
    for (const spec of contract.values()) {
      if (!spec.name.startsWith('redstep_') && !spec.name.startsWith('process_') && !spec.name.startsWith('nodejs_')) continue;
      const got = registered.get(spec.name);
      expect(got, `${spec.name} is not registered`).toBeDefined();
      expect(got!.type, spec.name).toBe(spec.type);
      // The shard label arrives with the sharded queues (support.ts, codeIsSharded).
      const labels = !codeIsSharded() && !got!.labels.includes('shard') ? spec.labels.filter((l) => l !== 'shard') : spec.labels;
      if (spec.name.startsWith('redstep_')) expect([...got!.labels].sort(), spec.name).toEqual([...labels].sort());
    }
    for (const name of registered.keys()) if (name.startsWith('redstep_')) expect(contract.has(name), `${name} is registered but not in METRICS.md`).toBe(true);
  });
});
