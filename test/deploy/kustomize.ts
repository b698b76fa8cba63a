import { existsSync, statSync } from 'node:fs';
import { basename, join, normalize } from 'node:path';
import { parse } from 'yaml';
import { ROOT, read, yamlDocs } from './support.js';

/**
 * A small kustomize, enough for deploy/: it renders an overlay without kubectl, so the rendered
 * objects can be checked where kubectl is not installed. Where kubectl is, the tests compare
 * this output with `kubectl kustomize`. It supports the fields deploy/ uses and refuses others:
 * resources (files and folders), namespace, labels (pairs, includeTemplates), images, patches
 * (strategic merge by file or inline, JSON 6902 inline, with targets) and configMapGenerator
 * (files, generatorOptions with disableNameSuffixHash).
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: any };

interface Target {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
}
interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean; includeTemplates?: boolean }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  patches?: { path?: string; patch?: string; target?: Target }[];
  generatorOptions?: { disableNameSuffixHash?: boolean; labels?: Record<string, string>; annotations?: Record<string, string> };
  configMapGenerator?: { name: string; files?: string[] }[];
}

const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'labels', 'images', 'patches', 'generatorOptions', 'configMapGenerator']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'PriorityClass']);
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

const clone = <T>(v: T): T => structuredClone(v);
const isMap = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Renders the kustomization in `dir` (repo-relative) into a list of objects. */
export function kustomize(dir: string): K8sObject[] {
  const file = ['kustomization.yaml', 'kustomization.yml'].map((f) => join(dir, f)).find((f) => existsSync(join(ROOT, f)));
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  const k = yamlDocs(file)[0] as Kustomization;
  for (const key of Object.keys(k)) if (!KNOWN_FIELDS.has(key)) throw new Error(`${file}: field ${key} is not supported by this renderer`);

  let objects: K8sObject[] = [];
  for (const ref of k.resources ?? []) {
    const path = normalize(join(dir, ref));
    if (statSync(join(ROOT, path)).isDirectory()) objects.push(...kustomize(path));
    else objects.push(...(yamlDocs(path) as K8sObject[]));
  }
  for (const gen of k.configMapGenerator ?? []) {
    if (!k.generatorOptions?.disableNameSuffixHash) throw new Error(`${file}: name suffix hashes are not supported by this renderer`);
    const data: Record<string, string> = {};
    for (const f of gen.files ?? []) {
      const [key, path] = f.includes('=') ? (f.split('=') as [string, string]) : [basename(f), f];
      data[key] = read(join(dir, path));
    }
    const metadata: K8sObject['metadata'] = { name: gen.name };
    if (k.generatorOptions.labels) metadata.labels = { ...k.generatorOptions.labels };
    if (k.generatorOptions.annotations) metadata.annotations = { ...k.generatorOptions.annotations };
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data });
  }

  for (const p of k.patches ?? []) {
    const text = p.path ? read(join(dir, p.path)) : p.patch!;
    const doc = parse(text) as unknown;
    if (Array.isArray(doc)) {
      if (!p.target) throw new Error(`${file}: a JSON 6902 patch needs a target`);
      const hits = objects.filter((o) => matches(o, p.target!));
      if (!hits.length) throw new Error(`${file}: patch target ${JSON.stringify(p.target)} matches nothing`);
      objects = objects.map((o) => (hits.includes(o) ? applyJson6902(o, doc as Op[]) : o));
    } else {
      const patch = doc as K8sObject;
      const target: Target = p.target ?? { kind: patch.kind, name: patch.metadata?.name };
      const hits = objects.filter((o) => matches(o, target));
      if (!hits.length) throw new Error(`${file}: patch ${patch.kind} ${patch.metadata?.name} matches nothing`);
      objects = objects.map((o) => {
        if (!hits.includes(o)) return o;
        const { apiVersion: _a, kind: _k, ...rest } = patch;
        const merged = strategicMerge(o, p.target ? { ...rest, metadata: { ...rest.metadata, name: o.metadata.name } } : rest) as K8sObject;
        return merged;
      });
    }
  }

  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  for (const l of k.labels ?? []) {
    if (l.includeSelectors) throw new Error(`${file}: labels.includeSelectors is not supported by this renderer`);
    for (const o of objects) {
      o.metadata.labels = { ...o.metadata.labels, ...l.pairs };
      if (l.includeTemplates && WORKLOADS.has(o.kind)) {
        const tmpl = o.spec?.template;
        if (tmpl) tmpl.metadata = { ...tmpl.metadata, labels: { ...tmpl.metadata?.labels, ...l.pairs } };
        for (const vct of o.spec?.volumeClaimTemplates ?? []) vct.metadata = { ...vct.metadata, labels: { ...vct.metadata?.labels, ...l.pairs } };
      }
    }
  }
  for (const img of k.images ?? []) {
    for (const o of objects) {
      const pod = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec;
      for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
        const m = /^((?:[^/@:]+(?::\d+)?\/)*[^/@:]+)(?::([^@]+))?(?:@(.+))?$/.exec(c.image as string);
        if (!m || m[1] !== img.name) continue;
        const name = img.newName ?? m[1];
        c.image = img.digest ? `${name}@${img.digest}` : `${name}${img.newTag ? `:${img.newTag}` : m[2] ? `:${m[2]}` : ''}`;
      }
    }
  }
  return objects;
}

function matches(o: K8sObject, t: Target): boolean {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  const exact = (want: string | undefined, got: string) => want === undefined || new RegExp(`^(?:${want})$`).test(got);
  return exact(t.group, group!) && exact(t.version, version!) && exact(t.kind, o.kind) && exact(t.name, o.metadata.name);
}

/** Strategic merge as kustomize does it for what deploy/ needs: maps merge, lists of named items merge by name, other lists are replaced, null removes. */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, any> = clone(base);
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in out ? strategicMerge(out[key], value) : clone(value);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch) && [...base, ...patch].every((x) => isMap(x) && typeof x.name === 'string')) {
    const out = clone(base);
    for (const item of patch) {
      const i = out.findIndex((x: { name: string }) => x.name === item.name);
      if (i >= 0) out[i] = strategicMerge(out[i], item);
      else out.push(clone(item));
    }
    return out;
  }
  return clone(patch);
}

interface Op {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** JSON patch (RFC 6902) add, replace and remove. */
export function applyJson6902<T>(doc: T, ops: Op[]): T {
  const out = clone(doc) as any;
  for (const { op, path, value } of ops) {
    if (!['add', 'replace', 'remove'].includes(op)) throw new Error(`JSON patch op ${op} is not supported by this renderer`);
    const parts = path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let parent = out;
    for (const p of parts) {
      parent = Array.isArray(parent) ? parent[Number(p)] : parent?.[p];
      if (parent === undefined) throw new Error(`JSON patch path ${path} does not exist`);
    }
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (op === 'add') parent.splice(i, 0, clone(value));
      else if (i >= parent.length) throw new Error(`JSON patch path ${path} does not exist`);
      else if (op === 'replace') parent[i] = clone(value);
      else parent.splice(i, 1);
    } else {
      if (op !== 'add' && !(last in parent)) throw new Error(`JSON patch path ${path} does not exist`);
      if (op === 'remove') delete parent[last];
      else parent[last] = clone(value);
    }
  }
  return out;
}
