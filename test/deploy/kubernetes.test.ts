import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { kustomize, type K8sObject } from './kustomize.js';
import { ROOT, SHARDING_VARIABLES, codeIsSharded, codeReadsEnv, walk, yamlDocs } from './support.js';

// Manifests are validated against the Kubernetes OpenAPI schemas (and the KEDA and Prometheus
// Operator CRD schemas) compiled into the kubernetes-models packages, offline. They are
// devDependencies: kubernetes-models, @kubernetes-models/keda, @kubernetes-models/prometheus-operator.

/* eslint-disable @typescript-eslint/no-explicit-any */

const MANIFEST_DIRS = ['deploy/kubernetes', 'deploy/prometheus'];
const isKustomization = (p: string) => /(^|\/)kustomization\.ya?ml$/.test(p);
const manifestFiles = MANIFEST_DIRS.flatMap((d) => walk(d, (p) => /\.ya?ml$/.test(p))).filter((p) => !isKustomization(p));
const kustomizations = walk('deploy', isKustomization);

const objects: { file: string; obj: K8sObject }[] = manifestFiles.flatMap((file) =>
  (yamlDocs(file) as K8sObject[]).map((obj) => ({ file, obj })),
);
const find = (kind: string, name: string) => objects.find((o) => o.obj.kind === kind && o.obj.metadata.name === name)?.obj;

