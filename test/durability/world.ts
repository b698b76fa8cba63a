import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, type Redis } from 'ioredis';
import { Queue, type Job } from 'bullmq';
import { allShards, queuePrefix, stepJobId, loadConfig, connectRedis, executionStores, DefinitionCache, MapRunStore, VersionStore, STEP_QUEUE, type RedisHandle, type StepJob, type ExecutionStores } from '@redstep/store';
import { createContext, type ApiContext } from '../../apps/api/src/context.js';
import { handlers } from '../../apps/api/src/server.js';
import { StepProcessor } from '../../apps/worker/src/step-processor.js';
import { Invoker } from '../../apps/worker/src/invoker.js';
import { integrationsFrom } from '../../apps/worker/src/integrations/setup.js';
import { Reconciler } from '../../apps/worker/src/reconciler.js';

/**
 * Deterministic fault injection for the durability tests. Every Redis command the product code
 * sends (api handlers, step jobs, upkeep) is counted across the whole scenario; a fault fires at
 * one chosen command:
 * - `die`: the command takes effect in Redis, then its process dies (nothing it would do next
 *   happens; its promises never settle). The actor is replaced by a new process and retries
 *   what it was doing, as a client retries a call and BullMQ retries a job.
 * - `lost`: the command takes effect, its answer is lost and the client sends it again (what
 *   ioredis does when the connection drops and comes back); the process goes on with the
 *   second answer.
 * Running a scenario once per command number, in each mode, puts a fault between every two
 * Redis calls of the scenario.
 */
export type FaultMode = 'die' | 'lost';

export interface Fault {
  at: number;
  mode: FaultMode;
}

/** The commands counted so far, and the one fault of this run. */
export class FaultPlan {
  count = 0;
  fired = false;
  readonly log: string[] = [];
  constructor(readonly fault?: Fault) {}
}

const DIED = Symbol('died');

/** The store's scripts by SHA1, so the command log names them. */
const SCRIPT_NAMES = new Map(
  readdirSync(fileURLToPath(new URL('../../packages/store/lua/', import.meta.url))).map((file) => [
    createHash('sha1').update(readFileSync(fileURLToPath(new URL(`../../packages/store/lua/${file}`, import.meta.url)))).digest('hex'),
    file.replace(/-\d+\.lua$/, ''),
  ]),
);

/** One product process: its own Redis connection, which the fault plan can kill. */
export class SimProcess {
  readonly handle: RedisHandle;
  dead = false;
  private killed!: () => void;
  /** Settles when the process dies. */
  readonly died = new Promise<typeof DIED>((resolve) => (this.killed = () => resolve(DIED)));

  constructor(url: string, readonly plan: FaultPlan, readonly name: string) {
    this.handle = connectRedis(url, { enableAutoPipelining: false, lazyConnect: false });
    this.instrument(this.handle.redis);
  }

  /** Runs `action` in this process: its result, or DIED if the process died meanwhile. */
  async run<T>(action: () => Promise<T>): Promise<T | typeof DIED> {
    if (this.dead) return DIED;
    return Promise.race([action(), this.died]);
  }

  close(): void {
    for (const conn of this.connections) conn.disconnect();
  }

  /** Every connection this process opened (a subscriber is one of its own). */
  private readonly connections: Redis[] = [];

