// Reads a V8 .cpuprofile of the api (`node --cpu-prof`) and says where its time went: self time
// by module (the package, the project file or node's own code) and the share each API action's
// handler accounts for (its samples: the handler and everything it called, synchronously or
// after an await). Time no handler accounts for is the shared path: HTTP parsing, Redis replies,
// garbage collection.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './server.mjs';

/** What a frame belongs to: a package in node_modules, a project file, node's code, or V8's own entries. */
function moduleOf(frame) {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const own = /\/((?:apps|packages)\/[^/]+\/)dist\/(.*)$/.exec(url);
  return own ? own[1] + own[2] : url;
}

/**
 * The handler closures of `actions` (name -> [dist file, factory name]): the arrow function a
 * factory `export function <factory>(ctx)` returns starts on the line after it. `helpers` are
 * named functions only that action calls (its continuations after an await start there).
 */
function handlerFrames(actions) {
  const frames = [];
  for (const [action, { file, factory, helpers = [] }] of Object.entries(actions)) {
    const path = join(root, file);
    const lines = readFileSync(path, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.startsWith(`export function ${factory}(`));
    frames.push({ action, match: (f) => f.url.endsWith(file) && (f.lineNumber === line + 1 || helpers.includes(f.functionName)) });
  }
  return frames;
}

export function summarize(profilePath, actions) {
  const profile = JSON.parse(readFileSync(profilePath, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const handlers = handlerFrames(actions);
  const selfUs = new Map();
  const fnUs = new Map();
  const actionUs = new Map();
  let totalUs = 0;
  const ownerOf = new Map();
  const owner = (id) => {
    if (ownerOf.has(id)) return ownerOf.get(id);
    const n = byId.get(id);
    const mine = handlers.find((h) => h.match(n.callFrame))?.action;
    const result = mine ?? (parent.has(id) ? owner(parent.get(id)) : undefined);
    ownerOf.set(id, result);
    return result;
  };
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id).callFrame;
    if (frame.functionName === '(idle)') return;
    totalUs += dt;
    const mod = moduleOf(frame);
    selfUs.set(mod, (selfUs.get(mod) ?? 0) + dt);
    const fn = `${frame.functionName || '(anonymous)'} ${mod}:${frame.lineNumber + 1}`;
    fnUs.set(fn, (fnUs.get(fn) ?? 0) + dt);
    const action = owner(id) ?? '(shared path)';
    actionUs.set(action, (actionUs.get(action) ?? 0) + dt);
  });
  const share = (m) =>
    Object.fromEntries(
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([k, us]) => [k, Math.round((1000 * us) / totalUs) / 10]),
    );
  return { busy_s: Math.round(totalUs / 1e4) / 100, by_action_pct: share(actionUs), self_by_module_pct: share(selfUs), self_by_function_pct: share(fnUs) };
}