/** Module of the model class for an apiVersion/kind. */
function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === 'keda.sh') return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${kind}`;
  return group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}

async function loadValidators(): Promise<((obj: K8sObject) => void) | null> {
  try {
    await import('kubernetes-models/apps/v1/Deployment');
  } catch {
    return null;
  }
  const cache = new Map<string, new (data: unknown) => { validate(): void }>();
  const classes = new Map<string, new (data: unknown) => { validate(): void }>();
  for (const { obj } of objects) {
    const mod = modelModule(obj.apiVersion, obj.kind);
    if (cache.has(mod)) continue;
    const loaded = (await import(/* @vite-ignore */ mod)) as Record<string, new (data: unknown) => { validate(): void }>;
    cache.set(mod, loaded[obj.kind]!);
  }
  for (const [mod, cls] of cache) classes.set(mod, cls);
  return (obj) => {
    const Model = classes.get(modelModule(obj.apiVersion, obj.kind));
    if (!Model) throw new Error(`no schema for ${obj.apiVersion} ${obj.kind}`);
    new Model(obj).validate();
  };
}
const validate = await loadValidators();

/**
 * The compiled schemas accept unknown fields, as the API server's own OpenAPI schemas do. To
 * catch misspelt fields, every object is also type-checked as an object literal against the
 * packages' TypeScript interfaces (excess property checks), in memory.
 */
function unknownFieldErrors(list: K8sObject[]): string[] {
  const file = join(ROOT, 'test/deploy/__manifests__.ts');
  const imports = new Map<string, string>();
  const body: string[] = [];
  list.forEach((obj, i) => {
    const mod = modelModule(obj.apiVersion, obj.kind);
    const alias = `T${imports.size}`;
    if (!imports.has(mod)) imports.set(mod, alias);
    body.push(`// ${obj.kind} ${obj.metadata.name}\nexport const o${i}: ${imports.get(mod)} = ${JSON.stringify(obj, null, 1)};`);
  });
  const source = [...imports].map(([mod, alias]) => `import type { I${mod.split('/').pop()} as ${alias} } from '${mod}';`).join('\n') + '\n' + body.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const context = where >= 0 ? source.split('\n').slice(0, where + 1).reverse().find((l) => l.startsWith('// ')) : '';
    return `${context} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('Kubernetes manifests: schema', () => {
  it('finds the manifests', () => {
    expect(objects.length).toBeGreaterThanOrEqual(20);
    for (const { file, obj } of objects) {
      expect(obj.apiVersion, file).toBeTruthy();
      expect(obj.kind, file).toBeTruthy();
      expect(obj.metadata?.name, file).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it.skipIf(validate !== null)('SKIPPED: install devDependencies kubernetes-models, @kubernetes-models/keda, @kubernetes-models/prometheus-operator to validate schemas', () => {});

  for (const { file, obj } of objects) {
    it.skipIf(validate === null)(`${file}: ${obj.kind} ${obj.metadata.name}`, () => {
      expect(() => validate!(obj)).not.toThrow();
    });
  }

  it.skipIf(validate === null)('no object has a field its schema does not know', () => {
    expect(unknownFieldErrors(objects.map((o) => o.obj))).toEqual([]);
  });

  it.skipIf(validate === null || !kubectl)('kubectl kustomize renders the example overlay into schema-valid objects', () => {
    const out = execFileSync('kubectl', ['kustomize', join(ROOT, 'deploy/kubernetes/overlays/example')], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
    const rendered = parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
    expect(rendered.length).toBeGreaterThanOrEqual(20);
    for (const obj of rendered) {
      expect(obj.metadata.namespace ?? (obj.kind === 'Namespace' ? 'redstep' : undefined), `${obj.kind} ${obj.metadata.name}`).toBe('redstep');
      expect(() => validate!(obj), `${obj.kind} ${obj.metadata.name}`).not.toThrow();
    }
    const images = rendered.filter((o) => o.kind === 'Deployment').map((o) => o.spec.template.spec.containers[0].image);
    expect(images).toEqual(['registry.example.com/redstep:0.1.0', 'registry.example.com/redstep:0.1.0']);
  });
});

describe('kustomizations', () => {
  it('reference files and folders that exist', () => {
    expect(kustomizations.length).toBeGreaterThanOrEqual(7);
    for (const k of kustomizations) {
      const dir = dirname(k);
      const doc = yamlDocs(k)[0] as {
        resources?: string[];
        components?: string[];
        patches?: { path?: string; patch?: string; target?: unknown }[];
        configMapGenerator?: { files?: string[] }[];
        secretGenerator?: { files?: string[] }[];
      };
      const refs = [
        ...(doc.resources ?? []),
        ...(doc.components ?? []),
        ...(doc.patches ?? []).flatMap((p) => (p.path ? [p.path] : [])),
        ...[...(doc.configMapGenerator ?? []), ...(doc.secretGenerator ?? [])].flatMap((g) => (g.files ?? []).map((f) => f.split('=').pop()!)),
      ];
      for (const ref of refs) {
        const abs = join(ROOT, dir, ref);
        expect(existsSync(abs), `${k}: ${ref}`).toBe(true);
        if (statSync(abs).isDirectory()) expect(existsSync(join(abs, 'kustomization.yaml')), `${k}: ${ref} has no kustomization.yaml`).toBe(true);
      }
      for (const p of doc.patches ?? []) expect(Boolean(p.path) !== Boolean(p.patch), `${k}: a patch needs path or patch`).toBe(true);
    }
  });

  it('include every manifest file exactly once, except the secret example', () => {
    const included = new Map<string, number>();
    for (const k of kustomizations) {
      const doc = yamlDocs(k)[0] as { resources?: string[]; patches?: { path?: string }[] };
      for (const ref of [...(doc.resources ?? []), ...(doc.patches ?? []).flatMap((p) => (p.path ? [p.path] : []))]) {
        const rel = relative(ROOT, join(ROOT, dirname(k), ref));
        if (/\.ya?ml$/.test(rel)) included.set(rel, (included.get(rel) ?? 0) + 1);
      }
    }
    for (const file of manifestFiles) {
      if (file.endsWith('secret.example.yaml')) expect(included.has(file), file).toBe(false);
      else expect(included.get(file), file).toBe(1);
    }
  });

  it('the example overlay pulls in base, redis, monitoring and autoscaling', () => {
    const doc = yamlDocs('deploy/kubernetes/overlays/example/kustomization.yaml')[0] as { namespace: string; resources: string[] };
    expect(doc.namespace).toBe('redstep');
    expect(doc.resources).toEqual(['namespace.yaml', '../../base', '../../redis', '../../monitoring', '../../autoscaling']);
  });
});

describe('api and worker workloads', () => {
  const api = find('Deployment', 'redstep-api')!;
  const worker = find('Deployment', 'redstep-worker')!;
  const container = (d: K8sObject) => d.spec.template.spec.containers[0];

  it('run the api and worker roles of the image', () => {
    expect(container(api).args).toEqual(['api']);
    expect(container(worker).args).toEqual(['worker']);
  });

  it('probe the api on /readyz and /healthz at port 8083', () => {
    const c = container(api);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8083, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
  });

  it('probe the worker on /readyz and /healthz at METRICS_PORT 9464', () => {
    const c = container(worker);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(find('ConfigMap', 'redstep-config')!.data.METRICS_PORT).toBe('9464');
  });

  it('leave the worker replica count to KEDA', () => {
    expect(worker.spec.replicas).toBeUndefined();
    const so = find('ScaledObject', 'redstep-worker')!;
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'redstep-worker' });
    expect(so.spec.triggers.map((t: { type: string }) => t.type)).toEqual(['prometheus', 'prometheus']);
    expect(so.spec.triggers[0].metadata.query).toContain('redstep_queue_depth');
    for (const t of so.spec.triggers) expect(Number(t.metadata.threshold)).toBeGreaterThan(0);
  });

  it('read configuration from the ConfigMap, then the optional Secret', () => {
    for (const d of [api, worker]) {
      expect(container(d).envFrom).toEqual([{ configMapRef: { name: 'redstep-config' } }, { secretRef: { name: 'redstep-secrets', optional: true } }]);
    }
    expect(find('Secret', 'redstep-secrets')!.stringData.REDIS_URL).toMatch(/^rediss?:\/\//);
  });

  it('set only environment variables the code reads', () => {
    const data = find('ConfigMap', 'redstep-config')!.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual([
      'EXECUTION_RETENTION_DAYS',
      'HOST',
      'LOG_LEVEL',
      'METRICS_PORT',
      'PORT',
      'REDIS_MODE',
      'REDIS_URL',
      'SFN_ACCOUNT_ID',
      'SFN_REGION',
      'WORKER_CONCURRENCY',
    ]);
    // Every key any ConfigMap patch of an overlay sets, too.
    const keys = new Set(objects.filter((o) => o.obj.kind === 'ConfigMap' && o.obj.metadata.name === 'redstep-config').flatMap((o) => Object.keys(o.obj.data)));
    for (const key of keys) {
      if (!codeIsSharded() && SHARDING_VARIABLES.includes(key)) continue; // support.ts: built in parallel
      expect(codeReadsEnv(key), key).toBe(true);
    }
    expect(data.PORT).toBe('8083');
    expect(data.REDIS_MODE).toBe('standalone');
    expect(data.SFN_ACCOUNT_ID).toMatch(/^\d{12}$/);
  });

  it('set requests and limits and a locked-down security context on every container', () => {
    for (const { file, obj } of objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.obj.kind))) {
      const spec = obj.spec.template.spec;
      expect(spec.securityContext.runAsNonRoot, file).toBe(true);
      for (const c of spec.containers) {
        expect(c.resources.requests.cpu, `${file} ${c.name}`).toBeTruthy();
        expect(c.resources.requests.memory, `${file} ${c.name}`).toBeTruthy();
        expect(c.resources.limits.memory, `${file} ${c.name}`).toBeTruthy();
        expect(c.securityContext.allowPrivilegeEscalation, `${file} ${c.name}`).toBe(false);
        expect(c.securityContext.capabilities.drop, `${file} ${c.name}`).toEqual(['ALL']);
      }
    }
  });
});

describe('selectors and ports line up', () => {
  const podLabels = (kind: string, name: string) => find(kind, name)!.spec.template.metadata.labels as Record<string, string>;
  const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
  const workloads = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.obj.kind)).map((o) => o.obj);

  it('each Service, PodDisruptionBudget and NetworkPolicy selects exactly one workload', () => {
    const selectorsOf = objects
      .map((o) => o.obj)
      .flatMap((o) => {
        if (o.kind === 'Service') return [{ o, sel: o.spec.selector }];
        if (o.kind === 'PodDisruptionBudget') return [{ o, sel: o.spec.selector.matchLabels }];
        if (o.kind === 'NetworkPolicy') return [{ o, sel: o.spec.podSelector.matchLabels }];
        return [];
      });
    expect(selectorsOf.length).toBeGreaterThanOrEqual(7);
    for (const { o, sel } of selectorsOf) {
      const hits = workloads.filter((w) => matches(sel, w.spec.template.metadata.labels));
      expect(hits.length, `${o.kind} ${o.metadata.name}`).toBe(1);
    }
    for (const w of workloads) expect(matches(w.spec.selector.matchLabels, w.spec.template.metadata.labels), w.metadata.name).toBe(true);
  });

  it('Service target ports name container ports', () => {
    for (const svc of objects.map((o) => o.obj).filter((o) => o.kind === 'Service')) {
      const w = workloads.find((x) => matches(svc.spec.selector, x.spec.template.metadata.labels))!;
      const names = w.spec.template.spec.containers.flatMap((c: { ports?: { name: string }[] }) => (c.ports ?? []).map((p) => p.name));
      for (const p of svc.spec.ports) expect(names, `${svc.metadata.name}:${p.name}`).toContain(p.targetPort);
    }
    expect(find('Service', 'redstep-api')!.spec.ports[0].port).toBe(8083);
  });

  it('ServiceMonitors select a Service and scrape a port it has', () => {
    const services = objects.map((o) => o.obj).filter((o) => o.kind === 'Service');
    const monitors = objects.map((o) => o.obj).filter((o) => o.kind === 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(['redstep-api', 'redstep-redis', 'redstep-worker']);
    for (const m of monitors) {
      const hits = services.filter((s) => matches(m.spec.selector.matchLabels, s.metadata.labels ?? {}));
      expect(hits.length, m.metadata.name).toBe(1);
      for (const e of m.spec.endpoints) {
        expect(e.path, m.metadata.name).toBe('/metrics');
        for (const s of hits) expect(s.spec.ports.map((p: { name: string }) => p.name), `${m.metadata.name} -> ${s.metadata.name}`).toContain(e.port);
      }
    }
    // Prometheus names the job after the Service: the dashboards and alerts use these job names.
    expect(matches(podLabels('Deployment', 'redstep-api'), find('Service', 'redstep-api')!.spec.selector)).toBe(true);
  });
});

describe('in-cluster Redis', () => {
  const sts = find('StatefulSet', 'redstep-redis')!;
  const conf = find('ConfigMap', 'redstep-redis')!.data['redis.conf'] as string;

  it('turns AOF on, keeps data on a PersistentVolumeClaim, and never evicts', () => {
    expect(conf).toMatch(/^appendonly yes$/m);
    expect(conf).toMatch(/^appendfsync (everysec|always)$/m);
    expect(conf).toMatch(/^dir \/data$/m);
    expect(conf).toMatch(/^maxmemory-policy noeviction$/m);
    expect(sts.spec.volumeClaimTemplates[0].metadata.name).toBe('data');
    expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    expect(sts.spec.replicas).toBe(1);
  });

  it('is what REDIS_URL points at by default', () => {
    expect(find('ConfigMap', 'redstep-config')!.data.REDIS_URL).toBe('redis://redstep-redis:6379');
    expect(find('Service', 'redstep-redis')!.spec.ports[0].port).toBe(6379);
    expect(sts.spec.serviceName).toBe('redstep-redis-headless');
  });
});

// ---- overlays, rendered ---------------------------------------------------------------------------

const OVERLAYS = ['example', 'redis-cluster', 'redis-sentinel'] as const;
const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, kustomize(`deploy/kubernetes/overlays/${o}`)])) as Record<(typeof OVERLAYS)[number], K8sObject[]>;
const pick = (list: K8sObject[], kind: string, name: string) => list.find((o) => o.kind === kind && o.metadata.name === name);
const labelsMatch = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The stable DNS name of every pod of every StatefulSet: <sts>-<n>.<serviceName>. */
function podHosts(list: K8sObject[]): Map<string, { sts: K8sObject; service: K8sObject }> {
  const out = new Map<string, { sts: K8sObject; service: K8sObject }>();
  for (const sts of list.filter((o) => o.kind === 'StatefulSet')) {
    const service = pick(list, 'Service', sts.spec.serviceName)!;
    for (let i = 0; i < sts.spec.replicas; i++) out.set(`${sts.metadata.name}-${i}.${sts.spec.serviceName}`, { sts, service });
  }
  return out;
}

/** REDIS_URL as the api and worker read it: comma-separated URLs, each reaching a pod's port. */
function redisUrls(list: K8sObject[]): URL[] {
  return (pick(list, 'ConfigMap', 'redstep-config')!.data.REDIS_URL as string).split(',').map((u) => new URL(u.trim()));
}

describe.each(OVERLAYS)('overlay %s, rendered', (overlay) => {
  const list = rendered[overlay];
  const workloads = list.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind));

  it('puts every object in namespace redstep, once', () => {
    expect(list.length).toBeGreaterThanOrEqual(20);
    const ids = list.map((o) => `${o.apiVersion.split('/')[0]} ${o.kind} ${o.metadata.name}`);
    expect(new Set(ids).size, ids.join('\n')).toBe(ids.length);
    for (const o of list) {
      if (o.kind === 'Namespace') expect(o.metadata.name).toBe('redstep');
      else expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe('redstep');
      expect(o.metadata.labels?.['app.kubernetes.io/part-of'], `${o.kind} ${o.metadata.name}`).toBe('redstep');
    }
  });

  it.skipIf(validate === null)('renders schema-valid objects without unknown fields', () => {
    for (const o of list) expect(() => validate!(o), `${o.kind} ${o.metadata.name}`).not.toThrow();
    expect(unknownFieldErrors(list)).toEqual([]);
  });

  it('runs the api and the workers from the overlay image, configured by redstep-config', () => {
    const deployments = list.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['redstep-api', 'redstep-worker']);
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      expect(c.image).toBe('registry.example.com/redstep:0.1.0');
      expect(c.envFrom[0]).toEqual({ configMapRef: { name: 'redstep-config' } });
    }
    expect(pick(list, 'ScaledObject', 'redstep-worker')!.spec.scaleTargetRef.name).toBe('redstep-worker');
  });

  it('points REDIS_URL at pods or Services of the overlay, on ports they serve', () => {
    const hosts = podHosts(list);
    for (const url of redisUrls(list)) {
      expect(url.protocol, url.href).toMatch(/^rediss?:$/);
      const byPod = hosts.get(url.hostname);
      const service = byPod?.service ?? pick(list, 'Service', url.hostname);
      expect(service, `${url.href}: no pod or Service of that name`).toBeDefined();
      expect(service!.spec.ports.map((p: { port: number }) => String(p.port)), url.href).toContain(url.port);
    }
  });

  it('selects exactly one workload with every Service, PodDisruptionBudget and NetworkPolicy', () => {
    for (const o of list) {
      const sel = o.kind === 'Service' ? o.spec.selector : o.kind === 'PodDisruptionBudget' ? o.spec.selector.matchLabels : o.kind === 'NetworkPolicy' ? o.spec.podSelector.matchLabels : null;
      if (!sel) continue;
      const hits = workloads.filter((w) => labelsMatch(sel, w.spec.template.metadata.labels));
      expect(hits.length, `${o.kind} ${o.metadata.name}`).toBe(1);
    }
  });

  it('lets every NetworkPolicy admit the api and the workers on the Redis ports', () => {
    const clients = workloads.filter((w) => w.kind === 'Deployment').map((w) => w.spec.template.metadata.labels);
    const policies = list.filter((o) => o.kind === 'NetworkPolicy');
    expect(policies.length).toBeGreaterThanOrEqual(1);
    for (const np of policies) {
      const rule = np.spec.ingress.find((r: { from?: unknown[] }) => r.from);
      for (const labels of clients) expect(rule.from.some((f: { podSelector: { matchLabels: Record<string, string> } }) => labelsMatch(f.podSelector.matchLabels, labels)), np.metadata.name).toBe(true);
    }
    for (const url of redisUrls(list)) {
      const pod = podHosts(list).get(url.hostname);
      if (!pod) continue;
      const np = policies.find((p) => labelsMatch(p.spec.podSelector.matchLabels, pod.sts.spec.template.metadata.labels));
      expect(np, url.hostname).toBeDefined();
      expect(np!.spec.ingress.flatMap((r: { ports: { port: number }[] }) => r.ports.map((p) => String(p.port))), url.href).toContain(url.port);
    }
  });

  it('scrapes the redis_exporter of every Redis node as job redstep-redis, and the api and workers', () => {
    const monitors = list.filter((o) => o.kind === 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(['redstep-api', 'redstep-redis', 'redstep-worker']);
    for (const m of monitors) {
      expect(m.metadata.labels!.release, m.metadata.name).toBe('kube-prometheus-stack');
      const hits = list.filter((o) => o.kind === 'Service' && labelsMatch(m.spec.selector.matchLabels, o.metadata.labels));
      expect(hits.length, m.metadata.name).toBe(1);
      const svc = hits[0]!;
      for (const e of m.spec.endpoints) expect(svc.spec.ports.map((p: { name: string }) => p.name), m.metadata.name).toContain(e.port);
      // Prometheus names the job after the Service unless a relabeling sets it.
      const job = m.spec.endpoints[0].relabelings?.find((r: { targetLabel: string }) => r.targetLabel === 'job')?.replacement ?? svc.metadata.name;
      expect(job, m.metadata.name).toBe(m.metadata.name);
    }
    const redisService = list.find((o) => o.kind === 'Service' && labelsMatch(pick(list, 'ServiceMonitor', 'redstep-redis')!.spec.selector.matchLabels, o.metadata.labels))!;
    const redisNodes = workloads.find((w) => labelsMatch(redisService.spec.selector, w.spec.template.metadata.labels))!;
    expect(redisNodes.spec.template.spec.containers.map((c: { name: string }) => c.name)).toContain('exporter');
  });

  it('keeps AOF on, never evicts and ticks at 100 Hz on every Redis it runs', () => {
    const confs = list.filter((o) => o.kind === 'ConfigMap' && o.data?.['redis.conf']).map((o) => o.data['redis.conf'] as string);
    expect(confs.length).toBe(1);
    for (const conf of confs) {
      expect(conf).toMatch(/^appendonly yes$/m);
      expect(conf).toMatch(/^appendfsync (everysec|always)$/m);
      expect(conf).toMatch(/^dir \/data$/m);
      expect(conf).toMatch(/^maxmemory-policy noeviction$/m);
      expect(conf).toMatch(/^hz 100$/m);
    }
    for (const sts of list.filter((o) => o.kind === 'StatefulSet' && o.spec.volumeClaimTemplates)) {
      expect(sts.spec.template.spec.containers[0].volumeMounts, sts.metadata.name).toContainEqual({ name: 'data', mountPath: '/data' });
    }
  });

  it.skipIf(!kubectl)('renders as kubectl kustomize does', () => {
    const out = execFileSync('kubectl', ['kustomize', join(ROOT, `deploy/kubernetes/overlays/${overlay}`)], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
    const theirs = parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
    const key = (o: K8sObject) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`;
    const byKey = (l: K8sObject[]) => Object.fromEntries(l.map((o) => [key(o), o]));
    expect(byKey(list)).toEqual(byKey(theirs));
  });
});