  private instrument(redis: Redis): void {
    this.connections.push(redis);
    redis.on('error', () => {}); // a dead process's connections may fail; nobody is listening
    const send = redis.sendCommand.bind(redis) as (c: Command, s?: unknown) => Promise<unknown>;
    const never = new Promise<never>(() => {});
    const duplicate = redis.duplicate.bind(redis);
    // Connections of its own (the activity polls' subscriber): count those too.
    redis.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
      const copy = duplicate(...args);
      this.instrument(copy);
      return copy;
    }) as Redis['duplicate'];
    redis.sendCommand = ((command: Command, stream?: unknown) => {
      if (this.dead) return never;
      // Connection housekeeping is not the product's logic.
      if (redis.status !== 'ready') return send(command, stream);
      const plan = this.plan;
      const n = ++plan.count;
      const first0 = String(command.args[0] ?? '');
      plan.log.push(`${n} ${this.name} ${command.name} ${SCRIPT_NAMES.get(first0) ?? first0.slice(0, 60)}`);
      if (plan.fired || plan.fault?.at !== n) return send(command, stream);
      plan.fired = true;
      const first = send(command, stream);
      if (plan.fault.mode === 'die') {
        first.catch(() => {});
        this.dead = true;
        this.killed();
        return never;
      }
      const again = () => send(new Command(command.name, command.args as never, { replyEncoding: (command as unknown as { replyEncoding?: BufferEncoding }).replyEncoding ?? null }), stream);
      return first.then(again, again);
    }) as Redis['sendCommand'];
  }
}

export const isDead = (value: unknown): value is typeof DIED => value === DIED;

/** Everything a scenario needs: one Redis, an api process, a worker process, a clean view. */
export class World {
  readonly clean: RedisHandle;
  readonly view: ExecutionStores;
  /** The step queues, by shard, as the driver reads them. */
  readonly queues: Queue<StepJob>[];
  /** Virtual time: every process reads this clock, so timers are driven, not waited for. */
  clock = Date.now();
  /** When each job falls due on the virtual clock, by job id, as its adder asked. */
  private readonly due = new Map<string, number>();
  private api!: { proc: SimProcess; ctx: ApiContext };
  private worker!: { proc: SimProcess; stores: ExecutionStores; processor: StepProcessor; reconciler: Reconciler };
  private readonly processes: SimProcess[] = [];
  /** Tokens pollers were handed, in order (a token twice would be a task handed out twice). */
  readonly handedOut: string[] = [];
  deaths = 0;
  /** Executions whose waits the reconciler had to re-derive. */
  rederived = 0;

  constructor(readonly url: string, readonly plan: FaultPlan) {
    this.clean = connectRedis(url);
    this.view = executionStores(this.clean, { reconcileAfterMs: RECONCILE_MS });
    this.queues = allShards().map((shard) => new Queue<StepJob>(STEP_QUEUE, { connection: this.clean.redis, prefix: queuePrefix(shard) }));
    this.newApi();
    this.newWorker();
  }

  readonly now = () => this.clock;

  private track<T extends { add: (job: StepJob, delayMs?: number) => Promise<void> }>(queue: T): T {
    const add = queue.add.bind(queue);
    queue.add = async (job: StepJob, delayMs = 0) => {
      const id = stepJobId(job);
      if (!this.due.has(id) || delayMs > 0) this.due.set(id, this.clock + delayMs);
      return add(job, delayMs);
    };
    return queue;
  }

  private newApi(): void {
    const proc = new SimProcess(this.url, this.plan, 'api');
    this.processes.push(proc);
    const ctx = createContext({ ...loadConfig({}), reconcileIdleMs: RECONCILE_MS }, proc.handle, this.now);
    this.track(ctx.queue);
    this.api = { proc, ctx };
  }

  private newWorker(): void {
    const proc = new SimProcess(this.url, this.plan, 'worker');
    this.processes.push(proc);
    const stores = executionStores(proc.handle, { reconcileAfterMs: RECONCILE_MS, now: this.now });
    this.track(stores.queue);
    const config = loadConfig({});
    const { executions, stateMachines, queue, running, outbox, activities } = stores;
    const { registry } = integrationsFrom(config, { executions, stateMachines, queue, running, outbox, versions: new VersionStore(proc.handle), now: this.now });
    const definitions = new DefinitionCache(stateMachines);
    const invoker = new Invoker({ executions, queue, registry, now: this.now });
    // No time slice: a fault window is found by counting Redis calls, so steps must end where their definitions say.
    const processor = new StepProcessor({ executions, activities, stateMachines, definitions, queue, outbox, running, invoker, mapRuns: new MapRunStore(proc.handle), now: this.now, sliceMs: Infinity });
    const reconciler = new Reconciler({ stores, definitions, idleMs: RECONCILE_MS, onRederived: () => this.rederived++ });
    this.worker = { proc, stores, processor, reconciler };
  }

