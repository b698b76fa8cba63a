import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { ROOT, read, walk, yamlDocs } from './support.js';

// Manifests are validated against the Kubernetes OpenAPI schemas (and the KEDA and Prometheus
// Operator CRD schemas) compiled into the kubernetes-models packages, offline. They are
// devDependencies: kubernetes-models, @kubernetes-models/keda, @kubernetes-models/prometheus-operator.

/* eslint-disable @typescript-eslint/no-explicit-any */
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; namespace?: string }; [k: string]: any };

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
    const config = read('packages/store/src/config.ts');
    const readByConfig = new Set([...config.matchAll(/env\.([A-Z_]+)|(?:int|days)\('([A-Z_]+)'/g)].map((m) => m[1] ?? m[2]));
    const data = find('ConfigMap', 'redstep-config')!.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['EXECUTION_RETENTION_DAYS', 'HOST', 'LOG_LEVEL', 'METRICS_PORT', 'PORT', 'REDIS_URL', 'SFN_ACCOUNT_ID', 'SFN_REGION', 'WORKER_CONCURRENCY']);
    for (const key of Object.keys(data)) if (key !== 'METRICS_PORT') expect(readByConfig.has(key), key).toBe(true);
    expect(data.PORT).toBe('8083');
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
