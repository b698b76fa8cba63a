import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../apps/standalone/src/redis-server.js';

/**
 * Real local Redis topologies for tests: a Redis Cluster and a Sentinel-watched master with a
 * replica, each a set of `redis-server` processes on free ports with their data in one temp dir.
 * No Docker and never the machine's own Redis on 6379. Every wait polls (the CI box is a loaded
 * 2-core machine: deadlines are generous, but nothing sleeps a fixed time), and every process and
 * temp dir goes away on stop(), else when the test process ends however it ends (a watchdog per
 * topology), else at the next start (the dirs of test processes that are gone are reaped).
 *
 * In a test file: `const cluster = redisClusterFixture()` (started in beforeAll, stopped in
 * afterAll), then `startApiProcess(cluster.url, cluster.env)`; or call startRedisCluster() /
 * startRedisSentinel() and stop() yourself.
 */

export type RedisRole = 'master' | 'replica';

/** One redis-server of a topology. `role` is as the harness last saw it (after start, failover, killMaster). */
export interface RedisTopologyNode {
  readonly port: number;
  readonly url: string;
  role: RedisRole;
  readonly process: ChildProcess;
  readonly dir: string;
  /** False once the process has exited (killMaster, stop). */
  readonly alive: boolean;
}

export interface RedisClusterTopology {
  /** Every node as a seed list: `redis://127.0.0.1:P1,redis://127.0.0.1:P2,...`. */
  url: string;
  env: { REDIS_MODE: 'cluster'; REDIS_URL: string };
  nodes: RedisTopologyNode[];
  /** CLUSTER FAILOVER on a replica of one master; resolves once the two have swapped roles and the cluster is ok. */
  failover(): Promise<void>;
  /** SIGKILLs one master (one with a replica); resolves once a replica has taken its slots and the cluster is ok. */
  killMaster(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisSentinelTopology {
  /** The three sentinels: `redis://127.0.0.1:S1,redis://127.0.0.1:S2,redis://127.0.0.1:S3`. */
  url: string;
  name: 'mymaster';
  env: { REDIS_MODE: 'sentinel'; REDIS_URL: string; REDIS_SENTINEL_NAME: 'mymaster' };
  /** The two data nodes (first started as master, second as its replica). */
  nodes: RedisTopologyNode[];
  /** The data node that is master now (as the harness last saw it). */
  readonly master: RedisTopologyNode;
  sentinels: { port: number; url: string; process: ChildProcess; dir: string }[];
  /**
   * SENTINEL FAILOVER; resolves once every sentinel names the replica as master, it answers
   * role:master, and the old master has been turned into its replica by the sentinels (they wait
   * ~10 s before doing that; until then the old master still accepts writes from clients that
   * stayed connected to it, which a test should not see).
   */
  failover(): Promise<void>;
  /** SIGKILLs the master; resolves once every sentinel names the replica as master and it answers role:master. */
  killMaster(): Promise<void>;
  stop(): Promise<void>;
}

const MASTER_NAME = 'mymaster';
const DIR_PREFIX = 'redstep-topology-';
/** Deadlines for a loaded 2-core CI box: a start or a failover takes seconds, a deadline is a minute. */
const START_TIMEOUT_MS = 60_000;
const CHANGE_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

// ---------------------------------------------------------------------------------------------
// Processes and cleanup

interface Spawned {
  port: number;
  ports: number[];
  dir: string;
  child: ChildProcess;
  exited: Promise<void>;
  output(): string;
}

/**
 * Kills a topology's redis-servers and removes its dir once the test process is gone however it
 * went (a vitest worker ends without running 'exit' handlers; a SIGKILL runs nothing): it waits
 * for the end of a pipe only the test process holds. Only processes whose working directory is in
 * the topology's dir are killed (redis-server chdirs to its --dir), so a reused pid is safe.
 */
const WATCHDOG = `trap '' INT TERM HUP
case "$1" in */${DIR_PREFIX}*) ;; *) exit 0;; esac
read -r _
for p in $(cat "$1/pids" 2>/dev/null); do
  case "$(readlink "/proc/$p/cwd" 2>/dev/null)" in "$1"/*) kill -9 "$p" 2>/dev/null;; esac
done
rm -rf "$1"`;

/** The processes and temp dir of one topology; killNow() is synchronous, for process 'exit'. */
class Topology {
  readonly root: string;
  readonly spawned: Spawned[] = [];
  private readonly watchdog: ChildProcess;
  private readonly watchdogExited: Promise<void>;
  private stopped = false;

  constructor(kind: string) {
    reapOrphans();
    this.root = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${kind}-`));
    writeFileSync(join(this.root, 'owner'), String(process.pid));
    this.watchdog = spawn('sh', ['-c', WATCHDOG, 'redstep-topology-watchdog', this.root], { stdio: ['pipe', 'ignore', 'ignore'] });
    this.watchdogExited = new Promise<void>((r) => this.watchdog.once('exit', () => r()));
    this.watchdog.on('error', () => {}); // no sh: the exit hook and reapOrphans() remain
    this.watchdog.stdin!.on('error', () => {});
    // Neither the watchdog nor its pipe keeps the test process alive.
    this.watchdog.unref();
    (this.watchdog.stdin as unknown as { unref(): void }).unref();
    live.add(this);
  }

  /** Starts a redis-server on fresh free ports, retried with other ports if one was taken meanwhile. */
  async spawn(name: string, portCount: number, args: (ports: number[], dir: string) => string[]): Promise<Spawned> {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      const ports = await reservePorts(portCount);
      const dir = join(this.root, `${name}-${ports[0]}`);
      mkdirSync(dir, { recursive: true });
      const child = spawn('redis-server', args(ports, dir), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const keep = (d: Buffer) => (out = (out + d.toString()).slice(-4_000));
      child.stdout!.on('data', keep);
      child.stderr!.on('data', keep);
      child.on('error', (e) => keep(Buffer.from(String(e))));
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const spawned: Spawned = { port: ports[0]!, ports, dir, child, exited, output: () => `${out}${logTail(dir)}` };
      this.spawned.push(spawned);
      if (child.pid) appendFileSync(join(this.root, 'pids'), `${child.pid}\n`);
      try {
        const exitedEarly = exited.then(() => {
          throw new Exited(`exited (${child.exitCode ?? child.signalCode}): ${spawned.output()}`);
        });
        exitedEarly.catch(() => {}); // also rejects at stop(), when nothing races it any more
        await waitFor(`redis-server ${name} on port ${spawned.port}`, START_TIMEOUT_MS, async () => {
          if (child.pid === undefined) throw new Fatal(`redis-server could not be run (is it on PATH?): ${spawned.output()}`);
          // Whatever answers on the port must be this process: the port may have been taken
          // meanwhile by another server (which may not answer at all, or be another Redis).
          const server = parseInfo(String(await Promise.race([call(spawned.port, 'INFO', 'server'), exitedEarly])));
          return Number(server.process_id) === child.pid || `port ${spawned.port} is answered by pid ${server.process_id}, not ${child.pid}`;
        });
        return spawned;
      } catch (e) {
        lastError = e as Error;
        await killAndWait(spawned);
        for (const p of ports) reserved.delete(p);
        if (!(e instanceof Exited)) break; // not an early exit (a port taken meanwhile): do not retry
      }
    }
    throw lastError ?? new Error(`redis-server ${name} did not start`);
  }

  killNow(): void {
    for (const s of this.spawned) if (isAlive(s.child)) s.child.kill('SIGKILL');
    rmSync(this.root, { recursive: true, force: true });
    this.watchdog.stdin!.destroy();
    live.delete(this);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // The data goes away with the dir: no need for a clean shutdown (which can wait for replicas).
    await Promise.all(this.spawned.map((s) => killAndWait(s)));
    for (const s of this.spawned) for (const p of s.ports) reserved.delete(p);
    rmSync(this.root, { recursive: true, force: true });
    // Nothing left for the watchdog to do: it reads the end of its pipe and exits.
    this.watchdog.stdin!.end();
    if (this.watchdog.pid !== undefined && this.watchdog.exitCode === null && this.watchdog.signalCode === null) await this.watchdogExited;
    live.delete(this);
  }
}

/** Ends a wait at once instead of polling on. */
class Fatal extends Error {}
/** A redis-server that exited while starting (most likely a port taken meanwhile): started again on other ports. */
class Exited extends Fatal {}

const live = new Set<Topology>();
process.once('exit', () => {
  for (const t of [...live]) t.killNow();
});

/** Ports handed out by this process and not yet released, so two nodes never get the same one. */
const reserved = new Set<number>();

async function reservePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const port = await freePort();
    // Never the machine's own Redis or Sentinel; a cluster bus port is set explicitly (cluster-port), not port+10000.
    if (reserved.has(port) || port === 6379 || port === 26379) continue;
    reserved.add(port);
    ports.push(port);
  }
  return ports;
}

const isAlive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

async function killAndWait(s: Spawned): Promise<void> {
  if (isAlive(s.child)) s.child.kill('SIGKILL');
  if (s.child.pid === undefined) return; // never started (spawn error): no exit event
  await s.exited;
}

function logTail(dir: string): string {
  const file = join(dir, 'redis.log');
  if (!existsSync(file)) return '';
  return `\n--- ${file} (tail) ---\n${readFileSync(file, 'utf8').slice(-2_000)}`;
}

/**
 * Topologies left by a test process that died without stop() or its exit hook (SIGKILL, a hung
 * worker killed): their redis-servers are killed (only a process whose working directory is in
 * that topology's dir: redis-server chdirs to its --dir) and their dirs removed.
 */
function reapOrphans(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(DIR_PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const root = join(tmpdir(), entry);
    try {
      const ownerFile = join(root, 'owner');
      if (!existsSync(ownerFile)) {
        if (Date.now() - statSync(root).mtimeMs > 60_000) rmSync(root, { recursive: true, force: true });
        continue;
      }
      const owner = Number(readFileSync(ownerFile, 'utf8'));
      if (pidAlive(owner)) continue;
      const pids = existsSync(join(root, 'pids')) ? readFileSync(join(root, 'pids'), 'utf8').split('\n').map(Number).filter((p) => p > 0) : [];
      for (const pid of pids) {
        try {
          if (readlinkSync(`/proc/${pid}/cwd`).startsWith(root)) process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      rmSync(root, { recursive: true, force: true });
    } catch {
      // another process reaped it meanwhile
    }
  }
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Talking to the nodes

/** One command on a fresh connection (a node may have been killed since the last one). */
async function call(port: number, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 5_000,
    commandTimeout: 10_000,
    enableReadyCheck: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const [command, ...rest] = args;
    return await client.call(String(command), ...rest);
  } finally {
    client.disconnect();
  }
}

async function info(port: number, section: string): Promise<Record<string, string>> {
  return parseInfo(String(await call(port, 'INFO', section)));
}

function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** A condition's check returns true when met, else what is still missing (for the timeout's message). */
async function waitFor(what: string, timeoutMs: number, check: () => Promise<true | string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not checked yet';
  for (;;) {
    try {
      const result = await check();
      if (result === true) return;
      last = result;
    } catch (e) {
      if (e instanceof Fatal) throw e;
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${last}`);
    await sleep(POLL_MS);
  }
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

function toNode(s: Spawned, role: RedisRole): RedisTopologyNode {
  return {
    port: s.port,
    url: `redis://127.0.0.1:${s.port}`,
    role,
    process: s.child,
    dir: s.dir,
    get alive() {
      return isAlive(s.child);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Redis Cluster

interface ClusterEntry {
  port: number;
  flags: string[];
  role: RedisRole;
  masterId: string;
  id: string;
  slots: string[];
}

function parseClusterNodes(text: string): ClusterEntry[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, addr, flags, masterId, , , , , ...slots] = line.trim().split(' ');
      const flagList = flags!.split(',');
      return {
        id: id!,
        port: Number(addr!.split('@')[0]!.split(':').pop()),
        flags: flagList,
        role: flagList.includes('slave') ? 'replica' : 'master',
        masterId: masterId!,
        slots,
      };
    });
}

function slotCount(ranges: string[]): number {
  let n = 0;
  for (const r of ranges) {
    if (r.startsWith('[')) continue; // a slot being migrated
    const [a, b] = r.split('-').map(Number);
    n += b === undefined ? 1 : b - a! + 1;
  }
  return n;
}

/** The cluster as every live node sees it, once they all agree and all is well; else what is not. */
async function clusterAgreement(nodes: RedisTopologyNode[], knownNodes?: number): Promise<{ roles: Map<number, { role: RedisRole; masterPort?: number }> } | string> {
  const alive = nodes.filter((n) => n.alive);
  const livePorts = new Set(alive.map((n) => n.port));
  let agreed: string | undefined;
  let roles = new Map<number, { role: RedisRole; masterPort?: number }>();
  for (const node of alive) {
    const clusterInfo = String(await call(node.port, 'CLUSTER', 'INFO'));
    if (!clusterInfo.includes('cluster_state:ok')) return `node ${node.port}: cluster_state is not ok`;
    if (knownNodes !== undefined && !clusterInfo.includes(`cluster_known_nodes:${knownNodes}\r`)) return `node ${node.port}: does not know all ${knownNodes} nodes yet`;
    const entries = parseClusterNodes(String(await call(node.port, 'CLUSTER', 'NODES')));
    const byId = new Map(entries.map((e) => [e.id, e]));
    const view = new Map<number, { role: RedisRole; masterPort?: number }>();
    const parts: string[] = [];
    let slots = 0;
    for (const e of entries) {
      if (!livePorts.has(e.port)) continue;
      const bad = e.flags.filter((f) => ['fail', 'fail?', 'handshake', 'noaddr'].includes(f));
      if (bad.length) return `node ${node.port} sees ${e.port} as ${bad.join(',')}`;
      if (e.role === 'master') {
        slots += slotCount(e.slots);
        view.set(e.port, { role: 'master' });
        parts.push(`${e.port}:master:${e.slots.join(',')}`);
      } else {
        const masterPort = byId.get(e.masterId)?.port;
        view.set(e.port, { role: 'replica', masterPort });
        parts.push(`${e.port}:replica-of:${masterPort}`);
      }
    }
    if (slots !== 16384) return `node ${node.port}: live masters hold ${slots} of 16384 slots`;
    const signature = parts.sort().join(' ');
    if (agreed === undefined) {
      agreed = signature;
      roles = view;
    } else if (signature !== agreed) {
      return `nodes disagree: ${agreed} / ${signature}`;
    }
  }
  for (const node of alive) {
    const role = roles.get(node.port);
    if (!role) return `node ${node.port} is not in the cluster`;
    const repl = await info(node.port, 'replication');
    if (role.role === 'master' && repl.role !== 'master') return `node ${node.port}: role ${repl.role}, the cluster says master`;
    if (role.role === 'replica') {
      if (repl.role !== 'slave' || Number(repl.master_port) !== role.masterPort) return `node ${node.port}: not yet replicating ${role.masterPort}`;
      if (repl.master_link_status !== 'up') return `node ${node.port}: master link ${repl.master_link_status}`;
    }
  }
  return { roles };
}

async function waitForCluster(nodes: RedisTopologyNode[], what: string, timeoutMs: number, extra?: (roles: Map<number, { role: RedisRole; masterPort?: number }>) => Promise<true | string> | true | string, knownNodes?: number): Promise<void> {
  await waitFor(what, timeoutMs, async () => {
    const agreement = await clusterAgreement(nodes, knownNodes);
    if (typeof agreement === 'string') return agreement;
    const more = extra ? await extra(agreement.roles) : true;
    if (more !== true) return more;
    for (const n of nodes) {
      const r = agreement.roles.get(n.port);
      if (r) n.role = r.role;
    }
    return true;
  });
}

/** Masters (alive) with their alive replicas, from the roles the harness last saw. */
async function mastersWithReplicas(nodes: RedisTopologyNode[]): Promise<{ master: RedisTopologyNode; replicas: RedisTopologyNode[] }[]> {
  const agreement = await clusterAgreement(nodes);
  if (typeof agreement === 'string') throw new Error(`the cluster is not settled: ${agreement}`);
  return nodes
    .filter((n) => n.alive && agreement.roles.get(n.port)?.role === 'master')
    .map((master) => ({ master, replicas: nodes.filter((n) => n.alive && agreement.roles.get(n.port)?.masterPort === master.port) }))
    .filter((m) => m.replicas.length > 0);
}

/**
 * A Redis Cluster of `masters` masters with `replicasPerMaster` replicas each (3 and 1: six
 * nodes), created with `redis-cli --cluster create`; resolves once every node reports
 * cluster_state:ok, all agree on who holds which slots, and every replica's master link is up.
 */
export async function startRedisCluster(options: { masters?: number; replicasPerMaster?: number } = {}): Promise<RedisClusterTopology> {
  const masters = options.masters ?? 3;
  const replicasPerMaster = options.replicasPerMaster ?? 1;
  if (masters < 3) throw new Error('a Redis Cluster needs at least 3 masters');
  const total = masters * (1 + replicasPerMaster);
  const topology = new Topology('cluster');
  try {
    const spawned = await Promise.all(
      Array.from({ length: total }, (_, i) =>
        topology.spawn(`node${i}`, 2, ([port, busPort], dir) => [
          '--port', String(port), '--cluster-port', String(busPort),
          '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000',
          '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
          '--dir', dir, '--bind', '127.0.0.1', '--hz', '100', '--daemonize', 'no',
          '--logfile', join(dir, 'redis.log'),
          // A replica's first sync (diskless) would otherwise wait 5 s for other replicas to join it.
          '--repl-diskless-sync-delay', '0',
        ]),
      ),
    );
    const nodes = spawned.map((s) => toNode(s, 'master'));
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicasPerMaster), '--cluster-yes'], START_TIMEOUT_MS);
    await waitForCluster(nodes, 'the cluster to be ok on every node', START_TIMEOUT_MS, undefined, total);
    const url = nodes.map((n) => n.url).join(',');
    return {
      url,
      env: { REDIS_MODE: 'cluster', REDIS_URL: url },
      nodes,
      async failover() {
        const [pair] = await mastersWithReplicas(nodes);
        if (!pair) throw new Error('no master has a live replica to promote');
        const { master } = pair;
        const replica = pair.replicas[0]!;
        let issuedAt = 0;
        // A manual failover gives up after 5 s if the master does not pause in time: ask again.
        await waitForCluster(nodes, `replica ${replica.port} to take over from master ${master.port}`, CHANGE_TIMEOUT_MS, async (roles) => {
          if (roles.get(replica.port)?.role !== 'master' || roles.get(master.port)?.masterPort !== replica.port) {
            if (Date.now() - issuedAt > 10_000) {
              issuedAt = Date.now();
              await call(replica.port, 'CLUSTER', 'FAILOVER');
            }
            return `${replica.port} not yet master with ${master.port} its replica`;
          }
          return true;
        });
      },
      async killMaster() {
        const [pair] = await mastersWithReplicas(nodes);
        if (!pair) throw new Error('no master has a live replica to take over');
        const { master, replicas } = pair;
        const s = spawned.find((x) => x.port === master.port)!;
        await killAndWait(s);
        await waitForCluster(nodes, `a replica of killed master ${master.port} to take over`, CHANGE_TIMEOUT_MS, (roles) =>
          replicas.some((r) => roles.get(r.port)?.role === 'master') ? true : `no replica of ${master.port} promoted yet`,
        );
      },
      stop: () => topology.stop(),
    };
  } catch (e) {
    await topology.stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Redis Sentinel

type Fields = Record<string, string>;

/** SENTINEL REPLICAS / SENTINELS answer flat [key, value, ...] arrays. */
const fields = (reply: unknown): Fields[] =>
  (reply as string[][]).map((flat) => {
    const out: Fields = {};
    for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
    return out;
  });

const downFlags = (f: Fields) => (f.flags ?? '').split(',').filter((x) => ['s_down', 'o_down', 'disconnected'].includes(x));

/**
 * One master, one replica (--replicaof) and three sentinels (quorum 2, down-after 2 s,
 * failover-timeout 10 s); resolves once every sentinel knows the master, the replica (link ok)
 * and the two other sentinels.
 */
export async function startRedisSentinel(): Promise<RedisSentinelTopology> {
  const topology = new Topology('sentinel');
  const dataArgs = (port: number, dir: string) => [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
    '--hz', '100', '--daemonize', 'no', '--logfile', join(dir, 'redis.log'),
    '--repl-diskless-sync-delay', '0', // else a replica's first sync waits 5 s
  ];
  try {
    const first = await topology.spawn('master', 1, ([port], dir) => dataArgs(port!, dir));
    const second = await topology.spawn('replica', 1, ([port], dir) => [...dataArgs(port!, dir), '--replicaof', '127.0.0.1', String(first.port)]);
    const nodes = [toNode(first, 'master'), toNode(second, 'replica')];
    const sentinelProcs = await Promise.all(
      [0, 1, 2].map((i) =>
        topology.spawn(`sentinel${i}`, 1, ([port], dir) => {
          const conf = join(dir, 'sentinel.conf');
          writeFileSync(
            conf,
            [
              `port ${port}`,
              'bind 127.0.0.1',
              'daemonize no',
              `dir ${dir}`,
              `logfile ${join(dir, 'redis.log')}`,
              `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${first.port} 2`,
              `sentinel down-after-milliseconds ${MASTER_NAME} 2000`,
              `sentinel failover-timeout ${MASTER_NAME} 10000`,
              '',
            ].join('\n'),
          );
          return [conf, '--sentinel'];
        }),
      ),
    );
    const sentinels = sentinelProcs.map((s) => ({ port: s.port, url: `redis://127.0.0.1:${s.port}`, process: s.child, dir: s.dir }));
    let master = nodes[0]!;

    /** Every sentinel names `expected` as master; it answers role:master; `replica` (if any) replicates it and the sentinels list it as up. */
    const settled = async (expected: RedisTopologyNode, replica: RedisTopologyNode | undefined, sentinelsSeeReplicaLink: boolean): Promise<true | string> => {
      const repl = await info(expected.port, 'replication');
      if (repl.role !== 'master') return `${expected.port} answers role:${repl.role}`;
      if (replica) {
        const r = await info(replica.port, 'replication');
        if (r.role !== 'slave' || Number(r.master_port) !== expected.port) return `${replica.port} does not replicate ${expected.port} yet`;
        if (r.master_link_status !== 'up') return `${replica.port}: master link ${r.master_link_status}`;
      }
      for (const s of sentinels) {
        const addr = (await call(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[] | null;
        if (Number(addr?.[1]) !== expected.port) return `sentinel ${s.port} names ${addr?.join(':')} as master`;
        const others = fields(await call(s.port, 'SENTINEL', 'SENTINELS', MASTER_NAME));
        if (others.length !== sentinels.length - 1 || others.some((o) => downFlags(o).length)) return `sentinel ${s.port} knows ${others.length} other sentinels (${others.map((o) => o.flags).join(' ')})`;
        if (replica) {
          const known = fields(await call(s.port, 'SENTINEL', 'REPLICAS', MASTER_NAME)).find((r) => Number(r.port) === replica.port);
          if (!known) return `sentinel ${s.port} does not know replica ${replica.port} yet`;
          if (downFlags(known).length) return `sentinel ${s.port} sees replica ${replica.port} as ${known.flags}`;
          if (sentinelsSeeReplicaLink && known['master-link-status'] !== 'ok') return `sentinel ${s.port} sees the link of replica ${replica.port} as ${known['master-link-status']}`;
        }
      }
      return true;
    };
    const other = (n: RedisTopologyNode) => nodes.find((x) => x !== n)!;
    const setRoles = (newMaster: RedisTopologyNode) => {
      master = newMaster;
      for (const n of nodes) n.role = n === newMaster ? 'master' : 'replica';
    };

    await waitFor('the sentinels to know the master, the replica and each other', START_TIMEOUT_MS, () => settled(master, nodes[1], true));
    const url = sentinels.map((s) => s.url).join(',');
    return {
      url,
      name: MASTER_NAME,
      env: { REDIS_MODE: 'sentinel', REDIS_URL: url, REDIS_SENTINEL_NAME: MASTER_NAME },
      nodes,
      get master() {
        return master;
      },
      sentinels,
      async failover() {
        const old = master;
        const promoted = other(old);
        if (!promoted.alive) throw new Error('no live replica to promote');
        let askedAt = 0;
        let triedAt = 0;
        await waitFor(`the sentinels to promote ${promoted.port}`, CHANGE_TIMEOUT_MS, async () => {
          const addr = (await call(sentinels[0]!.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[] | null;
          // Asked (again) while that sentinel still names the old master: after an error
          // (NOGOODSLAVE until it has fresh INFO from the replica), or when a failover was given up
          // (failover-timeout 10 s) without a promotion.
          if (Number(addr?.[1]) === old.port && Date.now() - askedAt > 15_000 && Date.now() - triedAt > 1_000) {
            triedAt = Date.now();
            try {
              await call(sentinels[0]!.port, 'SENTINEL', 'FAILOVER', MASTER_NAME);
              askedAt = Date.now();
            } catch (e) {
              return `SENTINEL FAILOVER: ${(e as Error).message}`;
            }
          }
          return settled(promoted, undefined, false);
        });
        setRoles(promoted);
        if (old.alive) await waitFor(`the sentinels to turn ${old.port} into a replica of ${promoted.port}`, CHANGE_TIMEOUT_MS, () => settled(promoted, old, false));
      },
      async killMaster() {
        const old = master;
        const promoted = other(old);
        if (!promoted.alive) throw new Error('no live replica to promote');
        const s = [first, second].find((x) => x.port === old.port)!;
        await killAndWait(s);
        await waitFor(`the sentinels to promote ${promoted.port} after killing ${old.port}`, CHANGE_TIMEOUT_MS, () => settled(promoted, undefined, false));
        setRoles(promoted);
      },
      stop: () => topology.stop(),
    };
  } catch (e) {
    await topology.stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// vitest fixtures

/**
 * One topology for a test file: started in beforeAll, stopped in afterAll. The returned object
 * reads through to the running topology (`cluster.url`, `cluster.failover()`).
 */
function fixture<T extends { stop(): Promise<void> }>(start: () => Promise<T>): T {
  let current: T | undefined;
  beforeAll(async () => {
    current = await start();
  });
  afterAll(async () => {
    await current?.stop();
    current = undefined;
  });
  return new Proxy({} as T, {
    get(_target, key) {
      if (key === 'then') return undefined; // not a promise
      if (!current) throw new Error('the Redis topology starts in beforeAll');
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
    has: (_target, key) => current !== undefined && key in current, // `'name' in topology`
  });
}

export const redisClusterFixture = (options?: { masters?: number; replicasPerMaster?: number }): RedisClusterTopology => fixture(() => startRedisCluster(options));
export const redisSentinelFixture = (): RedisSentinelTopology => fixture(() => startRedisSentinel());
