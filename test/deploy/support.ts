import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEPLOY = join(ROOT, 'deploy');

export const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Files under a folder (repo-relative), recursively. */
export function walk(dir: string, filter: (path: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const visit = (abs: string) => {
    for (const name of readdirSync(abs)) {
      const p = join(abs, name);
      if (statSync(p).isDirectory()) visit(p);
      else if (filter(p)) out.push(relative(ROOT, p));
    }
  };
  visit(join(ROOT, dir));
  return out.sort();
}

/** Every YAML document of a file, parsed; throws on a syntax error. */
export function yamlDocs(path: string): unknown[] {
  const docs = parseAllDocuments(read(path));
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

// ---- what the product code reads ------------------------------------------------------------

const SOURCE_DIRS = ['packages/store/src', 'packages/core/src', 'apps/api/src', 'apps/worker/src', 'apps/standalone/src'];
let sources: string | undefined;

/** The product's TypeScript sources (tests excluded), concatenated. */
function productSources(): string {
  sources ??= SOURCE_DIRS.flatMap((d) => {
    try {
      return walk(d, (p) => p.endsWith('.ts') && !/\.test(-support)?\.ts$/.test(p) && !p.endsWith('.d.ts'));
    } catch {
      return [];
    }
  })
    .map(read)
    .join('\n');
  return sources;
}

/** True when the product code reads the environment variable (`env.NAME`, `env['NAME']` or a `'NAME'` literal). */
export function codeReadsEnv(name: string): boolean {
  const src = productSources();
  return src.includes(`env.${name}`) || new RegExp(`['"\`]${name}['"\`]`).test(src);
}

/**
 * Redis Cluster / Sentinel support and sharded queues are built in parallel with these
 * manifests (REDIS_MODE, REDIS_URL lists, REDIS_SENTINEL_NAME, REDSTEP_SHARDS, the `shard`
 * label). Until the product reads REDSTEP_SHARDS, the checks that compare the deployment with
 * the code let those pieces through; from then on they are held to the contract like the rest.
 */
export const SHARDING_VARIABLES = ['REDIS_MODE', 'REDIS_SENTINEL_NAME', 'REDSTEP_SHARDS'];
export const codeIsSharded = (): boolean => codeReadsEnv('REDSTEP_SHARDS');

// ---- the metrics contract (deploy/METRICS.md) ---------------------------------------------------

export type MetricType = 'counter' | 'gauge' | 'histogram';
export interface MetricSpec {
  name: string;
  type: MetricType;
  labels: string[];
}

/** Labels every scraped series may carry, added by Prometheus and the Prometheus Operator. */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'container', 'service', 'endpoint'];

/** Rows of every table in METRICS.md whose first cell is a backticked metric name. */
export function loadContract(): Map<string, MetricSpec> {
  const contract = new Map<string, MetricSpec>();
  for (const line of read('deploy/METRICS.md').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | `name` | type | labels | emitted by | meaning |
    if (cells.length < 6 || !/^`[a-z_:][a-z0-9_:]*`$/.test(cells[1]!)) continue;
    const type = cells[2] as MetricType;
    if (!['counter', 'gauge', 'histogram'].includes(type)) continue;
    const name = cells[1]!.slice(1, -1);
    if (contract.has(name)) throw new Error(`METRICS.md lists ${name} twice`);
    const labels = [...cells[3]!.matchAll(/`([a-z_][a-z0-9_]*)`/g)].map((m) => m[1]!);
    contract.set(name, { name, type, labels });
  }
  return contract;
}

// ---- PromQL: which metrics and labels an expression reads ---------------------------------------

export interface PromqlUse {
  /** Metric names as written (histogram series keep their _bucket/_sum/_count suffix). */
  metrics: string[];
  /** Label names per selector, keyed by the metric name written before the braces (or __name__ regex). */
  selectors: { metric: string | null; nameRegex: string | null; labels: string[] }[];
  /** Label names in by/without/on/ignoring/group_left/group_right clauses. */
  groupingLabels: string[];
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan', 'atan2', 'le']);

/** Replaces Grafana's template variables so the text is plain PromQL. */
export function stripGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$\{[a-zA-Z_][a-zA-Z0-9_]*(:[a-z]+)?\}/g, 'x')
    .replace(/\$[a-zA-Z_][a-zA-Z0-9_]*/g, 'x');
}

/**
 * Extracts metric and label names from a PromQL expression. Not a full parser: it handles the
 * constructs the dashboards, rules and scalers use (selectors, __name__ regexes, aggregation
 * clauses, functions, ranges, strings, numbers) and refuses what it does not know.
 */
