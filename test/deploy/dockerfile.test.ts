import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, read } from './support.js';

// No Docker engine here: the Dockerfile is checked statically, the entrypoint by running it.

interface Instruction {
  op: string;
  args: string;
  line: number;
}
interface Stage {
  name: string;
  from: string;
  steps: Instruction[];
}

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue;
      line = `${line.slice(0, -1)} ${next.trim()}`;
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Dockerfile line ${start + 1}: cannot read '${line}'`);
    instructions.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.op === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`FROM ${ins.args}`);
      const from = m[1]!.replace(/\$\{?([A-Z_]+)\}?/g, (_x, name: string) => args.get(name) ?? `$${name}`);
      stages.push({ name: m[2] ?? String(stages.length), from, steps: [] });
    } else if (stages.length === 0) {
      if (ins.op !== 'ARG') throw new Error(`${ins.op} before the first FROM`);
      const [name, value] = ins.args.split('=');
      args.set(name!, value ?? '');
    } else stages.at(-1)!.steps.push(ins);
  }
  return { args, stages };
}

/** Sources of a COPY/ADD without --from (the build context), flags removed. */
function contextSources(ins: Instruction): string[] {
  const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
  return words.slice(0, -1);
}

/** A small .dockerignore evaluator: *, ** and ! exceptions; a match on a parent folder counts. */
function dockerIgnored(path: string, patterns: string[]): boolean {
  const toRegex = (p: string) =>
    new RegExp(
      `^${p
        .replace(/^\//, '')
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '\u0000')
        .replace(/\*\*/g, '.*')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replace(/\u0000/g, '(?:.*/)?')}$`,
    );
  const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const re = toRegex(negate ? raw.slice(1) : raw);
    if (prefixes.some((p) => re.test(p))) ignored = !negate;
  }
  return ignored;
}

const dockerfile = read('deploy/Dockerfile');
const { args, stages } = parseDockerfile(dockerfile);
const ignorePatterns = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const stage = (name: string) => stages.find((s) => s.name === name)!;
const runtime = stages.at(-1)!;

describe('deploy/Dockerfile', () => {
  it('has build, deps and runtime stages on node:24-bookworm-slim', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
    expect(args.get('NODE_IMAGE')).toBe('node:24-bookworm-slim');
    for (const s of stages) expect(s.from, s.name).toBe('node:24-bookworm-slim');
  });

  it('builds with npm ci and tsc -b, and installs production dependencies only for the runtime', () => {
    const runs = (s: Stage) => s.steps.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs(stage('build')).some((r) => /\bnpm ci\b/.test(r) && !r.includes('--omit'))).toBe(true);
    expect(runs(stage('build')).some((r) => /\bnpx tsc -b\b/.test(r))).toBe(true);
    expect(runs(stage('deps')).some((r) => /\bnpm ci\b.*--omit=dev/.test(r))).toBe(true);
    // The runtime takes node_modules from deps, never from build (which holds devDependencies).
    const froms = runtime.steps.filter((i) => i.op === 'COPY' && i.args.includes('--from=')).map((i) => i.args);
    expect(froms.some((a) => /--from=deps\s+\/app\s+\/app$/.test(a))).toBe(true);
    expect(froms.filter((a) => a.includes('--from=build')).every((a) => /\/dist\s/.test(a))).toBe(true);
    expect(runs(runtime).some((r) => /npm (ci|install)/.test(r))).toBe(false);
  });

  it('copies every workspace manifest and dist, and the Lua scripts', () => {
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces;
    const text = (s: Stage) => s.steps.map((i) => `${i.op} ${i.args}`).join('\n');
    for (const ws of workspaces) {
      expect(text(stage('build')), ws).toContain(`COPY ${ws}/package.json ${ws}/`);
      expect(text(stage('deps')), ws).toContain(`COPY ${ws}/package.json ${ws}/`);
      expect(text(runtime), ws).toContain(`COPY --from=build /src/${ws}/dist ${ws}/dist`);
    }
    expect(text(runtime)).toContain('COPY packages/store/lua packages/store/lua');
    // The store reads its scripts relative to dist: packages/store/dist/../lua.
    expect(read('packages/store/src/redis.ts')).toContain('../lua/');
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    for (const s of stages) {
      for (const ins of s.steps.filter((i) => (i.op === 'COPY' || i.op === 'ADD') && !i.args.includes('--from='))) {
        for (const src of contextSources(ins)) {
          expect(existsSync(join(ROOT, src)), `line ${ins.line}: ${src}`).toBe(true);
          expect(dockerIgnored(src, ignorePatterns), `line ${ins.line}: ${src} is excluded by .dockerignore`).toBe(false);
        }
      }
      for (const ins of s.steps.filter((i) => i.args.includes('--from='))) {
        const from = /--from=(\S+)/.exec(ins.args)![1]!;
        const index = stages.findIndex((x) => x.name === from);
        expect(index, `line ${ins.line}: stage ${from}`).toBeGreaterThanOrEqual(0);
        expect(index, `line ${ins.line}: stage ${from} comes later`).toBeLessThan(stages.indexOf(s));
      }
    }
  });

  it('keeps node_modules, dist and local data out of the build context', () => {
    for (const p of ['node_modules/vitest', 'packages/core/dist/index.js', 'apps/api/node_modules/x', '.data/appendonlydir', '.git/HEAD', 'bench/run.mjs']) {
      expect(dockerIgnored(p, ignorePatterns), p).toBe(true);
    }
    for (const p of ['package-lock.json', 'packages/store/lua/commitStep-2.lua', 'apps/api/src/main.ts']) expect(dockerIgnored(p, ignorePatterns), p).toBe(false);
  });

  it('runs as a numeric non-root user, through the entrypoint script', () => {
    const users = runtime.steps.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(user.split(':')[0]).not.toBe('0');
    const entry = runtime.steps.find((i) => i.op === 'ENTRYPOINT')!;
    expect(JSON.parse(entry.args)).toEqual(['/usr/local/bin/redstep-entrypoint']);
    expect(runtime.steps.some((i) => i.op === 'COPY' && /deploy\/docker-entrypoint\.sh \/usr\/local\/bin\/redstep-entrypoint$/.test(i.args))).toBe(true);
    expect(JSON.parse(runtime.steps.find((i) => i.op === 'CMD')!.args)).toEqual(['api']);
    expect(runtime.steps.filter((i) => i.op === 'EXPOSE').map((i) => i.args)).toEqual(['8083 9464']);
  });
});

describe('deploy/docker-entrypoint.sh', () => {
  // A stand-in `node` that prints its arguments, first on PATH.
  const bin = mkdtempSync(join(tmpdir(), 'redstep-entry-'));
  writeFileSync(join(bin, 'node'), '#!/bin/sh\necho "node $*"\n');
  chmodSync(join(bin, 'node'), 0o755);
  const run = (...argv: string[]) =>
    spawnSync('sh', [join(ROOT, 'deploy/docker-entrypoint.sh'), ...argv], {
      env: { PATH: `${bin}:${process.env.PATH}`, REDSTEP_APP_ROOT: '/app' },
      encoding: 'utf8',
    });

  it('passes shell syntax check', () => {
    execFileSync('sh', ['-n', join(ROOT, 'deploy/docker-entrypoint.sh')]);
  });

  for (const role of ['api', 'worker', 'standalone']) {
    it(`starts ${role}`, () => {
      const r = run(role);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(`node /app/apps/${role}/dist/main.js`);
      // tsc maps apps/<role>/src/main.ts to dist/main.js.
      expect(existsSync(join(ROOT, `apps/${role}/src/main.ts`))).toBe(true);
      expect(read(`apps/${role}/tsconfig.json`)).toMatch(/"rootDir":\s*"src".*"outDir":\s*"dist"/);
    });
  }

  it('defaults to api and passes extra arguments to node', () => {
    expect(run().stdout.trim()).toBe('node /app/apps/api/dist/main.js');
    expect(run('worker', '--max-old-space-size=512').stdout.trim()).toBe('node --max-old-space-size=512 /app/apps/worker/dist/main.js');
  });

  it('refuses an unknown role', () => {
    const r = run('scheduler');
    expect(r.status).toBe(64);
    expect(r.stderr).toMatch(/unknown role 'scheduler'/);
    expect(r.stderr).toMatch(/api\|worker\|standalone/);
  });
});