describe('overlay redis-cluster', () => {
  const list = rendered['redis-cluster'];
  const config = pick(list, 'ConfigMap', 'redstep-config')!.data as Record<string, string>;
  const sts = pick(list, 'StatefulSet', 'redstep-redis-cluster')!;
  const cm = pick(list, 'ConfigMap', 'redstep-redis-cluster')!.data as Record<string, string>;
  const job = pick(list, 'Job', 'redstep-redis-cluster-create')!;

  it('runs RedStep in cluster mode with every node as a seed', () => {
    expect(config.REDIS_MODE).toBe('cluster');
    expect(config.REDIS_SENTINEL_NAME).toBeUndefined();
    const hosts = redisUrls(list).map((u) => `${u.hostname}:${u.port}`);
    expect(hosts).toEqual([...Array(sts.spec.replicas).keys()].map((i) => `redstep-redis-cluster-${i}.redstep-redis-cluster:6379`));
    expect(pick(list, 'StatefulSet', 'redstep-redis')).toBeUndefined();
  });

  it('runs six cluster-enabled nodes that keep their identity on their volume', () => {
    expect(sts.spec.replicas).toBe(6);
    expect(cm['redis.conf']).toMatch(/^cluster-enabled yes$/m);
    expect(cm['redis.conf']).toMatch(/^cluster-config-file \/data\/nodes\.conf$/m);
    expect(cm['redis.conf']).toMatch(/^cluster-preferred-endpoint-type hostname$/m);
    const redis = sts.spec.template.spec.containers[0];
    expect(redis.args.join(' ')).toContain('--cluster-announce-hostname "$(hostname).redstep-redis-cluster"');
    expect(redis.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([6379, 16379]);
    // The nodes must resolve one another before they are ready, to be joined.
    expect(pick(list, 'Service', sts.spec.serviceName)!.spec.publishNotReadyAddresses).toBe(true);
    expect(pick(list, 'NetworkPolicy', 'redstep-redis-cluster')!.spec.ingress[0].ports.map((p: { port: number }) => p.port)).toEqual([6379, 16379]);
  });

  it('joins the nodes once, three masters with a replica each', () => {
    const script = cm['create-cluster.sh']!;
    expect(script).toMatch(/redis-cli --cluster create \$addresses --cluster-replicas 1 --cluster-yes/);
    expect(script).toContain(`nodes=${sts.spec.replicas}`);
    expect(script).toContain(`service=${sts.spec.serviceName}`);
    expect(script).toMatch(/cluster_slots_assigned:16384/); // does nothing when the cluster exists
    expect(job.spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(job.spec.template.spec.containers[0].args).toEqual(['sh', '/etc/redis/create-cluster.sh']);
    expect(job.spec.template.spec.volumes[0].configMap.name).toBe('redstep-redis-cluster');
    // The NetworkPolicy admits the Job's pod.
    const np = pick(list, 'NetworkPolicy', 'redstep-redis-cluster')!;
    expect(labelsMatch(np.spec.ingress[0].from[0].podSelector.matchLabels, job.spec.template.metadata.labels)).toBe(true);
  });
});

describe('overlay redis-sentinel', () => {
  const list = rendered['redis-sentinel'];
  const config = pick(list, 'ConfigMap', 'redstep-config')!.data as Record<string, string>;
  const redis = pick(list, 'StatefulSet', 'redstep-redis-ha')!;
  const sentinels = pick(list, 'StatefulSet', 'redstep-redis-sentinel')!;
  const cm = pick(list, 'ConfigMap', 'redstep-redis-sentinel')!.data as Record<string, string>;
  const env = (sts: K8sObject) => Object.fromEntries(sts.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));

  it('runs RedStep in sentinel mode against every Sentinel, naming the master they watch', () => {
    expect(config.REDIS_MODE).toBe('sentinel');
    const hosts = redisUrls(list).map((u) => `${u.hostname}:${u.port}`);
    expect(hosts).toEqual([...Array(sentinels.spec.replicas).keys()].map((i) => `redstep-redis-sentinel-${i}.redstep-redis-sentinel:26379`));
    expect(config.REDIS_SENTINEL_NAME).toBe('mymaster');
    for (const sts of [redis, sentinels]) expect(env(sts).SENTINEL_MASTER_NAME, sts.metadata.name).toBe(config.REDIS_SENTINEL_NAME);
    expect(pick(list, 'StatefulSet', 'redstep-redis')).toBeUndefined();
  });

  it('runs a master and a replica, and an odd number of at least three Sentinels with a majority quorum', () => {
    expect(redis.spec.replicas).toBe(2);
    expect(sentinels.spec.replicas).toBeGreaterThanOrEqual(3);
    expect(sentinels.spec.replicas % 2).toBe(1);
    const quorum = Number(/sentinel monitor \$SENTINEL_MASTER_NAME \$master 6379 (\d+)/.exec(cm['start-sentinel.sh']!)![1]);
    expect(quorum).toBe(Math.floor(sentinels.spec.replicas / 2) + 1);
    expect(cm['sentinel.conf']).toMatch(/^sentinel resolve-hostnames yes$/m);
    expect(cm['sentinel.conf']).toMatch(/^sentinel announce-hostnames yes$/m);
    expect(redis.spec.template.spec.containers[0].args).toEqual(['sh', '/etc/redis/start-redis.sh']);
    expect(sentinels.spec.template.spec.containers[0].args).toEqual(['sh', '/etc/redis/start-sentinel.sh']);
  });

  it('names in its start scripts exactly the pods the StatefulSets run', () => {
    for (const script of [cm['start-redis.sh']!, cm['start-sentinel.sh']!]) {
      for (const sts of [redis, sentinels]) {
        const named = [...new Set([...script.matchAll(new RegExp(`${sts.metadata.name}-(\\d+)\\.${sts.spec.serviceName}\\b`, 'g'))].map((m) => Number(m[1])))].sort();
        expect(named, sts.metadata.name).toEqual([...Array(sts.spec.replicas).keys()]);
      }
    }
    expect(cm['start-redis.sh']).toMatch(/^self="\$\(hostname\)\.redstep-redis-ha"$/m);
    expect(cm['start-sentinel.sh']).toMatch(/^self="\$\(hostname\)\.redstep-redis-sentinel"$/m);
  });
});

describe('shell scripts and Redis configuration files', () => {
  const configMaps = objects.filter((o) => o.obj.kind === 'ConfigMap' && o.obj.data);
  const scripts = configMaps.flatMap(({ file, obj }) => Object.entries(obj.data as Record<string, string>).filter(([k]) => k.endsWith('.sh')).map(([k, v]) => ({ where: `${file} ${k}`, text: v })));

  it('finds the start and bootstrap scripts', () => {
    expect(scripts.map((s) => s.where.split(' ')[1]).sort()).toEqual(['create-cluster.sh', 'start-redis.sh', 'start-sentinel.sh']);
  });

  for (const { where, text } of scripts) {
    it(`${where} is POSIX sh that stops on errors`, () => {
      expect(text.startsWith('#!/bin/sh\n'), where).toBe(true);
      expect(text).toMatch(/^set -eu$/m);
      execFileSync('sh', ['-n'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
    });
  }

  const redisServer = (() => {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const confs = configMaps.flatMap(({ file, obj }) => (obj.data['redis.conf'] ? [{ file, conf: obj.data['redis.conf'] as string }] : []));

  it('finds every redis.conf', () => {
    expect(confs.map((c) => c.file)).toEqual(['deploy/kubernetes/redis-cluster/configmap.yaml', 'deploy/kubernetes/redis-sentinel/configmap.yaml', 'deploy/kubernetes/redis/configmap.yaml']);
  });

  // redis-server refuses an unknown or misspelt directive at start; the paths move to a temp dir.
  for (const { file, conf } of confs) {
    it.skipIf(!redisServer)(`${file}: redis-server accepts redis.conf`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'redstep-conf-'));
      const text = conf.replace(/^dir \/data$/m, `dir ${dir}`).replace(/\/data\/nodes\.conf/, join(dir, 'nodes.conf'));
      writeFileSync(join(dir, 'redis.conf'), text);
      const port = await freePort();
      const server = spawn('redis-server', [join(dir, 'redis.conf'), '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      server.stdout.on('data', (d) => (output += d));
      server.stderr.on('data', (d) => (output += d));
      try {
        const ready = await new Promise<boolean>((resolve) => {
          server.on('exit', () => resolve(false));
          const poll = setInterval(() => {
            if (/Ready to accept connections/.test(output)) {
              clearInterval(poll);
              resolve(true);
            }
          }, 50);
          setTimeout(() => {
            clearInterval(poll);
            resolve(false);
          }, 10_000);
        });
        expect(ready, output).toBe(true);
      } finally {
        server.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}