export function analysePromql(input: string): PromqlUse {
  let expr = stripGrafanaVariables(input);
  const selectors: PromqlUse['selectors'] = [];
  const groupingLabels: string[] = [];

  // Selectors: optional metric name, then {matchers}. Strings inside are kept for __name__.
  expr = expr.replace(/([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^{}]*)\}/g, (_m, metric: string | undefined, body: string) => {
    const labels: string[] = [];
    let nameRegex: string | null = null;
    for (const matcher of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
      if (matcher[1] === '__name__') {
        if (matcher[2] === '=~') nameRegex = matcher[3]!;
        else if (matcher[2] === '=') nameRegex = matcher[3]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        else throw new Error(`unsupported __name__ matcher in ${input}`);
      } else labels.push(matcher[1]!);
    }
    const leftover = body.replace(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g, '').replace(/[\s,]/g, '');
    if (leftover) throw new Error(`cannot read matchers '${body}' in ${input}`);
    selectors.push({ metric: metric ?? null, nameRegex, labels });
    return metric ? ` ${metric} ` : ' ';
  });
  // Strings left are function arguments (label_replace etc.): drop them.
  expr = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ');
  // Ranges and subqueries.
  expr = expr.replace(/\[[^\]]*\]/g, ' ');
  // Grouping clauses.
  expr = expr.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)/g, (_m, _kw, list: string) => {
    for (const l of list.split(',').map((s) => s.trim()).filter(Boolean)) groupingLabels.push(l);
    return ' ';
  });
  // offset durations
  expr = expr.replace(/\boffset\s+-?\d+[smhdwy]+/g, ' ');

  const metrics: string[] = selectors.filter((s) => s.metric).map((s) => s.metric!);
  for (const m of expr.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, word, call] = m;
    if (call || KEYWORDS.has(word!.toLowerCase())) continue;
    if (!metrics.includes(word!)) metrics.push(word!);
  }
  return { metrics, selectors, groupingLabels };
}

/** Expands a __name__ regex of the form a(b|c)d into its literal alternatives. */
export function expandNameRegex(regex: string): string[] {
  const m = /^([a-z0-9_:]*)\(([a-z0-9_:|]+)\)([a-z0-9_:]*)$/.exec(regex);
  if (m) return m[2]!.split('|').map((alt) => `${m[1]}${alt}${m[3]}`);
  if (/^[a-z0-9_:]+$/.test(regex)) return [regex];
  throw new Error(`__name__ regex '${regex}' is not of the form prefix(a|b)suffix`);
}

/** Resolves a series name to its contract entry: histogram _bucket/_sum/_count map to the base. */
export function resolveMetric(contract: Map<string, MetricSpec>, series: string): { spec: MetricSpec; extraLabels: string[] } | null {
  const direct = contract.get(series);
  if (direct) return direct.type === 'histogram' ? null : { spec: direct, extraLabels: [] };
  const h = /^(.*)_(bucket|sum|count)$/.exec(series);
  if (h) {
    const base = contract.get(h[1]!);
    if (base?.type === 'histogram') return { spec: base, extraLabels: h[2] === 'bucket' ? ['le'] : [] };
  }
  return null;
}

/**
 * Problems with one expression against the contract: unknown metrics, a histogram read without
 * a suffix, labels the metric does not have.
 */
export function checkExpression(contract: Map<string, MetricSpec>, expr: string): string[] {
  const problems: string[] = [];
  let use: PromqlUse;
  try {
    use = analysePromql(expr);
  } catch (e) {
    return [(e as Error).message];
  }
  const seriesOf = (sel: PromqlUse['selectors'][number]): string[] => {
    if (sel.metric) return [sel.metric];
    if (sel.nameRegex) return expandNameRegex(sel.nameRegex);
    return [];
  };
  const names = new Set(use.metrics);
  for (const sel of use.selectors) for (const s of seriesOf(sel)) names.add(s);
  if (names.size === 0) problems.push(`no metric read by: ${expr}`);
  for (const name of names) {
    if (!resolveMetric(contract, name)) problems.push(`metric ${name} is not in METRICS.md (or a histogram read without _bucket/_sum/_count)`);
  }
  for (const sel of use.selectors) {
    for (const series of seriesOf(sel)) {
      const r = resolveMetric(contract, series);
      if (!r) continue;
      const allowed = new Set([...r.spec.labels, ...r.extraLabels, ...TARGET_LABELS]);
      for (const l of sel.labels) if (!allowed.has(l)) problems.push(`label ${l} is not a label of ${series}`);
    }
    if (!sel.metric && !sel.nameRegex) problems.push(`selector without a metric name in: ${expr}`);
  }
  // Grouping labels must belong to one of the metrics the expression reads.
  const known = new Set<string>(TARGET_LABELS);
  for (const name of names) {
    const r = resolveMetric(contract, name);
    if (r) for (const l of [...r.spec.labels, ...r.extraLabels]) known.add(l);
  }
  for (const l of use.groupingLabels) if (!known.has(l)) problems.push(`grouping label ${l} belongs to none of the metrics read`);
  return problems;
}