  /**
   * Calls an API action as a client does: retried (same body) until a process answers it, or
   * with `retry: false` given up when its process dies (undefined).
   */
  async call(action: string, body: Record<string, unknown>, { signal = new AbortController().signal, retry = true } = {}): Promise<Record<string, unknown>> {
    for (;;) {
      const { proc, ctx } = this.api;
      const handler = handlers(ctx)[action]!;
      const out = await proc.run(() => handler(body, signal) as Promise<Record<string, unknown>>);
      if (!isDead(out)) return out;
      this.deaths++;
      this.newApi();
      if (!retry) return {};
    }
  }

  /** A poller: one short GetActivityTask; its token, if it got one. */
  async poll(activityArn: string): Promise<{ token: string; input: string } | undefined> {
    const out = await this.call('GetActivityTask', { activityArn, workerName: 'w' }, { signal: AbortSignal.timeout(150) });
    if (typeof out.taskToken !== 'string') return undefined;
    this.handedOut.push(out.taskToken);
    return { token: out.taskToken, input: String(out.input) };
  }

  /**
   * Runs step jobs until none is due: each in the current worker process, removed once it
   * completes (BullMQ's removeOnComplete); a job whose process died stays and runs again in a
   * new worker (BullMQ's stalled-job retry). When nothing is due, the clock moves to the next
   * delayed job, at most `horizonMs` ahead.
   */
  async drive(horizonMs = 0, limit = 2000): Promise<void> {
    const end = this.clock + horizonMs;
    for (let i = 0; i < limit; i++) {
      const found = await Promise.all(this.queues.map((q) => q.getJobs(['wait', 'delayed', 'prioritized', 'paused'])));
      const jobs = found.flat().filter((j): j is Job<StepJob> => !!j);
      const dueAt = (j: Job<StepJob>) => this.due.get(j.id!) ?? this.clock;
      const ready = jobs.filter((j) => dueAt(j) <= this.clock).sort((a, b) => dueAt(a) - dueAt(b) || a.timestamp - b.timestamp);
      if (ready.length === 0) {
        const next = Math.min(...jobs.map(dueAt));
        if (jobs.length === 0 || next > end) return;
        this.clock = next;
        continue;
      }
      await this.runJob(ready[0]!);
    }
    throw new Error('drive: too many jobs');
  }

  private async runJob(job: Job<StepJob>): Promise<void> {
    const { proc, processor } = this.worker;
    const out = await proc.run(() => processor.process(job.data));
    if (isDead(out)) {
      this.deaths++;
      this.newWorker();
      return;
    }
    await job.remove();
  }

  /** The current worker process's step processor. */
  processor(): StepProcessor {
    return this.worker.processor;
  }

  /** Worker upkeep a real worker runs on timers: hand-out recovery (two rounds) and one reconciler pass. */
  async upkeep(): Promise<void> {
    for (;;) {
      const { proc, stores, reconciler } = this.worker;
      const seen = new Map<string, Set<string>>();
      const out = await proc.run(async () => {
        await stores.activities.requeueStuck(seen);
        await stores.activities.requeueStuck(seen);
        await this.clean.redis.del('rs:reconciling');
        await reconciler.pass(1000);
      });
      if (!isDead(out)) return;
      this.deaths++;
      this.newWorker();
    }
  }

  /** Advances the clock past the reconciler's idle bound. */
  idle(): void {
    this.clock += RECONCILE_MS + 1;
  }

  async close(): Promise<void> {
    for (const p of this.processes) p.close();
    await Promise.all(this.queues.map((q) => q.close()));
    this.clean.redis.disconnect();
  }
}

/** The reconciler's idle bound in these tests (virtual ms). */
export const RECONCILE_MS = 30_000;
